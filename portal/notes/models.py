"""The case manager's notes on a case: calls, meetings, emails, letters and internal notes."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import Case
from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model


class NoteKind(StrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    LETTER = "letter"
    INTERNAL = "internal"

    @property
    def label(self) -> str:
        return {
            "call": "Phone call",
            "meeting": "Meeting",
            "email": "Email",
            "letter": "Letter",
            "internal": "Internal note",
        }[self.value]


class CaseNote(Model):
    """Never edited or deleted: a correction is an amendment, a note of its own pointing at the one it amends."""

    __tablename__ = "case_notes"
    __table_args__ = (Index("ix_case_notes_case_written", "case_id", "written_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[NoteKind] = mapped_column(StrEnumType(NoteKind, 20))
    # When the call or meeting took place, and with whom: not when it was written down.
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    with_whom: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("case_notes.id"), index=True)

    case: Mapped[Case] = relationship()
    author: Mapped[User] = relationship()
    amends: Mapped["CaseNote | None"] = relationship(remote_side=[id], back_populates="amendments")
    amendments: Mapped[list["CaseNote"]] = relationship(back_populates="amends", order_by="CaseNote.written_at")

    @property
    def kind_label(self) -> str:
        return NoteKind(self.kind).label
