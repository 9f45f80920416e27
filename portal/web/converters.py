"""``<int:...>`` in an address takes only an id the database's integer columns hold: a larger number
is a 404, as any id that names nothing is, instead of a query that fails."""

from werkzeug.routing import IntegerConverter, Map

from portal.core.numbers import LARGEST


class IdConverter(IntegerConverter):
    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = LARGEST) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)
