"""Messages on a case: a conversation between the employee and the case managers, and one between the case
managers and each treating clinician, with what each reader has read."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import Case
from portal.core.columns import StrEnumType, UTCDateTime, utcnow
from portal.extensions import Model
from portal.files.models import StoredFile

# The longest message: a letter's worth. Anything longer belongs in a document.
MAX_BODY = 5000


class ThreadKind(StrEnum):
    """Whom the case managers talk with in a thread. A clinician's thread is medical through and through."""

    EMPLOYEE = "employee"
    CLINICIAN = "clinician"


class MessageThread(Model):
    """One conversation on a case: the case managers on one side, ``party`` (the employee, or one treating
    clinician) on the other. Made with its first message; until then a thread is only an address."""

    __tablename__ = "message_threads"
    __table_args__ = (
        UniqueConstraint("case_id", "party_id"),
        # Each person's own threads (the employee's home, the clinician's patients).
        Index("ix_message_threads_party_case", "party_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[ThreadKind] = mapped_column(StrEnumType(ThreadKind, 20))
    # The employee of the case, or the clinician: whoever the case managers write to.
    party_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The newest message's time: the order of the case manager's list of unread conversations.
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    party: Mapped[User] = relationship()

    @property
    def is_medical(self) -> bool:
        return self.kind == ThreadKind.CLINICIAN


class Message(Model):
    """Never edited or deleted: what was said stands as it was sent."""

    __tablename__ = "messages"
    # A thread's messages in order, and its unread ones: those after a reader's last-read id.
    __table_args__ = (Index("ix_messages_thread_id", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_threads.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    thread: Mapped[MessageThread] = relationship()
    author: Mapped[User] = relationship()
    attachments: Mapped[list["MessageAttachment"]] = relationship(
        back_populates="message", order_by="MessageAttachment.stored_file_id"
    )


class MessageAttachment(Model):
    """A file sent with a message, stored and checked as every upload is."""

    __tablename__ = "message_attachments"

    # A file belongs to one message: who may open it is who may read that message's thread.
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)

    message: Mapped[Message] = relationship(back_populates="attachments")
    stored_file: Mapped[StoredFile] = relationship()


class MessageRead(Model):
    """How far one reader has read one thread: every message after ``last_read_id`` is unread to them."""

    __tablename__ = "message_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_threads.id"), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
