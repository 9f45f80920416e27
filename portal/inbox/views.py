"""The case manager's inbox: the list and its views, the review of one item, and the actions on it.

Each part an htmx request swaps has its own route, named after the block of the page it renders;
the page's own address always answers with the whole page, so that a reload, a bookmark and the
back button show the same thing.
"""

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import current_app, flash, redirect, request, url_for
from flask_htmx import make_response
from flask_login import current_user
from wtforms import SelectChoice

from portal import access, settings
from portal.cases import operations as cases
from portal.cases.models import CaseType
from portal.core.columns import utcnow
from portal.core.numbers import whole_number
from portal.documents import operations as documents
from portal.extensions import db, htmx
from portal.inbox import kinds, queries, reviews, rows
from portal.inbox.forms import (
    AccommodationDecisionForm,
    ActionForm,
    AssignForm,
    BulkActionForm,
    DeclineForm,
    FeasibilityForm,
    InboxFilterForm,
    LogEntryForm,
    RequestInformationForm,
)
from portal.intake import operations as intake
from portal.intake.forms import TriageForm
from portal.items import lifecycle
from portal.items.models import SubmissionKind
from portal.web.audiences import inbox
from portal.web.responses import form_status, redirect_after_post, refusals, render


def _results_context(view: queries.InboxView, now) -> dict:
    """A page of the view, with the tab counts: what the rows and pager need."""
    deadlines = settings.current().deadlines
    page = queries.page(db.session, current_user, view, now, deadlines, current_app.config["PAGE_SIZE"])
    return {
        "page": page,
        "rows": [rows.listed_row(item, now, deadlines, page.unverified_senders) for item in page.items],
        "view": view,
        "counts": page.counts,
        "newest_id": page.newest_id,
        "new_count": 0,
        "tabs": queries.TABS,
        "sorts": queries.SORTS,
        "now": now,
        "settings": deadlines,
    }


def _inbox_context(view: queries.InboxView, now, **extra) -> dict:
    """The list screen's context: one page of the view with the tab counts, and the case managers its filter and bulk
    form choose from (as (id, name), which the filter bar and the bulk form are drawn once for)."""
    extra = {"bulk_error": None, "bulk_assignee": None} | extra
    return _results_context(view, now) | {"managers": cases.case_manager_names(db.session), **extra}


@inbox.app_template_global()
def inbox_filter_form(view: queries.InboxView, managers: tuple[tuple[int, str], ...]) -> InboxFilterForm:
    """The filter bar's form showing ``view``, its assignees ``managers`` (inbox/_filters.html draws it)."""
    filters = InboxFilterForm(
        data={
            name: getattr(view, name) or "" for name in ("q", "kind", "status", "assignee", "due", "case_type", "sort")
        }
    )
    filters.assignee.choices = [SelectChoice("", "Anyone"), SelectChoice("none", "Unassigned")] + [
        SelectChoice(str(manager_id), name) for manager_id, name in managers
    ]
    return filters


@inbox.app_template_global()
def inbox_bulk_form(managers: tuple[tuple[int, str], ...], assignee: int | None) -> BulkActionForm:
    """The bulk form, ``assignee`` chosen among ``managers`` (inbox/_filters.html draws it, and its token apart)."""
    form = BulkActionForm(formdata=None, prefix="bulk", data={"assignee": assignee}, meta={"csrf": False})
    form.assignee.choices = [SelectChoice("", "Choose a case manager")] + _case_manager_choices(managers)
    return form


@inbox.app_template_global()
def inbox_tab_labels() -> dict[str, str]:
    """Each tab's label, by tab (inbox/_rows.html draws the tabs)."""
    return queries.TABS


def _view_address(view: queries.InboxView) -> str:
    """The view's own address, without the empty fields a filter form sends."""
    return url_for("inbox.home", **view.params(after=view.after, before=view.before))


@inbox.get("/")
def home():
    """The inbox: a view's page, and with ``open`` the item beside it (a wide screen shows both)."""
    view = queries.InboxView.parse(request.args)
    now = utcnow()
    context = _inbox_context(view, now)
    context["beside"] = queries.beside_the_list(db.session, current_user, now, settings.current().deadlines)
    opened = whole_number(request.args.get("open"))
    if opened is not None:
        item = reviews.open_for_review(db.session, current_user, opened, request.remote_addr)
        context.update(_review_context(item, now))
    return render("inbox/home.html", **context)


@inbox.get("/list")
def inbox_list():
    """The list alone, for a change of view in place (a tab, a filter, an order); the browser's address
    becomes the view's own. Without htmx, the view's page."""
    view = queries.InboxView.parse(request.args)
    if not htmx:
        return redirect(_view_address(view))
    body, status = render("inbox/home.html", block="inbox_list", **_inbox_context(view, utcnow()))
    return make_response(body, status, push_url=_view_address(view))


@inbox.get("/results")
def inbox_results():
    """Another page of the same view (Next page, Show them): its rows and pager alone, with every tab's count and
    the new-items notice (now nothing new) out of band. Without htmx, the view's page."""
    view = queries.InboxView.parse(request.args)
    if not htmx:
        return redirect(_view_address(view))
    body, status = render(
        "inbox/home.html",
        block=["inbox_results", "new_items", "tab_counts_oob"],
        new_items_oob=True,
        **_results_context(view, utcnow()),
    )
    return make_response(body, status, push_url=_view_address(view))


@inbox.get("/new")
def new_items():
    """The 30-second poll: how many items arrived in this view, and every tab's count, out of band.

    Nothing moves in the list until the case manager asks; the notice is swapped only when the
    number changes, so that a screen reader does not hear the same news every 30 seconds.
    """
    view = queries.InboxView.parse(request.args)
    if not htmx:
        return redirect(_view_address(view))
    now = utcnow()
    since, shown = whole_number(request.args.get("since")) or 0, whole_number(request.args.get("shown")) or 0
    count = queries.new_items(db.session, current_user, view, since, now, settings.current().deadlines)
    counts, _ = queries.tab_counts(db.session, current_user, now)
    body, status = render(
        "inbox/home.html",
        block=["new_items", "tab_counts_oob"],
        view=view,
        newest_id=since,
        new_count=count,
        counts=counts,
    )
    return make_response(body, status, reswap=None if count != shown else "none")


@inbox.post("/several")
def act_on_several():
    """Claim or assign the chosen items, then show the same view again with what happened (its page comes with
    the ticked rows, which carry it)."""
    view = queries.InboxView.parse(request.values)
    form = BulkActionForm(prefix="bulk")
    form.assignee.choices = _case_manager_choices()
    one = request.form.get("claim_one", "")
    action = "claim" if one else request.form.get("action", "")
    chosen = [one] if one else request.form.getlist("ids")
    ids = [number for number in map(whole_number, chosen) if number is not None]
    notice = None
    if not form.validate_on_submit() or action not in ("claim", "assign"):
        form.form_errors.append("Choose claim or assign.")
    else:
        with refusals(form):
            assignee = cases.case_manager(db.session, form.assignee.data) if action == "assign" else None
            result = queries.act_on_several(db.session, current_user, action, ids, assignee)
            notice = ("success" if not result.refused else "error", _several_done(action, result, assignee))
    if htmx:
        context = _inbox_context(
            view,
            utcnow(),
            bulk_error=form.form_errors[0] if form.form_errors else None,
            bulk_assignee=form.assignee.data if form.form_errors else None,
            notice=notice,
        )
        return render(
            "inbox/home.html",
            form_status(form) if form.form_errors else 200,
            block=["inbox_list", "flash_oob"],
            **context,
        )
    if form.form_errors:
        flash(form.form_errors[0], "error")
    elif notice:
        flash(notice[1], notice[0])
    return redirect_after_post(_view_address(view))


def _several_done(action: str, result: queries.BulkResult, assignee) -> str:
    done = len(result.done)
    verb = "Claimed" if action == "claim" else f"Assigned to {assignee.name}:"
    words = [f"{verb} {done} item{'s' if done != 1 else ''}."]
    words += [f"{reference} not changed: {why}" for reference, why in result.refused]
    return " ".join(words)


def _case_manager_choices(managers: tuple[tuple[int, str], ...] | None = None) -> list[SelectChoice]:
    if managers is None:
        managers = cases.case_manager_names(db.session)
    return [SelectChoice(manager_id, name) for manager_id, name in managers]


def _review_forms(item, **replacing) -> dict:
    """Fresh forms for the item's current version; ``formdata=None`` so a post's values do not leak in."""
    assign = AssignForm(formdata=None, version=item.version, assignee=item.assignee_id)
    assign.assignee.choices = _case_manager_choices()
    forms = {
        "action_form": ActionForm(formdata=None, version=item.version),
        "assign_form": assign,
        "information_form": RequestInformationForm(formdata=None, version=item.version),
        "decline_form": DeclineForm(formdata=None, version=item.version),
        "log_form": LogEntryForm(formdata=None, occurred_on=utcnow().date()),
        "feasibility_form": FeasibilityForm(formdata=None),
        "decision_form": AccommodationDecisionForm(formdata=None, version=item.version),
    }
    if item.kind == SubmissionKind.INTAKE_REPORT:
        forms["triage_form"] = triage_form_for(item)
    forms.update(replacing)
    return forms


def triage_form_for(item, sent: bool = False) -> TriageForm:
    """The triage form for a report: its likely tracks ticked, and each offering the employee's open case of
    that kind to join, the most recent first (the likely duplicate)."""
    context = intake.triage_context(db.session, item, item.submitted_at.date())
    report = item.intake
    if sent:
        form = TriageForm()
    else:
        form = TriageForm(
            formdata=None,
            version=item.version,
            tracks=[track.value for track in context["likely_tracks"]],
            case_manager=item.assignee_id or current_user.id,
            leave_start=report.first_day_away,
        )
    for case_type in CaseType:
        open_ones = context["duplicates"].get(case_type, [])
        field = form.join_field(case_type)
        field.choices = [SelectChoice("", "Open a new case")] + [
            SelectChoice(str(case.id), f"Join {case.number}, opened {case.opened_at:%d %b %Y}") for case in open_ones
        ]
        if not sent and open_ones:
            field.data = str(open_ones[0].id)
    form.case_manager.choices = _case_manager_choices()
    return form


def _review_context(item, now, notice=None, **replacing) -> dict:
    context = {
        "submission": item,
        "files": documents.files_of(db.session, item),
        "now": now,
        "settings": settings.current().deadlines,
        "actions": lifecycle.allowed_actions(item, current_user),
        "notice": notice,
        **_review_forms(item, **replacing),
    }
    context |= kinds.review_context(db.session, item, now.date())
    unverified = {item.submitted_by_id} if context.get("unverified_clinician") else set()
    return context | {"row": rows.row(item, now, context["settings"], unverified)}


def review_screen(item, status: int = 200, notice=None, **replacing):
    """The review: the whole page, or for an action sent with htmx the pane, and when it was sent from
    the list, the item's row and the counts out of band."""
    now = utcnow()
    context = _review_context(item, now, notice, **replacing)
    in_list = urlsplit(htmx.current_url or "").path == url_for("inbox.home")
    counts = queries.tab_counts(db.session, current_user, now)[0] if htmx and in_list else {}
    block = ["review_pane", "oob_updates"] if request.method == "POST" else None
    return render("inbox/review.html", status, block=block, in_list=in_list, counts=counts, **context)


def acted(item, message: str):
    """After an action on an item: for htmx, the review again with what was done; otherwise back to it."""
    if htmx:
        return review_screen(item, notice=("success", message))
    flash(message, "success")
    return redirect_after_post(url_for("inbox.review", submission_id=item.id))


def refused(item, form_name: str, form):
    """After a refused action: what someone else did first, over fresh forms (409); or the form again
    with its problems (422)."""
    if getattr(form, "conflict", False):
        return review_screen(item, 409, notice=("error", " ".join(form.form_errors)))
    return review_screen(item, form_status(form), **{form_name: form})


@inbox.get("/submissions/<int:submission_id>")
def review(submission_id: int):
    """An item's review on its own page."""
    return review_screen(reviews.open_for_review(db.session, current_user, submission_id, request.remote_addr))


@inbox.get("/submissions/<int:submission_id>/pane")
def item_pane(submission_id: int):
    """On a wide screen, the item beside the list; the browser's address becomes the list's with the
    item open in it. Without htmx, the item's own page."""
    if not htmx:
        return redirect(url_for("inbox.review", submission_id=submission_id))
    item = reviews.open_for_review(db.session, current_user, submission_id, request.remote_addr)
    shown = urlsplit(htmx.current_url or "")
    args: dict[str, Any] = {k: v for k, v in parse_qsl(shown.query) if k != "open"} | {"open": item.id}
    body, status = render("inbox/home.html", block="item_pane", **_review_context(item, utcnow()))
    return make_response(body, status, push_url=url_for("inbox.home", **args))


@inbox.post("/submissions/<int:submission_id>/claim")
def claim(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = ActionForm()
    if form.validate_on_submit():
        with refusals(form):
            lifecycle.claim(db.session, item, current_user, form.version.data)
            return acted(item, "You have claimed this item.")
    return refused(item, "action_form", form)


@inbox.post("/submissions/<int:submission_id>/assign")
def assign(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = AssignForm()
    form.assignee.choices = _case_manager_choices()
    if form.validate_on_submit():
        with refusals(form):
            assignee = cases.case_manager(db.session, form.assignee.data)
            lifecycle.assign(db.session, item, current_user, assignee, form.version.data)
            return acted(item, "Assigned.")
    return refused(item, "assign_form", form)


@inbox.post("/submissions/<int:submission_id>/request-information")
def request_information(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = RequestInformationForm()
    if form.validate_on_submit():
        with refusals(form):
            kinds.request_information(
                db.session,
                item,
                current_user,
                form.message.data,
                form.due_date.data,
                form.version.data,
                settings.current().deadlines,
                incomplete_certification=form.incomplete_certification.data,
            )
            return acted(item, f"Request sent. The {kinds.of(item).sender} has been emailed.")
    return refused(item, "information_form", form)


@inbox.post("/submissions/<int:submission_id>/accept")
def accept(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = ActionForm()
    if form.validate_on_submit():
        with refusals(form):
            message = kinds.accept(db.session, item, current_user, form.version.data)
            return acted(item, message)
    return refused(item, "action_form", form)


@inbox.post("/submissions/<int:submission_id>/decline")
def decline(submission_id: int):
    item = access.get_submission(db.session, current_user, submission_id)
    form = DeclineForm()
    if form.validate_on_submit():
        with refusals(form):
            kinds.decline(db.session, item, current_user, form.version.data, form.reason.data)
            return acted(item, f"Declined. The {kinds.of(item).sender} has been emailed the reason.")
    return refused(item, "decline_form", form)
