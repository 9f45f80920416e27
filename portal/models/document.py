"""Documents an employee sends, and the requests for information they answer."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow
from portal.models.case import Case
from portal.models.submission import Submission
from portal.models.user import User


class DocumentType(StrEnum):
    FMLA_CERTIFICATION = "fmla_certification"
    WORK_STATUS_NOTE = "work_status_note"
    ACCOMMODATION_QUESTIONNAIRE = "accommodation_questionnaire"
    FUNCTIONAL_CAPACITY_EVALUATION = "functional_capacity_evaluation"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "fmla_certification": "FMLA certification of a health condition",
            "work_status_note": "Work status or return-to-work note",
            "accommodation_questionnaire": "Accommodation medical questionnaire",
            "functional_capacity_evaluation": "Functional capacity evaluation",
            "other": "Other document",
        }[self.value]


class DocumentSubmission(db.Model):
    """The details of a document submission: what the employee says it is."""

    __tablename__ = "document_submissions"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    document_type: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(String(200))  # required for "other"
    note: Mapped[str | None] = mapped_column(Text)

    submission: Mapped[Submission] = relationship(backref=db.backref("document", uselist=False))

    @property
    def type_label(self) -> str:
        label = DocumentType(self.document_type).label
        return f"{label}: {self.description}" if self.document_type == DocumentType.OTHER and self.description else label


class InformationRequest(db.Model):
    """Something a case manager needs from the employee, with its due date.

    Either more information about a submission (``submission_id``), or a
    document for the case (``document_type``), which the employee's upload answers.
    """

    __tablename__ = "information_requests"
    __table_args__ = (Index("ix_information_requests_case_open", "case_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
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

    @property
    def title(self) -> str:
        if self.document_type:
            return DocumentType(self.document_type).label
        return "More information about " + (self.submission.reference if self.submission else "your submission")
