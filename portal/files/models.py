"""A stored upload. The bytes live outside static/, under a content-addressed key."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import Case
from portal.core.columns import UTCDateTime, utcnow
from portal.extensions import Model
from portal.items.models import Submission


class StoredFile(Model):
    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_case_sha256", "case_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    storage_key: Mapped[str] = mapped_column(String(100), index=True)
    original_name: Mapped[str] = mapped_column(String(255))  # sanitised, for display only
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))  # of the bytes stored
    # Of the bytes received, where they differ from those stored: a PDF whose scripts were taken out.
    received_sha256: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))  # detected from the content
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Medical unless said otherwise: supervisors and admins never see medical files.
    is_medical: Mapped[bool] = mapped_column(default=True)

    case: Mapped[Case] = relationship()
    submission: Mapped[Submission | None] = relationship()
    uploaded_by: Mapped[User] = relationship()
