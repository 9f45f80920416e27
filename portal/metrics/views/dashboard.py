"""The program's figures: one screen of sections, each with its definition, its table and a CSV of it."""

from flask import Response, abort, request
from flask_login import current_user
from wtforms import SelectChoice

from portal import access, settings
from portal.cases.models import CaseType
from portal.core.columns import utcnow
from portal.core.numbers import whole_number
from portal.extensions import db
from portal.items.deadlines import local_date
from portal.metrics import charts, csv_tables, queries
from portal.metrics.forms import TOO_LONG, FiguresFilterForm
from portal.web.audiences import metrics
from portal.web.responses import render


def _filters(form: FiguresFilterForm, today) -> queries.Filters:
    """The filters as asked, where they are valid; the default period where they are not (the form says why)."""
    default = queries.Filters.default(today)
    form.validate()
    dates_valid = not (form.since.errors or form.until.errors)
    since = form.since.data if dates_valid and form.since.data else default.since
    until = form.until.data if dates_valid and form.until.data else default.until
    if since > until:  # a start alone, after today: the period is that day
        until = since
    if (until - since).days > queries.LONGEST_RANGE_DAYS:  # a start alone, long ago
        form.since.errors = [*form.since.errors, TOO_LONG]
        since, until = default.since, default.until
    return queries.Filters(
        since=since,
        until=until,
        case_type=CaseType(form.case_type.data) if form.case_type.data in set(CaseType) else None,
        department=form.department.data or None,
        case_manager_id=whole_number(form.case_manager.data),
    )


def _form(managers: dict[int, str], departments: list[str]) -> FiguresFilterForm:
    form = FiguresFilterForm(request.args)
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
    form = _form(
        queries.case_managers(db.session) if "case_manager" in allowed else {},
        queries.departments(db.session) if "department" in allowed else [],
    )
    filters = _filters(form, local_date(now, deadlines))
    sections = queries.sections(db.session, current_user, filters, now, deadlines)
    # An empty date field shows the period counted, so that it can be changed from there.
    for field, day in ((form.since, filters.since), (form.until, filters.until)):
        if not field.raw_data or not field.raw_data[0]:
            field.raw_data, field.data = [], day
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
    form = _form({}, [])
    filters = _filters(form, local_date(now, deadlines))
    (found,) = queries.sections(db.session, current_user, filters, now, deadlines, only=section)
    (chosen,) = [candidate for candidate in found.tables if candidate.key == table]
    name = f"{table}-{filters.since.isoformat()}-to-{filters.until.isoformat()}.csv"
    return Response(
        csv_tables.as_csv(chosen),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
