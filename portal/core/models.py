"""What the portal keeps about requests themselves, whatever the feature."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.columns import UTCDateTime, utcnow
from portal.extensions import Model


class FormSubmission(Model):
    """A form that changed something, by the one-time key its page carried: the same form sent again (a
    double click, a resend after a slow answer, two tabs) finds its key here and changes nothing more."""

    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    result_url: Mapped[str | None] = mapped_column(String(500))  # where the first sending led
