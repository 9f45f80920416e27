"""The case manager issues a notice or letter: filled in from the case, checked and completed, then issued; and
reads the ones issued."""

from flask import flash, request, url_for
from flask_login import current_user

from portal import access, settings
from portal.cases.operations import read_only_reason
from portal.core.columns import utcnow
from portal.core.errors import NotFound
from portal.core.numbers import whole_number
from portal.extensions import db
from portal.notices import operations as notices
from portal.notices.forms import FORMS
from portal.notices.models import LABELS, NoticeKind
from portal.notices.views.pdf import send_notice
from portal.web.audiences import inbox
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


@inbox.route("/cases/<int:case_id>/notices/<kind>/new", methods=["GET", "POST"])
def issue_notice(case_id: int, kind: str):
    """The notice as drafted from the case and the roster, to check, complete and issue. ``?about=`` names the
    accommodation request, duty offer or request for information a letter puts into writing."""
    case = access.get_case(db.session, current_user, case_id)
    if kind not in set(NoticeKind):
        raise NotFound()
    about = whole_number(request.args.get("about"))
    deadlines = settings.current().deadlines
    drafted = notices.draft(db.session, current_user, case, kind, about, deadlines, utcnow())
    form_class = FORMS[drafted.kind]
    form = form_class() if request.method == "POST" else form_class(formdata=None, data=drafted.values)
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            notice = notices.issue(
                db.session, current_user, case, kind, about, form.data, deadlines, settings.current().uploads
            )
            sent(url_for("inbox.notice", notice_id=notice.id))
            flash(f"{notice.kind_label} issued. We have emailed {case.employee.name} a link to it.", "success")
            return redirect_after_post(url_for("inbox.notice", notice_id=notice.id))
    return render(
        "notices/issue.html",
        form_status(form),
        case=case,
        draft=drafted,
        form=form,
        read_only=read_only_reason(case),
    )


@inbox.get("/notices/<int:notice_id>")
def notice(notice_id: int):
    issued = notices.open_notice(db.session, current_user, notice_id)
    return render("notices/issued.html", notice=issued, case=issued.case, labels=LABELS)


@inbox.get("/notices/<int:notice_id>/pdf")
def notice_pdf(notice_id: int):
    return send_notice(notice_id)
