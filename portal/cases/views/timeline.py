"""A case's timeline, for each audience that may read the case: the case manager's whole record, the employee's
own story, the supervisor's account with nothing medical in it."""

from flask import request, url_for
from flask_login import current_user

from portal import access
from portal.cases import timeline
from portal.extensions import db
from portal.web.audiences import employee, inbox, supervisor
from portal.web.responses import render

# Where each audience's entries link to the item they are about; the supervisor's do not link.
ITEM_SCREENS = {"inbox": "inbox.review", "employee": "employee.submission"}


def _timeline_screen(case_id: int, area: str, navigation: str | None, back: tuple[str, str]):
    case = access.get_case(db.session, current_user, case_id)
    kind = request.args.get("kind") or None
    found = timeline.page(db.session, current_user, case, kind, request.args.get("after"))
    return render(
        "cases/timeline.html",
        case=case,
        page=found,
        kind=kind,
        kinds=timeline.kinds_for(current_user),
        area=area,
        endpoint=request.endpoint,
        navigation=navigation,
        back=back,
        item_screen=ITEM_SCREENS.get(area),
    )


@inbox.get("/cases/<int:case_id>/timeline")
def case_timeline(case_id: int):
    return _timeline_screen(case_id, "inbox", None, (url_for("inbox.case", case_id=case_id), "Back to the case"))


@employee.get("/cases/<int:case_id>/timeline")
def case_timeline_of_employee(case_id: int):
    return _timeline_screen(
        case_id, "employee", "employee/_navigation.html", (url_for("employee.home"), "Back to your cases")
    )


@supervisor.get("/cases/<int:case_id>/timeline")
def case_timeline_of_team(case_id: int):
    return _timeline_screen(
        case_id, "supervisor", "supervisor/_navigation.html", (url_for("supervisor.home"), "Back to your team")
    )
