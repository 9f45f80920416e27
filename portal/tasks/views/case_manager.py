"""The case manager's tasks: the list (overdue, today, this week), one task (do it, put it off), adding one."""

from flask import flash, request, url_for
from flask_login import current_user

from portal import access, settings
from portal.core.errors import DomainError
from portal.core.numbers import whole_number
from portal.extensions import db
from portal.items.deadlines import program_today
from portal.tasks import operations as tasks
from portal.tasks import rules as task_rules
from portal.tasks.forms import DoneForm, PutOffForm, TaskForm
from portal.tasks.operations import Whose, Window
from portal.web.audiences import inbox
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


def _today():
    return program_today(settings.current().deadlines)


def _choice(enum, name: str, default):
    value = request.args.get(name)
    return enum(value) if value in set(enum) else default


@inbox.get("/tasks")
def task_list():
    access.ensure_keeps_tasks(current_user)
    today = _today()
    whose = _choice(Whose, "whose", Whose.MINE)
    window = _choice(Window, "window", Window.ALL)
    return render(
        "tasks/tasks.html",
        today=today,
        whose=whose,
        window=window,
        windows=list(Window),
        whose_choices=list(Whose),
        counts=tasks.counts(db.session, current_user, today, whose),
        listed=tasks.page(db.session, current_user, today, whose, window, request.args.get("after")),
    )


def _task_screen(task, status: int = 200, done_form: DoneForm | None = None, put_off_form: PutOffForm | None = None):
    return render(
        "tasks/task.html",
        status,
        task=task,
        today=_today(),
        rule=tasks.rule_of(task_rules.current(), task),
        history=tasks.history(db.session, task),
        done_form=done_form or DoneForm(formdata=None),
        put_off_form=put_off_form or PutOffForm(formdata=None),
    )


def _task(task_id: int):
    access.ensure_keeps_tasks(current_user)
    task = tasks.task_on(db.session, task_id)
    access.get_case(db.session, current_user, task.case_id)  # a case the reader may not see: no such task
    return task


@inbox.get("/tasks/<int:task_id>")
def task(task_id: int):
    return _task_screen(_task(task_id))


@inbox.post("/tasks/<int:task_id>/done")
def task_done(task_id: int):
    task = _task(task_id)
    form = DoneForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            tasks.complete(db.session, current_user, task, form.note.data)
            sent(url_for("inbox.task_list"))
            flash(f"Done: {task.title}.", "success")
            return redirect_after_post(url_for("inbox.task_list"))
    return _task_screen(task, form_status(form), done_form=form)


@inbox.post("/tasks/<int:task_id>/put-off")
def put_off_task(task_id: int):
    task = _task(task_id)
    form = PutOffForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            tasks.put_off(db.session, current_user, task, form.due_on.data, form.reason.data, _today())
            sent(url_for("inbox.task", task_id=task.id))
            flash(f"Put off to {form.due_on.data:%-d %b %Y}.", "success")
            return redirect_after_post(url_for("inbox.task", task_id=task.id))
    return _task_screen(task, form_status(form), put_off_form=form)


def _new_task_screen(form: TaskForm, status: int = 200):
    return render("tasks/new_task.html", status, form=form, today=_today())


@inbox.get("/tasks/new")
def new_task():
    access.ensure_keeps_tasks(current_user)
    number, case_id = None, whole_number(request.args.get("case"))
    if case_id is not None:
        try:
            number = access.get_case(db.session, current_user, case_id).number
        except DomainError:
            number = None  # a case the reader may not see: the form starts empty
    return _new_task_screen(TaskForm(formdata=None, case_number=number))


@inbox.post("/tasks/new")
def add_task():
    access.ensure_keeps_tasks(current_user)
    form = TaskForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            case = access.get_case(db.session, current_user, tasks.case_numbered(db.session, form.case_number.data))
            task = tasks.add_task(db.session, current_user, case, form.title.data, form.due_on.data, _today())
            sent(url_for("inbox.case", case_id=case.id))
            flash(f"Task added to case {case.number}, due {task.due_on:%-d %b %Y}.", "success")
            return redirect_after_post(url_for("inbox.case", case_id=case.id) + "#tasks-title")
    return _new_task_screen(form, form_status(form))
