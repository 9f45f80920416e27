"""Documents an employee sends, and the requests for information they answer."""

from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.columns import StrEnumType
from portal.extensions import Model
from portal.items.models import Submission


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


class DocumentSubmission(Model):
    """The details of a document submission: what the employee says it is."""

    __tablename__ = "document_submissions"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    document_type: Mapped[DocumentType] = mapped_column(StrEnumType(DocumentType, 40))
    description: Mapped[str | None] = mapped_column(String(200))  # required for "other"
    note: Mapped[str | None] = mapped_column(Text)

    submission: Mapped[Submission] = relationship(back_populates="document")

    @property
    def type_label(self) -> str:
        label = DocumentType(self.document_type).label
        return (
            f"{label}: {self.description}" if self.document_type == DocumentType.OTHER and self.description else label
        )
