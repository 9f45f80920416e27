"""Day arithmetic both databases can do inside an aggregate: a date or a UTC timestamp as a whole day number, so
that a difference of two is a number of days. The numbers differ between the databases; only differences are
used."""

from sqlalchemy import DateTime, Integer, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class day_number(FunctionElement):  # noqa: N801  an SQL function, named as SQL names them
    """The day of a date, or of a UTC timestamp moved by ``offset_hours`` (a program's offset from UTC)."""

    type = Integer()
    inherit_cache = True  # the offset is a bound value: one compiled statement serves every offset

    def __init__(self, expression, offset_hours: int = 0) -> None:
        super().__init__(expression, literal(int(offset_hours), Integer()))


@compiles(day_number, "sqlite")
def _sqlite_day_number(element, compiler, **kw):
    # julianday() is a day count from noon: midnight is x.5, so subtracting a half and truncating gives the day.
    argument, offset = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({argument}) + {offset} / 24.0 - 0.5 AS INTEGER)"


@compiles(day_number, "postgresql")
def _postgresql_day_number(element, compiler, **kw):
    # A date minus a date is a number of days; a timestamp's day is its day in UTC (as SQLite keeps it), moved.
    clause, offset_clause = element.clauses
    argument, offset = compiler.process(clause, **kw), compiler.process(offset_clause, **kw)
    if isinstance(getattr(clause.type, "impl_instance", clause.type), DateTime):
        argument = f"CAST(({argument}) AT TIME ZONE 'UTC' + make_interval(hours => {offset}) AS DATE)"
    return f"({argument} - DATE '2000-01-01')"


def days_between(start, end) -> ColumnElement[int]:
    """Days from ``start`` (a date or a timestamp, or a column of one) to ``end``."""
    return day_number(end) - day_number(start)


class hours_between(FunctionElement):  # noqa: N801
    """Whole hours from the first timestamp to the second."""

    type = Integer()
    inherit_cache = True


@compiles(hours_between, "sqlite")
def _sqlite_hours_between(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    # To the second first: a day fraction times 24 falls just short of a whole hour (3.99999 for 4).
    return f"(CAST(round((julianday({end}) - julianday({start})) * 86400) AS INTEGER) / 3600)"


@compiles(hours_between, "postgresql")
def _postgresql_hours_between(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(floor(extract(epoch FROM ({end}) - ({start})) / 3600) AS INTEGER)"
