"""Offset pagination in two queries (a count and a page), whatever the page size; and the cursors of keyset
pages ordered by a moment and an id, or a day and an id."""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import Select, func, select

from portal.core.numbers import whole_number

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(session, query: Select, page: int, per_page: int) -> Page:
    """``query`` must be ordered; a page past the end shows the last page."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    result = session.execute(query.limit(per_page).offset((page - 1) * per_page))
    # One entity per row gives the objects; several columns give the rows.
    items = list(result.scalars()) if len(query.column_descriptions) == 1 else list(result.all())
    return Page(items=items, page=page, per_page=per_page, total=total)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def keyset_window(fetched: list[T], per_page: int, backwards: bool, from_cursor: bool) -> tuple[list[T], bool, bool]:
    """A keyset page from the ``per_page + 1`` rows a walk fetched (backwards: walking back from a cursor, in the
    opposite order): the page in reading order, whether a next page follows and whether a previous one comes before.
    ``from_cursor``: the walk started after a cursor."""
    more = len(fetched) > per_page
    rows = fetched[:per_page]
    if backwards:
        rows.reverse()
    has_next = more if not backwards else True
    has_previous = (more if backwards else from_cursor) and bool(rows)
    return rows, has_next, has_previous


def moment_cursor(moment: datetime, row_id: int) -> str:
    """A keyset page's cursor: the last row's moment in whole microseconds (counted without floating point, so it
    reads back exactly) and its id, as ``<microseconds>.<id>``."""
    return f"{(moment - EPOCH) // timedelta(microseconds=1)}.{row_id}"


def parse_moment_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The moment and id of a cursor from an address; None for anything else, so a mangled link opens the start."""
    micros, _, row_id = (cursor or "").partition(".")
    known_id = whole_number(row_id)
    if known_id is None or not (micros.isascii() and micros.isdigit() and len(micros) <= 18):
        return None
    try:
        return EPOCH + timedelta(microseconds=int(micros)), known_id
    except OverflowError:
        return None


def day_cursor(day: date, row_id: int) -> str:
    """A keyset page's cursor for rows ordered by a day: ``<ISO day>.<id>``."""
    return f"{day.isoformat()}.{row_id}"


def parse_day_cursor(cursor: str | None) -> tuple[date, int] | None:
    """The day and id of a cursor from an address; None for anything else, so a mangled link opens the start."""
    day, _, row_id = (cursor or "").partition(".")
    known_id = whole_number(row_id)
    if known_id is None:
        return None
    try:
        return date.fromisoformat(day), known_id
    except ValueError:
        return None
