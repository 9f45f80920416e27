"""A table of figures as CSV, safe to open in a spreadsheet."""

import csv
import io

from portal.metrics.queries import Table

# A cell a spreadsheet would read as a formula (OWASP's list: = + - @, and tab and carriage return, which some read
# the same way) starts with an apostrophe instead, so it is shown as text and never run.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell) -> object:
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return "" if cell is None else cell


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralised(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([neutralised(cell) for cell in row])
    return out.getvalue()
