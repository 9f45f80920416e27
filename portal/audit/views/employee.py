"""Who has seen my medical information: every view and download of an employee's medical content by
someone else, with who they are and why their role may see it."""

from flask import request
from flask_login import current_user

from portal.audit import operations as audit
from portal.core.numbers import whole_number
from portal.extensions import db
from portal.web.audiences import employee
from portal.web.responses import render

PER_PAGE = 50


@employee.get("/privacy")
def who_has_seen():
    page = audit.seen_by_others(db.session, current_user, whole_number(request.args.get("before")), PER_PAGE)
    return render(
        "employee/who_has_seen.html",
        page=page,
        named=audit.what_was_seen(db.session, page.events),
        reads=audit.MEDICAL_READS,
        why=audit.WHY_THEY_MAY,
    )
