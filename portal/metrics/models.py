"""What the program's figures are counted from, where the case record alone would need Python to count."""

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model


class DaysLostPeriod(Model):
    """A stretch of days a case counts as away from work or restricted (the case's days lost, ``cases.days_lost``,
    written out as periods), so that days lost by month, case type and department are sums in SQL. Rewritten
    from the case record whenever a commit touches the case or the employee's department (``metrics.periods``);
    only a case that counts as one has periods (``Case.counts_as_case``).

    Its days are day numbers (``date.toordinal()``): a sum of days over thousands of periods is then integer
    arithmetic in either database, not the parsing of two dates a row."""

    __tablename__ = "days_lost_periods"
    # Periods that reach into a date range, with what they are counted by, read from the index alone.
    __table_args__ = (
        Index("ix_days_lost_periods_days", "last_day", "first_day", "state", "case_type", "department", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    state: Mapped[str] = mapped_column(String(10))  # "away" or "restricted"
    first_day: Mapped[int] = mapped_column(Integer)
    last_day: Mapped[int] = mapped_column(Integer)
    # The case's type and the employee's department as they stand (rewritten when either changes), so that the
    # figures need not join every period to its case and person.
    case_type: Mapped[str] = mapped_column(String(30))
    department: Mapped[str | None] = mapped_column(String(200))
