"""The case manager's inbox: the list, the review screen and its actions, and the case page."""

from urllib.parse import parse_qsl, urlsplit

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal import access, settings
from portal.accommodations import operations as accommodations
from portal.audit import operations as audit
from portal.cases import authorisations
from portal.cases import operations as cases
from portal.cases.forms import ClinicianForm
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput
from portal.documents import operations as documents
from portal.duty import operations as offers
from portal.extensions import db
from portal.inbox import kinds, queries
from portal.inbox.forms import (
    AccommodationDecisionForm,
    ActionForm,
    AssignForm,
    BulkActionForm,
    DeclineForm,
    DocumentRequestForm,
    FeasibilityForm,
    InboxFilterForm,
    LogEntryForm,
    RequestInformationForm,
    TakeCaseForm,
)
from portal.items import lifecycle as submissions
from portal.items.deadlines import document_request_due_date
from portal.restrictions import operations as restrictions
from portal.web.audiences import inbox
from portal.web.responses import form_error, htmx_redirect, post_form, render_fragment, render_page


def _version(form) -> int | None:
    return int(form.version.data) if (form.version.data or "").isdigit() else None


def _inbox_context(view: queries.InboxView, now, **extra) -> dict:
    """The list screen's context: one page of the view with the tab counts, and its forms."""
    page = queries.page(
        db.session, current_user, view, now, settings.current().deadlines, current_app.config["PAGE_SIZE"]
    )
    managers = _case_manager_choices()
    filters = InboxFilterForm(
        data={
            name: getattr(view, name) or "" for name in ("q", "kind", "status", "assignee", "due", "case_type", "sort")
        }
    )
    filters.assignee.choices = [SelectChoice("", "Anyone"), SelectChoice("none", "Unassigned")] + [
        SelectChoice(str(choice.value), choice.label) for choice in managers
    ]
    bulk_form = extra.pop("bulk_form", None) or BulkActionForm(formdata=None, prefix="bulk")
    bulk_form.assignee.choices = [SelectChoice("", "Choose a case manager")] + managers
    return {
        "page": page,
        "view": view,
        "counts": page.counts,
        "newest_id": page.newest_id,
        "new_count": 0,
        "tabs": queries.TABS,
        "sorts": queries.SORTS,
        "filters": filters,
        "bulk_form": bulk_form,
        "now": now,
        "settings": settings.current().deadlines,
        **extra,
    }


def _is_history_restore() -> bool:
    return bool(request.headers.get("HX-History-Restore-Request"))


@inbox.get("/")
def home():
    """The inbox: a view's page, and with ``open`` the item beside it (a wide screen shows both)."""
    view = queries.InboxView.parse(request.args)
    now = utcnow()
    if request.headers.get("HX-Target") == "inbox-list" and not _is_history_restore():
        body, status = render_fragment("inbox/home.html", "inbox_list", **_inbox_context(view, now))
        # The address to keep is the view's own, without the empty fields a filter form sends.
        return body, status, {"HX-Push-Url": url_for("inbox.home", **view.params(after=view.after, before=view.before))}
    context = _inbox_context(view, now)
    if request.args.get("open", "").isdigit():
        context.update(_review_context(_opened(int(request.args["open"])), now))
    return render_page("inbox/home.html", **context)


@inbox.get("/new")
def new_items():
    """The 30-second poll: how many items arrived in this view, and every tab's count, out of band.

    Nothing moves in the list until the case manager asks; the notice is swapped only when the
    number changes, so that a screen reader does not hear the same news every 30 seconds.
    """
    view = queries.InboxView.parse(request.args)
    now = utcnow()
    since, shown = request.args.get("since", 0, type=int), request.args.get("shown", 0, type=int)
    count = queries.new_items(db.session, current_user, view, since, now, settings.current().deadlines)
    counts, _ = queries.tab_counts(db.session, current_user, now)
    body, status = render_fragment(
        "inbox/home.html", ["new_items", "tab_counts_oob"], view=view, newest_id=since, new_count=count, counts=counts
    )
    return body, status, {} if count != shown else {"HX-Reswap": "none"}


@inbox.post("/several")
def act_on_several():
    """Claim or assign the chosen items, then show the same view again with what happened."""
    view = queries.InboxView.parse(request.args)
    form = BulkActionForm(prefix="bulk")
    form.assignee.choices = _case_manager_choices()
    one = request.form.get("claim_one", "")
    action = "claim" if one else request.form.get("action", "")
    ids = [int(one)] if one.isdigit() else [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    notice = None
    if not form.validate_on_submit() or action not in ("claim", "assign"):
        form.form_errors.append("Choose claim or assign.")
    else:
        try:
            assignee = cases.case_manager(db.session, form.assignee.data) if action == "assign" else None
            result = queries.act_on_several(db.session, current_user, action, ids, assignee)
            notice = ("success" if not result.refused else "error", _several_done(action, result, assignee))
        except InvalidInput as error:
            form.form_errors.append(str(error))
    if request.headers.get("HX-Request"):
        context = _inbox_context(view, utcnow(), bulk_form=form if form.form_errors else None, notice=notice)
        return render_fragment(
            "inbox/home.html", ["inbox_list", "flash_oob"], 422 if form.form_errors else 200, **context
        )
    if form.form_errors:
        flash(form.form_errors[0], "error")
    elif notice:
        flash(notice[1], notice[0])
    return redirect(url_for("inbox.home", **view.params(after=view.after, before=view.before)), code=303)


def _several_done(action: str, result: queries.BulkResult, assignee) -> str:
    done = len(result.done)
    verb = "Claimed" if action == "claim" else f"Assigned to {assignee.name}:"
    words = [f"{verb} {done} item{'s' if done != 1 else ''}."]
    words += [f"{reference} not changed: {why}" for reference, why in result.refused]
    return " ".join(words)


def _opened(submission_id: int):
    """An item opened for review, recorded in the audit log (it may hold medical content)."""
    item = access.get_submission(db.session, current_user, submission_id)
    audit.record(
        db.session,
        actor=current_user,
        action="submission_viewed",
        object_type="submission",
        object_id=item.id,
        case_id=item.case_id,
        ip_address=request.remote_addr,
    )
    db.session.commit()
    return item


def _review_forms(item, **replacing) -> dict:
    """Fresh forms for the item's current version; ``formdata=None`` so a post's values do not leak in."""
    assign = AssignForm(formdata=None, version=item.version, assignee=item.assignee_id)
    assign.assignee.choices = _case_manager_choices()
    forms = {
        "action_form": ActionForm(formdata=None, version=item.version),
        "assign_form": assign,
        "information_form": RequestInformationForm(formdata=None, version=item.version),
        "decline_form": DeclineForm(formdata=None, version=item.version),
        "log_form": LogEntryForm(formdata=None, occurred_on=utcnow().date()),
        "feasibility_form": FeasibilityForm(formdata=None),
        "decision_form": AccommodationDecisionForm(formdata=None, version=item.version),
    }
    forms.update(replacing)
    return forms


def _case_manager_choices() -> list[SelectChoice]:
    return [SelectChoice(m.id, m.name) for m in cases.case_managers(db.session)]


def _review_context(item, now, notice=None, **replacing) -> dict:
    context = {
        "submission": item,
        "files": documents.files_of(db.session, item),
        "now": now,
        "settings": settings.current().deadlines,
        "actions": submissions.allowed_actions(item, current_user),
        "notice": notice,
        **_review_forms(item, **replacing),
    }
    return context | kinds.review_context(db.session, item, now.date())


def _from_the_list() -> bool:
    """Whether an htmx request comes from the inbox list, whose row and counts then update too."""
    return urlsplit(request.headers.get("HX-Current-URL", "")).path == url_for("inbox.home")


def _review(item, status: int = 200, notice=None, **replacing):
    """The review screen: the whole page, or for htmx the pane, the item's row and the notice."""
    now = utcnow()
    context = _review_context(item, now, notice, **replacing)
    if request.headers.get("HX-Request") and request.method == "POST":
        in_list = _from_the_list()
        counts = queries.tab_counts(db.session, current_user, now)[0] if in_list else {}
        return render_fragment(
            "inbox/review.html", ["review_pane", "oob_updates"], status, in_list=in_list, counts=counts, **context
        )
    return render_page("inbox/review.html", status, **context)


@inbox.get("/submissions/<int:submission_id>")
def review(submission_id: int):
    """An item's review: its own page, or on a wide screen the pane beside the list, whose address
    then becomes the list's with the item open in it."""
    item = _opened(submission_id)
    if request.headers.get("HX-Target") == "item-pane" and not _is_history_restore():
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        args = {k: v for k, v in parse_qsl(current.query) if k != "open"} | {"open": item.id}
        body, status = render_fragment("inbox/home.html", "item_pane", **_review_context(item, utcnow()))
        return body, status, {"HX-Push-Url": url_for("inbox.home", **args)}
    return _review(item)


def _act(submission_id: int, form, form_name: str, perform, done):
    """Run one review action; answer with the updated screen, or the form with its errors.

    ``done`` is the message on success, or a function of the item that gives it.
    """
    item = access.get_submission(db.session, current_user, submission_id)
    if not form.validate_on_submit():
        return _review(item, 422, **{form_name: form})
    try:
        perform(item, form)
    except Conflict as error:
        return _review(item, 409, notice=("error", str(error)))
    except InvalidInput as error:
        form_error(form, error)
        return _review(item, 422, **{form_name: form})
    done = done(item) if callable(done) else done
    if request.headers.get("HX-Request"):
        return _review(item, notice=("success", done))
    flash(done, "success")
    return htmx_redirect(url_for("inbox.review", submission_id=item.id))


@inbox.post("/submissions/<int:submission_id>/claim")
def claim(submission_id: int):
    return _act(
        submission_id,
        ActionForm(),
        "action_form",
        lambda item, form: submissions.claim(db.session, item, current_user, _version(form)),
        "You have claimed this item.",
    )


@inbox.post("/submissions/<int:submission_id>/assign")
def assign(submission_id: int):
    def perform(item, form):
        assignee = cases.case_manager(db.session, form.assignee.data)
        submissions.assign(db.session, item, current_user, assignee, _version(form))

    form = AssignForm()
    form.assignee.choices = _case_manager_choices()
    return _act(submission_id, form, "assign_form", perform, "Assigned.")


@inbox.post("/submissions/<int:submission_id>/request-information")
def request_information(submission_id: int):
    return _act(
        submission_id,
        RequestInformationForm(),
        "information_form",
        lambda item, form: kinds.request_information(
            db.session,
            item,
            current_user,
            form.message.data,
            form.due_date.data,
            _version(form),
            settings.current().deadlines,
            incomplete_certification=form.incomplete_certification.data,
        ),
        "Request sent. The employee has been emailed.",
    )


@inbox.post("/submissions/<int:submission_id>/accept")
def accept(submission_id: int):
    return _act(
        submission_id,
        ActionForm(),
        "action_form",
        lambda item, form: kinds.accept(db.session, item, current_user, _version(form)),
        lambda item: kinds.of(item).accepted_message,
    )


@inbox.post("/submissions/<int:submission_id>/decline")
def decline(submission_id: int):
    return _act(
        submission_id,
        DeclineForm(),
        "decline_form",
        lambda item, form: kinds.decline(db.session, item, current_user, _version(form), form.reason.data),
        "Declined. The employee has been emailed the reason.",
    )


def _case_screen(case, status=200, form=None, clinician_form=None, take_form=None):
    now = utcnow()
    return render_page(
        "inbox/case.html",
        status,
        case=case,
        now=now,
        settings=settings.current().deadlines,
        form=form
        or DocumentRequestForm(formdata=None, due_date=document_request_due_date(now, settings.current().deadlines)),
        clinician_form=clinician_form or ClinicianForm(formdata=None),
        take_form=take_form or TakeCaseForm(),
        authorisations=authorisations.for_case(db.session, case),
        is_live=authorisations.is_live,
        current=restrictions.current_report(db.session, case.id, now.date()),
        availability=offers.matching_availability(db.session, case, now.date()),
        reviews=accommodations.reviews_due(db.session, case),
        **cases.case_overview(db.session, case),
    )


@inbox.get("/cases/<int:case_id>")
def case(case_id: int):
    return _case_screen(access.get_case(db.session, current_user, case_id))


@inbox.post("/cases/<int:case_id>/take")
def take_case(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    form = TakeCaseForm()
    done = post_form(
        form,
        lambda: cases.take_case(db.session, record, current_user),
        lambda _: (
            "You are this case's case manager now. Its emails come to you.",
            url_for("inbox.case", case_id=record.id),
        ),
    )
    if done is not None:
        return done
    return _case_screen(record, 409, take_form=form)


@inbox.post("/cases/<int:case_id>/clinicians")
def invite_clinician(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    form = ClinicianForm()
    done = post_form(
        form,
        lambda: authorisations.authorise(
            db.session, current_user, record, settings=settings.current().accounts, **form.authorisation()
        ),
        lambda participant: (
            f"{participant.clinician.name} is authorised for this case and has been emailed.",
            url_for("inbox.case", case_id=record.id),
        ),
    )
    if done is not None:
        return done
    return _case_screen(record, 422, clinician_form=form)


@inbox.post("/cases/<int:case_id>/request-document")
def request_document(case_id: int):
    record = access.get_case(db.session, current_user, case_id)
    form = DocumentRequestForm()
    done = post_form(
        form,
        lambda: documents.request_document(
            db.session,
            current_user,
            record,
            form.document_type.data,
            form.message.data,
            form.due_date.data,
            settings.current().deadlines,
        ),
        lambda _: (
            "Request sent. It is on the employee's list, and they have been emailed.",
            url_for("inbox.case", case_id=record.id),
        ),
    )
    if done is not None:
        return done
    return _case_screen(record, 422, form=form)


@inbox.post("/submissions/<int:submission_id>/log")
def add_log_entry(submission_id: int):
    """Append to the interactive-process log; over htmx the log section alone comes back, the entry in place."""
    item = access.get_submission(db.session, current_user, submission_id)
    form = LogEntryForm()
    status = 422
    if form.validate_on_submit():
        try:
            accommodations.log(
                db.session,
                current_user,
                item,
                form.occurred_on.data,
                form.kind.data,
                form.summary.data,
                form.method.data,
                form.with_whom.data,
                form.considered.data,
                {"yes": True, "no": False}.get(form.effective.data),
            )
        except InvalidInput as error:
            form_error(form, error)
        else:
            if not request.headers.get("HX-Request"):
                flash("Added to the log.", "success")
                return htmx_redirect(url_for("inbox.review", submission_id=item.id))
            form, status = LogEntryForm(formdata=None, occurred_on=utcnow().date()), 200
    if request.headers.get("HX-Request"):
        return render_fragment(
            "inbox/review.html",
            "process_log",
            status,
            submission=item,
            log_form=form,
            log=accommodations.log_of(db.session, item),
        )
    return _review(item, status, log_form=form)


@inbox.post("/submissions/<int:submission_id>/ask-supervisor")
def ask_supervisor(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = FeasibilityForm()
    done = post_form(
        form,
        lambda: accommodations.ask_supervisor(
            db.session, current_user, item, form.accommodation.data or "", form.question.data or ""
        ),
        lambda _: ("Question sent to the supervisor.", url_for("inbox.review", submission_id=item.id)),
    )
    if done is not None:
        return done
    return _review(item, 422, feasibility_form=form)


@inbox.post("/submissions/<int:submission_id>/decide")
def decide_accommodation(submission_id: int):
    def perform(item, form):
        accommodations.decide(
            db.session,
            current_user,
            item,
            form.decision.data,
            _version(form),
            what=form.what.data,
            why=form.why.data,
            denial_reason=form.denial_reason.data or None,
            granted_from=form.granted_from.data,
            granted_until=form.granted_until.data,
            review_date=form.review_date.data,
        )

    return _act(
        submission_id,
        AccommodationDecisionForm(),
        "decision_form",
        perform,
        lambda item: kinds.of(item).accepted_message,
    )
