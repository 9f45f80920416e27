"""Tasks follow what happens: a commit that changes a case, an item, a request, a plan or a notice brings that
case's tasks in line with the rules (``generation.refresh``) in the same transaction. No feature has to
remember to call it, and none imports the tasks."""

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import settings
from portal.cases.models import Case
from portal.items.models import InformationRequest, Submission
from portal.notices.models import Notice
from portal.plans.models import PlanMilestone, ReturnToWorkPlan
from portal.tasks import generation
from portal.tasks import rules as task_rules

# Set False in session.info to write without it, in bulk; `flask portal generate-tasks` brings every case in line.
ENABLED = "tasks.refresh"
_PENDING = "tasks.pending_cases"


def _case_of(session: Session, thing) -> int | None:
    if isinstance(thing, Case):
        return thing.id
    if isinstance(thing, Submission | InformationRequest | ReturnToWorkPlan | Notice):
        return thing.case_id
    if isinstance(thing, PlanMilestone):
        plan = session.get(ReturnToWorkPlan, thing.plan_id)
        return plan.case_id if plan is not None else None
    return None


def _collect(session: Session, _flush_context) -> None:
    if not session.info.get(ENABLED, True):
        return
    pending: set[int] = session.info.setdefault(_PENDING, set())
    # An item's details (a report, a request for accommodation) change with their item, which is collected.
    for thing in (*session.new, *session.dirty, *session.deleted):
        case_id = _case_of(session, thing)
        if case_id is not None:
            pending.add(case_id)


def _refresh(session: Session) -> None:
    session.flush()  # what is still unflushed is collected too
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context() or "portal.task_rules" not in current_app.extensions:
        return
    generation.refresh(session, task_rules.current(), settings.current().deadlines, pending)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)


def register() -> None:
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "before_commit", _refresh)
        event.listen(Session, "after_rollback", _forget)
