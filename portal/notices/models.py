"""Notices and letters issued to an employee: the FMLA notices (the Department of Labor's WH-381 and WH-382) and
the decision letters. Once issued, a notice is never changed: its PDF is stored with its hash, and the values it
was made from are kept as they were, so that the PDF can be shown to say what the record says."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import Case
from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model
from portal.files.models import StoredFile


class NoticeKind(StrEnum):
    ELIGIBILITY = "eligibility"
    DESIGNATION = "designation"
    ACCOMMODATION_DECISION = "accommodation_decision"
    DUTY_OFFER = "duty_offer"
    INFORMATION_REQUEST = "information_request"

    @property
    def label(self) -> str:
        return {
            "eligibility": "FMLA eligibility and rights notice",
            "designation": "FMLA designation notice",
            "accommodation_decision": "Accommodation decision letter",
            "duty_offer": "Written offer of transitional duty",
            "information_request": "Request for more information",
        }[self.value]

    @property
    def form_number(self) -> str | None:
        """The Department of Labor form whose fields the notice carries."""
        return {"eligibility": "WH-381", "designation": "WH-382"}.get(self.value)


class Notice(Model):
    """One notice or letter as issued. Only ``first_opened_at`` is ever written after issuing."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(StrEnumType(NoticeKind, 30))
    # What a decision letter is about: the accommodation request or duty offer, or the request for information.
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    information_request_id: Mapped[int | None] = mapped_column(ForeignKey("information_requests.id"))
    # The values the PDF was made from, exactly as issued (dates as ISO text).
    fields: Mapped[dict] = mapped_column(JSON)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))  # of the PDF as issued
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # When the employee first opened it in the portal.
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    stored_file: Mapped[StoredFile] = relationship()
    issued_by: Mapped[User] = relationship()

    @property
    def kind_label(self) -> str:
        return NoticeKind(self.kind).label


@event.listens_for(Notice, "before_update")
def _never_changed(mapper, connection, notice: Notice) -> None:
    """What was issued stays as it was: a flush that would change it fails."""
    changed = {attribute.key for attribute in inspect(notice).attrs if attribute.history.has_changes()}
    if changed - {"first_opened_at"}:
        raise ValueError(f"an issued notice is never changed (tried: {', '.join(sorted(changed))})")


class LeaveReason(StrEnum):
    """Why the leave is needed, in WH-381's words (29 CFR 825.112)."""

    OWN_CONDITION = "own_condition"
    FAMILY_CONDITION = "family_condition"
    BIRTH_OR_PLACEMENT = "birth_or_placement"
    QUALIFYING_EXIGENCY = "qualifying_exigency"
    MILITARY_CAREGIVER = "military_caregiver"

    @property
    def label(self) -> str:
        return {
            "own_condition": "The employee's own serious health condition",
            "family_condition": "To care for a spouse, child or parent with a serious health condition",
            "birth_or_placement": "The birth of a child, or placement of a child for adoption or foster care",
            "qualifying_exigency": "A qualifying exigency arising from a family member's military service",
            "military_caregiver": "To care for a covered servicemember with a serious injury or illness",
        }[self.value]


class NotEligibleBecause(StrEnum):
    """The three tests of 29 CFR 825.110 an employee may fail."""

    MONTHS = "months"
    HOURS = "hours"
    WORKSITE = "worksite"

    @property
    def label(self) -> str:
        return {
            "months": "Fewer than 12 months of service with the employer",
            "hours": "Fewer than 1,250 hours worked in the 12 months before the leave",
            "worksite": "Fewer than 50 employees within 75 miles of the worksite",
        }[self.value]


class LeavePeriod(StrEnum):
    """How the employer counts the 12-month period (29 CFR 825.200(b))."""

    CALENDAR_YEAR = "calendar_year"
    FIXED_YEAR = "fixed_year"
    FORWARD = "forward"
    ROLLING_BACKWARD = "rolling_backward"

    @property
    def label(self) -> str:
        return {
            "calendar_year": "The calendar year",
            "fixed_year": "A fixed 12-month leave year (such as a fiscal year)",
            "forward": "The 12 months from the first day of FMLA leave",
            "rolling_backward": "A rolling 12 months measured backward from the day leave is used",
        }[self.value]


class PaidLeave(StrEnum):
    """Whether accrued paid leave runs alongside FMLA leave (29 CFR 825.207)."""

    REQUIRED = "required"
    OPTIONAL = "optional"

    @property
    def label(self) -> str:
        return {
            "required": "The employer requires accrued paid leave to be used during FMLA leave",
            "optional": "The employee may choose to use accrued paid leave during FMLA leave",
        }[self.value]


class Designation(StrEnum):
    """What the designation notice decides (WH-382)."""

    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    MORE_INFORMATION = "more_information"

    @property
    def label(self) -> str:
        return {
            "approved": "Approved: the leave is designated as FMLA leave",
            "not_approved": "Not approved: the leave is not designated as FMLA leave",
            "more_information": "More information is needed before the leave can be designated",
        }[self.value]


# The words of each choice, by field, for the letters to say what was chosen.
LABELS: dict[str, dict[str, str]] = {
    "reason": {reason.value: reason.label for reason in LeaveReason},
    "not_eligible_because": {because.value: because.label for because in NotEligibleBecause},
    "period": {period.value: period.label for period in LeavePeriod},
    "paid_leave": {paid.value: paid.label for paid in PaidLeave},
    "designation": {designation.value: designation.label for designation in Designation},
    "accommodation": {
        "granted": "Granted",
        "alternative": "An alternative accommodation is offered",
        "denied": "Not granted",
    },
}
