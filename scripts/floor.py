"""The floor the inbox is measured against (issue 17): a bare Flask app, with no database and no sign-in, rendering
a 25-row table of the inbox's columns from a list in memory. ``scripts/bench.py`` times it in process and, served by
gunicorn as ``floor:floor_app()``, over HTTP beside the portal."""

from flask import Flask, render_template
from jinja2 import DictLoader

FLOOR_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Inbox</title></head>
<body><main>
<h1>Inbox: All open</h1>
<div class="table-wrap" tabindex="0" role="region" aria-labelledby="inbox-caption" id="inbox-table">
<table class="inbox-table">
<caption id="inbox-caption">All open: {{ rows | length }} items on this page, due date</caption>
<thead><tr><th scope="col"><span class="visually-hidden">Select</span></th><th scope="col">Item</th>
<th scope="col">Case</th><th scope="col">Status</th><th scope="col">Due</th><th scope="col">Priority</th>
<th scope="col">Assignee</th></tr></thead>
<tbody>
{% for row in rows %}<tr id="submission-row-{{ row.id }}" class="inbox-row">
<td class="inbox-row__select"><input type="checkbox" name="ids" value="{{ row.id }}" form="bulk-actions" \
id="select-{{ row.id }}" aria-label="Select {{ row.reference }}"></td>
<th scope="row" class="inbox-row__item"><a href="/inbox/submissions/{{ row.id }}" class="inbox-row__open">\
{{ row.summary }}</a>
<span class="inbox-row__meta muted">{{ row.kind }} {{ row.reference }}, received {{ row.received }}</span></th>
<td class="inbox-row__case"><span class="inbox-row__line">{{ row.case_number }}</span> \
<span class="inbox-row__line">{{ row.employee }}</span></td>
<td class="inbox-row__status">{{ row.status }}</td>
<td class="inbox-row__due">{{ row.due }}</td>
<td class="inbox-row__priority"><span class="priority priority--{{ row.priority | lower }}">\
{{ row.priority }}</span></td>
<td class="inbox-row__assignee">{{ row.assignee }}</td>
</tr>
{% endfor %}</tbody>
</table>
</div>
</main></body></html>
"""


def floor_app() -> Flask:
    """One page rendering 25 rows of the inbox's columns from a list in memory, by a template compiled once, as
    Flask keeps its templates."""
    app = Flask("floor")
    app.jinja_loader = DictLoader({"floor.html": FLOOR_TEMPLATE})
    rows = [
        {
            "id": 100_000 - n,
            "reference": f"D-ABC{n % 10}-XYZ{n % 7}",
            "summary": f"Medical certificate ({n % 3 + 1} files)",
            "kind": "Document",
            "received": f"{n % 28 + 1} Nov 2026, 09:{n % 60:02d} CST",
            "case_number": f"C-2026-{n:05d}",
            "employee": f"Jordan Smith {n}",
            "status": "In review",
            "due": f"Due {n % 28 + 1} Dec 2026",
            "priority": "High" if n % 4 == 0 else "Normal",
            "assignee": "Alex Morgan",
        }
        for n in range(25)
    ]

    @app.get("/")
    def page():
        return render_template("floor.html", rows=rows)

    return app
