"""Whole numbers from outside (an address, a query string, a hidden field): only those the database's
integer columns hold on every engine, so that no input of any size reaches a query and fails there."""

# PostgreSQL's integer; SQLite's are larger.
LARGEST = 2**31 - 1


def whole_number(text: object) -> int | None:
    """``text`` as a whole number from 0 to LARGEST, written in ASCII digits; otherwise None."""
    digits = str(text) if text is not None else ""
    if digits.isascii() and digits.isdigit() and len(digits) <= len(str(LARGEST)) and int(digits) <= LARGEST:
        return int(digits)
    return None
