"""The audit trail, for case managers: who did what and saw what, filtered, and exported as CSV. Reading it
is itself recorded."""

import csv
import io

from flask import Response, request
from flask_login import current_user
from sqlalchemy.orm import Session

from portal import settings
from portal.audit import operations as audit
from portal.audit.forms import ACTIONS, TrailFilterForm
from portal.core.numbers import whole_number
from portal.extensions import db
from portal.web.audiences import inbox
from portal.web.responses import render

PER_PAGE = 50


def _wanted(form: TrailFilterForm) -> tuple[audit.TrailFilter, bool]:
    return audit.trail_filter(
        db.session,
        form.case.data or "",
        form.person.data or "",
        form.action.data or None,
        form.start.data,
        form.end.data,
        settings.current().deadlines.timezone,
    )


def _inert(cell):
    """A cell a spreadsheet shows as text, never runs as a formula (a path or email may start with = or @)."""
    return f"'{cell}" if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell


def _record_reading(action: str) -> None:
    audit.record(
        db.session,
        actor=current_user,
        action=action,
        object_type="audit_trail",
        ip_address=request.remote_addr,
        detail=request.query_string.decode()[:500] or None,
    )
    db.session.commit()


@inbox.get("/audit")
def audit_trail():
    form = TrailFilterForm(request.args)
    form.validate()
    wanted, unknown = _wanted(form)
    before = whole_number(request.args.get("before"))
    page = audit.TrailPage([], None) if unknown else audit.trail_page(db.session, wanted, before, PER_PAGE)
    _record_reading("audit_viewed")
    return render(
        "inbox/audit.html",
        form=form,
        page=page,
        actions=ACTIONS,
        unknown=unknown,
        query={key: value for key, value in request.args.items() if key != "before" and value},
    )


@inbox.get("/audit.csv")
def audit_export():
    form = TrailFilterForm(request.args)
    form.validate()
    wanted, unknown = _wanted(form)
    _record_reading("audit_exported")

    engine = db.engine  # the rows are read as they are sent, after the request's own session has closed

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["when (UTC)", "who", "role", "what", "object", "object id", "case id", "address", "detail"])
        with Session(engine) as session:
            for event in [] if unknown else audit.trail_rows(session, wanted):
                actor = event.actor
                row = (
                    event.at.isoformat(),
                    actor.email if actor else "",
                    actor.role if actor else "",
                    event.action,
                    event.object_type,
                    event.object_id or "",
                    event.case_id or "",
                    event.ip_address or "",
                    event.detail or "",
                )
                writer.writerow([_inert(cell) for cell in row])
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(
        lines(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-trail.csv"'},
    )
