"""Domain errors. The web layer maps each to a response; services only raise them."""


class DomainError(Exception):
    """A rule refused the action; ``str(error)`` is a message fit to show the user."""


class NotFound(DomainError):
    """The object does not exist, or the user may not know that it does (answers 404)."""

    def __init__(self, message: str = "Not found") -> None:
        super().__init__(message)


class InvalidInput(DomainError):
    """Input that breaks a rule; ``field`` names the form field it belongs to, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    @classmethod
    def first_of(cls, problems: dict[str, str]) -> "InvalidInput":
        """The first of a rule check's problems (field: message), to refuse with."""
        field, message = next(iter(problems.items()))
        return cls(message, field=field)


class Throttled(DomainError):
    """Too many attempts; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Conflict(DomainError):
    """Someone else changed the object first, or the action does not fit its current state.

    The message says what happened; the caller shows it with the current state.
    """
