"""The inbox item and its history. Each kind's details live in a table of its own."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.accounts.models import User
from portal.cases.models import Case
from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model

if TYPE_CHECKING:
    # Each kind's details, for the annotations only: the items know no kind of item.
    from portal.accommodations.models import AccommodationRequest
    from portal.documents.models import DocumentSubmission
    from portal.duty.models import DutyOffer
    from portal.intake.models import IntakeReport
    from portal.restrictions.models import RestrictionReport


class SubmissionKind(StrEnum):
    DOCUMENT = "document"
    ACCOMMODATION_REQUEST = "accommodation_request"
    RESTRICTION_REPORT = "restriction_report"
    DUTY_OFFER = "duty_offer"
    INTAKE_REPORT = "intake_report"

    @property
    def label(self) -> str:
        return {
            "document": "Document",
            "accommodation_request": "Accommodation request",
            "restriction_report": "Work-status report",
            "duty_offer": "Transitional-duty offer",
            "intake_report": "New report",
        }[self.value]


class SubmissionStatus(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    NEEDS_INFO = "needs_info"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "new": "New",
            "in_review": "In review",
            "needs_info": "More information needed",
            "accepted": "Accepted",
            "declined": "Declined",
            "withdrawn": "Withdrawn",
        }[self.value]


OPEN_STATUSES = (SubmissionStatus.NEW, SubmissionStatus.IN_REVIEW, SubmissionStatus.NEEDS_INFO)


class Submission(Model):
    __tablename__ = "submissions"
    __table_args__ = (
        # Each inbox view walks one of these in order and stops after a page (portal/inbox/queries.py):
        # open items by due date, priority or arrival; one person's or nobody's; one status's;
        # closed items newest first. The id makes each order total, for keyset pagination.
        Index("ix_submissions_open_due", "is_open", "due_at", "id"),
        Index("ix_submissions_open_priority", "is_open", "priority_at", "id"),
        Index("ix_submissions_open_submitted", "is_open", "submitted_at", "id"),
        Index("ix_submissions_assignee_open_due", "assignee_id", "is_open", "due_at", "id"),
        Index("ix_submissions_status_due_at", "status", "due_at", "id"),
        Index("ix_submissions_kind_open_due", "kind", "is_open", "due_at", "id"),
        Index("ix_submissions_submitted_at_id", "submitted_at", "id"),
        # Time to triage of the items received in a period (metrics), from the index alone.
        Index("ix_submissions_submitted_triaged", "submitted_at", "triaged_at", "status", "case_id"),
        # The reports of a period (the lag from the first day away, in metrics), by kind.
        Index("ix_submissions_kind_submitted", "kind", "submitted_at", "case_id", "id"),
        # The newest open item (what the poll for new items asks after) is one probe. The tab counts are kept in
        # portal/inbox/models.py, by triggers on this table.
        Index("ix_submissions_open_id", "is_open", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[SubmissionKind] = mapped_column(StrEnumType(SubmissionKind, 30))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[SubmissionStatus] = mapped_column(StrEnumType(SubmissionStatus, 20), default=SubmissionStatus.NEW)
    # Kept with the status (below) so that "open" is one range of an index, not three.
    is_open: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The due date brought forward by what the item is (deadlines.priority_at): sorting on it is sorting by priority.
    priority_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a case manager first took it up (it left "new" other than by withdrawal): the program's time to triage.
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship()
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    events: Mapped[list["SubmissionEvent"]] = relationship(back_populates="submission", order_by="SubmissionEvent.id")
    # The kind's details: one of these, the one its kind names.
    document: Mapped["DocumentSubmission | None"] = relationship(back_populates="submission", uselist=False)
    restriction_report: Mapped["RestrictionReport | None"] = relationship(back_populates="submission", uselist=False)
    duty_offer: Mapped["DutyOffer | None"] = relationship(back_populates="submission", uselist=False)
    accommodation: Mapped["AccommodationRequest | None"] = relationship(back_populates="submission", uselist=False)
    intake: Mapped["IntakeReport | None"] = relationship(back_populates="submission", uselist=False)

    # Optimistic locking: an UPDATE from a stale copy matches no row and raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    @validates("status")
    def _keep_is_open(self, _key, status: str) -> str:
        self.is_open = status in OPEN_STATUSES
        return status

    @property
    def kind_label(self) -> str:
        return SubmissionKind(self.kind).label

    @property
    def status_label(self) -> str:
        return SubmissionStatus(self.status).label


class SubmissionEvent(Model):
    """One transition or message on a submission: who, when, from, to, what was said."""

    __tablename__ = "submission_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[SubmissionStatus | None] = mapped_column(StrEnumType(SubmissionStatus, 20))
    to_status: Mapped[SubmissionStatus | None] = mapped_column(StrEnumType(SubmissionStatus, 20))
    message: Mapped[str | None] = mapped_column(Text)

    submission: Mapped[Submission] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class InformationRequest(Model):
    """Something a case manager needs from the employee, with its due date.

    Either more information about a submission (``submission_id``), or a
    document for the case (``document_type``), which the employee's upload answers.
    """

    __tablename__ = "information_requests"
    __table_args__ = (Index("ix_information_requests_case_open", "case_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    # A DocumentType's value; kept a plain string, as the items know no kind of item.
    document_type: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The document submission that answered a document request.
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))

    case: Mapped[Case] = relationship()
    submission: Mapped[Submission | None] = relationship(foreign_keys=[submission_id])
    requested_by: Mapped[User] = relationship()

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
