"""The employee reads the notices and letters issued to them, and downloads each as issued."""

from flask_login import current_user

from portal import access
from portal.extensions import db
from portal.notices import operations as notices
from portal.notices.models import LABELS
from portal.notices.views.pdf import send_notice
from portal.web.audiences import employee
from portal.web.responses import render


@employee.get("/cases/<int:case_id>/notices")
def notices_of_case(case_id: int):
    case = access.get_case(db.session, current_user, case_id)
    return render("notices/employee_list.html", case=case, notices=notices.issued_on(db.session, current_user, case))


@employee.get("/notices/<int:notice_id>")
def notice(notice_id: int):
    opened = notices.open_notice(db.session, current_user, notice_id)
    return render("notices/employee_notice.html", notice=opened, case=opened.case, labels=LABELS)


@employee.get("/notices/<int:notice_id>/pdf")
def notice_pdf(notice_id: int):
    return send_notice(notice_id)
