"""Filters and globals the templates share."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_login import current_user

from portal import access, settings
from portal.accommodations import operations as accommodations
from portal.accommodations.models import DenialReason, HelpCategory
from portal.cases import course
from portal.cases.models import AuthorisationScope, CaseOutcome, ReturnDuty
from portal.core.dates import written_date, written_moment
from portal.documents import operations as documents
from portal.files import storage
from portal.inbox.rows import item_status
from portal.intake.models import Need
from portal.items import deadlines
from portal.restrictions import operations as restrictions
from portal.web.drawn import drawn


def format_date(value: date | datetime | str | None) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(current_app.config["PORTAL_TIMEZONE"])).date()
    return written_date(value)


def format_datetime(value: datetime | None) -> str:
    return written_moment(value, current_app.config["PORTAL_TIMEZONE"])


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def as_sentence(text: str | None) -> str:
    """Text people typed, ended with a full stop unless it already ends a sentence: "roles." stays "roles."."""
    text = (text or "").strip()
    return text if not text or text[-1] in ".!?" else text + "."


EMPLOYEE_STATUS = {
    "new": "Received, waiting for review",
    "in_review": "In review",
    "needs_info": "We need more information from you",
    "accepted": "Accepted",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}


# An accommodation request's decision, as the employee reads it once it is made.
DECISION_STATUS = {
    "granted": "Granted",
    "alternative": "An alternative is offered: your answer is needed",
    "denied": "Denied",
}


def employee_status(submission) -> str:
    """A submission's status as the person who sent it reads it: an accommodation by its decision."""
    request = submission.accommodation
    if request is not None and request.decision and submission.status in ("accepted", "declined"):
        if request.alternative_accepted_at is not None:
            return "You accepted the alternative"
        return DECISION_STATUS[request.decision]
    return EMPLOYEE_STATUS[submission.status]


def offer_state(submission) -> str:
    """Where a transitional-duty offer stands, for the supervisor and the employee."""
    offer = submission.duty_offer
    if offer.employee_answer:
        return f"{offer.employee_answer} by the employee on {format_date(offer.answered_at)}"
    if offer.forwarded_at:
        return f"forwarded to the employee, who answers by {format_date(offer.answer_by)}"
    return {
        "new": "waiting for the case manager",
        "in_review": "with the case manager",
        "needs_info": "the case manager needs more information",
        "declined": "declined by the case manager",
        "withdrawn": "withdrawn",
    }.get(submission.status, submission.status_label.lower())


def home_endpoint() -> str | None:
    if not current_user.is_authenticated:
        return None
    return access.HOME_ENDPOINT.get(current_user.role_enum)


def _program_today() -> date:
    return deadlines.program_today(settings.current().deadlines)


def register(app) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["filesize"] = format_size
    app.jinja_env.filters["sentence"] = as_sentence
    app.jinja_env.globals["home_endpoint"] = home_endpoint
    app.jinja_env.globals["drawn"] = drawn
    app.jinja_env.globals["upload_accept"] = storage.ACCEPT
    app.jinja_env.globals["upload_types_in_words"] = storage.ACCEPTED_IN_WORDS
    app.jinja_env.globals["upload_limits_in_words"] = lambda multiple: storage.limits_in_words(
        settings.current().uploads, multiple
    )
    # A string, not markup: the attribute it goes in escapes its quotes.
    app.jinja_env.globals["upload_limits_for_script"] = lambda multiple: json.dumps(
        storage.limits_for_script(settings.current().uploads, multiple)
    )
    app.jinja_env.globals["may_invite"] = lambda: bool(access.invitable_roles(current_user))
    app.jinja_env.globals["may_enter"] = lambda area: access.may_enter_area(current_user, area)
    app.jinja_env.globals["employee_status"] = employee_status
    app.jinja_env.globals["offer_state"] = offer_state
    app.jinja_env.globals["item_status"] = item_status
    app.jinja_env.globals["request_title"] = documents.request_title
    app.jinja_env.globals["asked_of"] = documents.asked_of
    app.jinja_env.globals["help_categories"] = lambda: list(HelpCategory)
    app.jinja_env.globals["denial_label"] = lambda reason: DenialReason(reason).label
    app.jinja_env.globals["help_label"] = lambda category: HelpCategory(category).label
    app.jinja_env.globals["need_asked_of_employee"] = lambda need: Need(need).asked_of_employee
    app.jinja_env.globals["scope_label"] = lambda scope: AuthorisationScope(scope).label
    app.jinja_env.globals["outcome_label"] = lambda outcome: CaseOutcome(outcome).label
    app.jinja_env.globals["return_duty_label"] = lambda duty: ReturnDuty(duty).label
    app.jinja_env.globals["awaits_return"] = course.awaits_return
    app.jinja_env.globals["log_kind"] = accommodations.LOG_KINDS.get
    app.jinja_env.globals["log_method"] = accommodations.LOG_METHODS.get
    app.jinja_env.globals["feasible_label"] = accommodations.FEASIBLE.get
    app.jinja_env.globals["contact_label"] = lambda key: accommodations.CONTACT_PREFERENCES.get(key, key)
    app.jinja_env.globals["due_note"] = deadlines.due_note
    app.jinja_env.globals["case_status"] = lambda case: case.status_on(_program_today()).label
    app.jinja_env.globals["duty_to_start"] = lambda case: case.duty_to_start(_program_today())
    app.jinja_env.globals["end_of_day"] = lambda day: deadlines.end_of_day(day, settings.current().deadlines)
    app.jinja_env.globals["describe_restriction"] = restrictions.describe
    app.jinja_env.globals["restriction_label"] = lambda key: restrictions.BY_KEY[key].label
    app.jinja_env.globals["portal_name"] = lambda: app.config["PORTAL_NAME"]
