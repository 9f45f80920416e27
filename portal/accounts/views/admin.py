"""Admins: accounts, invitations, the roster and its jobs. No case or medical content here."""

from flask import Response, current_app, flash, request, url_for
from flask_login import current_user

from portal import settings
from portal.accounts import job_import, jobs, people, roster, roster_import
from portal.accounts.forms import (
    AccountActionForm,
    JobForm,
    JobsFileForm,
    RosterConfirmForm,
    RosterFileForm,
    RosterPersonForm,
)
from portal.core.columns import utcnow
from portal.extensions import db
from portal.mail import delivery as mailer
from portal.restrictions import operations as restrictions
from portal.restrictions.fields import field_names
from portal.web.audiences import admin
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


@admin.get("/")
def home():
    return _home(AccountActionForm())


def _home(form: AccountActionForm):
    """The accounts list; a refused account action shows its reason at the top."""
    term = request.args.get("q", "").strip()
    page = roster.accounts_page(
        db.session, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"], term
    )
    return render(
        "admin/home.html",
        form_status(form),
        page=page,
        form=form,
        term=term,
        undelivered=mailer.undelivered_count(db.session),
        account_actions=lambda user, awaiting_approval: roster.actions_for(current_user, user, awaiting_approval),
    )


@admin.route("/accounts/<int:user_id>/deactivate", methods=["GET", "POST"])
def deactivate(user_id: int):
    user = roster.account(db.session, user_id)
    form = AccountActionForm()
    if form.validate_on_submit():
        with refusals(form):
            released = roster.deactivate(db.session, current_user, user)
            flash(_deactivated(user.name, released), "success")
            return redirect_after_post(url_for("admin.home"))
    return render(
        "admin/deactivate.html", form_status(form), user=user, form=form, items_held=roster.items_held(db.session, user)
    )


def _deactivated(name: str, released: int) -> str:
    message = f"{name}'s account is deactivated: they are signed out and cannot sign in."
    if released:
        message += (
            f" {released} open item{'s' if released != 1 else ''} went back to the unassigned queue"
            " for another case manager to take up."
        )
    return message


@admin.post("/accounts/<int:user_id>/reactivate")
def reactivate(user_id: int):
    user = roster.account(db.session, user_id)
    form = AccountActionForm()
    if form.validate_on_submit():
        with refusals(form):
            if roster.reactivate(db.session, current_user, user):
                flash(f"{user.name}'s account is active again.", "success")
            else:
                flash(
                    f"{user.name} is a case manager, who sees medical information: their account is active again "
                    "once another case manager approves it. Every case manager has been told.",
                    "success",
                )
            return redirect_after_post(url_for("admin.home"))
    return _home(form)


@admin.post("/accounts/<int:user_id>/invitation")
def invite_again(user_id: int):
    user = roster.account(db.session, user_id)
    form = AccountActionForm()
    if form.validate_on_submit():
        with refusals(form):
            roster.invite_again(db.session, current_user, user, settings.current().accounts)
            flash(
                f"A new invitation was sent to {user.email}. The link works once and expires in "
                f"{current_app.config['INVITATION_DAYS']} days.",
                "success",
            )
            return redirect_after_post(url_for("admin.home"))
    return _home(form)


@admin.get("/roster")
def roster_screen():
    return _roster_screen(RosterFileForm(formdata=None))


@admin.post("/roster")
def load_roster():
    form = RosterFileForm()
    if form.validate_on_submit():
        with refusals(form):
            staged = roster_import.stage(db.session, current_user, form.file.data.filename, form.file.data.read())
            return redirect_after_post(url_for("admin.roster_preview", import_id=staged.id))
    return _roster_screen(form, form_status(form))


def _roster_screen(form: RosterFileForm, status: int = 200):
    return render(
        "admin/roster.html",
        status,
        form=form,
        columns=roster_import.COLUMNS,
        loads=roster_import.recent_loads(db.session),
    )


@admin.get("/roster/loads/<int:import_id>")
def roster_preview(import_id: int):
    staged = roster_import.staged_import(db.session, import_id)
    return _preview_screen(staged, RosterConfirmForm(formdata=None))


@admin.post("/roster/loads/<int:import_id>")
def confirm_roster(import_id: int):
    staged = roster_import.staged_import(db.session, import_id)
    form = RosterConfirmForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            plan = roster_import.apply(db.session, current_user, staged, form.plan.data, settings.current().accounts)
            sent(url_for("admin.roster_screen"))
            flash(
                f"Roster loaded: {len(plan.added):,} added, {len(plan.changed):,} changed, "
                f"{len(plan.left_out):,} no longer in the roster."
                + (_new_jobs(len(plan.new_jobs)) if plan.new_jobs else ""),
                "success",
            )
            return redirect_after_post(url_for("admin.roster_screen"))
    return _preview_screen(staged, form, form_status(form))


def _new_jobs(count: int) -> str:
    return f" {count:,} new job{'s' if count != 1 else ''} to record on Jobs."


def _preview_screen(staged, form: RosterConfirmForm, status: int = 200):
    # A file loaded already is not checked again: the page says what it did.
    plan = roster_import.preview(db.session, staged.content, utcnow().date()) if staged.applied_at is None else None
    form.plan.data = plan.digest if plan is not None else ""
    return render(
        "admin/roster_preview.html",
        status,
        staged=staged,
        plan=plan,
        form=form,
        upload_form=RosterFileForm(formdata=None),
        shown=roster_import.SHOWN,
    )


@admin.get("/people", endpoint="people")
def people_screen():
    term = request.args.get("q", "").strip()
    left_out = request.args.get("left_out") == "1"
    page = people.people_page(
        db.session, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"], term, left_out
    )
    return render("admin/people.html", page=page, term=term, left_out=left_out)


@admin.get("/people/<int:person_id>")
def person(person_id: int):
    found = people.person(db.session, person_id)
    form = RosterPersonForm(
        formdata=None,
        supervisor=found.supervisor.employee_number if found.supervisor else "",
        department=found.department,
        location=found.location,
        job_title=found.job_title,
    )
    return _person_screen(found, form)


@admin.post("/people/<int:person_id>")
def change_person(person_id: int):
    found = people.person(db.session, person_id)
    form = RosterPersonForm()
    if form.validate_on_submit():
        with refusals(form):
            changes = people.change_person(
                db.session,
                current_user,
                found,
                form.supervisor.data,
                form.department.data,
                form.location.data,
                form.job_title.data,
                settings.current().accounts,
                version=form.version.data,
            )
            flash(_changed(found.name, changes), "success")
            return redirect_after_post(url_for("admin.person", person_id=found.id))
    return _person_screen(found, form, form_status(form))


def _changed(name: str, changes: list[roster_import.FieldChange]) -> str:
    if not changes:
        return f"Nothing to change: {name}'s record already said all of that."
    return f"{name}'s record is changed: " + ", ".join(change.label.lower() for change in changes) + "."


def _person_screen(found, form: RosterPersonForm, status: int = 200):
    record = people.record(db.session, found)
    # The version the page shows: after a refusal because of a change made meanwhile, saving again is over it.
    form.version.data = record.version
    return render("admin/person.html", status, record=record, form=form)


@admin.get("/jobs", endpoint="jobs")
def jobs_screen():
    return _jobs_screen(JobsFileForm(formdata=None))


@admin.post("/jobs")
def load_jobs():
    form = JobsFileForm()
    if form.validate_on_submit():
        with refusals(form):
            staged = job_import.stage(db.session, current_user, form.file.data.filename, form.file.data.read())
            return redirect_after_post(url_for("admin.jobs_preview", import_id=staged.id))
    return _jobs_screen(form, form_status(form))


def _jobs_screen(form: JobsFileForm, status: int = 200):
    unrecorded = request.args.get("unrecorded") == "1"
    page = jobs.jobs_page(
        db.session, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"], unrecorded
    )
    return render("admin/jobs.html", status, page=page, unrecorded=unrecorded, form=form, columns=job_import.COLUMNS)


@admin.get("/jobs/template.csv")
def jobs_template():
    return Response(
        job_import.template(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=jobs.csv"},
    )


@admin.get("/jobs/loads/<int:import_id>")
def jobs_preview(import_id: int):
    staged = job_import.staged_import(db.session, import_id)
    return _jobs_preview_screen(staged, RosterConfirmForm(formdata=None))


@admin.post("/jobs/loads/<int:import_id>")
def confirm_jobs(import_id: int):
    staged = job_import.staged_import(db.session, import_id)
    form = RosterConfirmForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            plan = job_import.apply(db.session, current_user, staged, form.plan.data)
            sent(url_for("admin.jobs"))
            flash(f"Jobs loaded: {len(plan.changes):,} recorded, {plan.unchanged:,} unchanged.", "success")
            return redirect_after_post(url_for("admin.jobs"))
    return _jobs_preview_screen(staged, form, form_status(form))


def _jobs_preview_screen(staged, form: RosterConfirmForm, status: int = 200):
    # A file loaded already is not checked again: the page says what it did.
    plan = job_import.preview(db.session, staged.content) if staged.applied_at is None else None
    form.plan.data = plan.digest if plan is not None else ""
    return render(
        "admin/jobs_preview.html",
        status,
        staged=staged,
        plan=plan,
        form=form,
        upload_form=JobsFileForm(formdata=None),
        shown=roster_import.SHOWN,
    )


@admin.get("/jobs/<int:job_id>")
def job(job_id: int):
    found = jobs.job(db.session, job_id)
    return _job_screen(found, JobForm.of(found, jobs.demands_of(db.session, found)))


@admin.post("/jobs/<int:job_id>")
def record_job(job_id: int):
    found = jobs.job(db.session, job_id)
    form = JobForm()
    if form.validate_on_submit():
        with refusals(form):
            jobs.record_job(db.session, current_user, found, form.to_input(), version=form.version.data)
            flash(f"{found.title}: its essential functions and physical demands are recorded.", "success")
            return redirect_after_post(url_for("admin.jobs"))
    return _job_screen(found, form, form_status(form))


def _job_screen(found, form: JobForm, status: int = 200):
    # The version the page shows: after a refusal because of a change made meanwhile, saving again is over it.
    form.version.data = found.version
    return render(
        "admin/job.html",
        status,
        job=found,
        form=form,
        holders=jobs.holders(db.session, found),
        dimensions=restrictions.DIMENSIONS,
        field_names=field_names,
    )
