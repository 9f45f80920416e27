"""docs/security.md, written from the tests: each test marked ``security(threat, control)`` is a row of
the table, the threat it attacks, the control that stops it, and the test itself as the proof.

``make security-report`` collects the suite (running nothing) with SECURITY_REPORT=<file> and writes it.
"""

import os
from pathlib import Path

HEADER = """# Security: threats, controls and the tests that prove them

Written by `make security-report` from the tests marked `security(threat=..., control=...)`: every
row is a test that attacks the threat and fails if the control is missing. Do not edit by hand.

| Threat | Control | Test |
|---|---|---|
"""


def rows(items) -> list[tuple[str, str, str]]:
    found = set()
    for item in items:
        for mark in item.iter_markers("security"):
            test = f"`{item.nodeid.split('[')[0]}`"
            found.add((mark.kwargs["threat"], mark.kwargs["control"], test))
    return sorted(found)


def write(items) -> None:
    target = os.environ.get("SECURITY_REPORT")
    if not target:
        return
    table = "".join(f"| {threat} | {control} | {test} |\n" for threat, control, test in rows(items))
    Path(target).write_text(HEADER + table)
