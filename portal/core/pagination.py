"""Offset pagination in two queries (a count and a page), whatever the page size."""

import math
from dataclasses import dataclass

from sqlalchemy import Select, func, select


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
