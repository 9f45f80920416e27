"""The program's figures: one screen of sections, each with its definition, its table and a CSV of it."""

from flask import Response, abort, request
from flask_login import current_user
from wtforms import SelectChoice

from portal import access, settings
from portal.accounts.search import departments
from portal.core.columns import utcnow
from portal.extensions import db
from portal.items.deadlines import local_date
from portal.metrics import charts, csv_tables, queries
from portal.metrics.forms import FiguresFilterForm
from portal.web.audiences import metrics
from portal.web.responses import render


def _form(today, managers: dict[int, str], departments: list[str]) -> FiguresFilterForm:
    form = FiguresFilterForm(request.args, today)
    form.department.choices = [SelectChoice("", "Every department")] + [
        SelectChoice(name, name) for name in departments
    ]
    form.case_manager.choices = [SelectChoice("", "Every case manager")] + [
        SelectChoice(str(manager_id), name) for manager_id, name in managers.items()
    ]
    return form


@metrics.get("/")
def dashboard():
    now = utcnow()
    deadlines = settings.current().deadlines
    allowed = access.figure_filters(current_user)
    managers = queries.case_managers(db.session)
    form = _form(
        local_date(now, deadlines),
        managers if "case_manager" in allowed else {},
        departments(db.session) if "department" in allowed else [],
    )
    filters = form.chosen()
    sections = queries.sections(db.session, current_user, filters, now, deadlines, managers=managers)
    return render(
        "metrics/dashboard.html",
        form=form,
        filters=filters,
        allowed=allowed,
        sections=sections,
        charts={section.key: charts.data_uri(section.chart) for section in sections if section.chart},
    )


@metrics.get("/<table>.csv")
def table_csv(table: str):
    section = queries.TABLES.get(table)
    if section is None or not access.may_see_figures(current_user, section):
        abort(404)
    now = utcnow()
    deadlines = settings.current().deadlines
    form = _form(local_date(now, deadlines), {}, [])
    filters = form.chosen()
    (found,) = queries.sections(db.session, current_user, filters, now, deadlines, only=section)
    (chosen,) = [candidate for candidate in found.tables if candidate.key == table]
    name = f"{table}-{filters.since.isoformat()}-to-{filters.until.isoformat()}.csv"
    return Response(
        csv_tables.as_csv(chosen),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
