"""Tasks follow what happens: a commit that changes a case, an item, a request, a plan or a notice brings that
case's tasks in line with the rules (``generation.refresh``) in the same transaction. No feature has to
remember to call it, and none imports the tasks."""

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from portal import settings
from portal.cases import followers
from portal.cases.models import Case
from portal.items.models import InformationRequest, Submission
from portal.notices.models import Notice
from portal.plans.models import PlanMilestone, ReturnToWorkPlan
from portal.tasks import generation
from portal.tasks import rules as task_rules

# Set False in session.info to write without it, in bulk; `flask portal generate-tasks` brings every case in line.
ENABLED = "tasks.refresh"


def _cases_of(session: Session, thing) -> list[int]:
    # An item's details (a report, a request for accommodation) change with their item, which is collected.
    if isinstance(thing, Case):
        return [thing.id]
    if isinstance(thing, Submission | InformationRequest | ReturnToWorkPlan | Notice):
        return [thing.case_id]
    if isinstance(thing, PlanMilestone):
        plan = session.get(ReturnToWorkPlan, thing.plan_id)
        return [plan.case_id] if plan is not None else []
    return []


def _refresh(session: Session, case_ids: set[int]) -> None:
    if has_app_context() and "portal.task_rules" in current_app.extensions:
        generation.refresh(session, task_rules.current(), settings.current().deadlines, case_ids)


def register() -> None:
    followers.follow(followers.Follower(ENABLED, _cases_of, _refresh))
