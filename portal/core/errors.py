"""Domain errors. The web layer maps each to a response; services only raise them."""

from collections.abc import Mapping


class DomainError(Exception):
    """A rule refused the action; ``str(error)`` is a message fit to show the user."""


class NotFound(DomainError):
    """The object does not exist, or the user may not know that it does (answers 404)."""

    def __init__(self, message: str = "Not found") -> None:
        super().__init__(message)


class InvalidInput(DomainError):
    """Input that breaks rules, with every problem found at once.

    ``problems`` maps what each problem is about (a form field's name, or "" for the input as a
    whole) to its message. One problem can be given as ``message`` and ``field``.
    """

    def __init__(self, message: str = "", field: str | None = None, *, problems: Mapping[str, str] | None = None):
        self.problems: dict[str, str] = dict(problems) if problems else {field or "": message}
        super().__init__(" ".join(self.problems.values()))


class Throttled(DomainError):
    """Too many attempts; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Conflict(DomainError):
    """Someone else changed the object first, or the action does not fit its current state.

    The message says what happened; the caller shows it with the current state.
    """
