"""The case manager's notes on a case: read them, write one, amend one."""

from flask import flash, request, url_for
from flask_login import current_user

from portal import access, settings
from portal.cases.operations import read_only_reason
from portal.core.columns import utcnow
from portal.extensions import db
from portal.items.deadlines import local_moment
from portal.notes import operations as notes
from portal.notes.forms import AmendForm, NoteForm
from portal.notes.models import NoteKind
from portal.web.audiences import inbox
from portal.web.once import once
from portal.web.responses import form_status, redirect_after_post, refusals, render


def _notes_screen(case, status: int = 200, form: NoteForm | None = None, amend_forms: dict | None = None):
    kind = request.args.get("kind") if request.args.get("kind") in set(NoteKind) else None
    listed = notes.notes_for(db.session, current_user, case, kind)
    amend_forms = amend_forms or {}
    return render(
        "inbox/notes.html",
        status,
        case=case,
        notes=listed,
        kind=kind,
        kinds=list(NoteKind),
        read_only=read_only_reason(case),
        form=form or NoteForm(formdata=None, happened_at=local_moment(utcnow(), settings.current().deadlines)),
        amend_forms={
            note.id: amend_forms.get(note.id) or AmendForm(formdata=None, prefix=f"amend-{note.id}") for note in listed
        },
    )


@inbox.get("/cases/<int:case_id>/notes")
def case_notes(case_id: int):
    access.ensure_keeps_notes(current_user)
    return _notes_screen(access.get_case(db.session, current_user, case_id))


@inbox.post("/cases/<int:case_id>/notes")
def write_note(case_id: int):
    case = access.get_case(db.session, current_user, case_id)
    form = NoteForm()
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            notes.add_note(
                db.session,
                current_user,
                case,
                form.kind.data,
                form.happened_at.data,
                form.with_whom.data or "",
                form.text.data,
                settings.current().deadlines,
                with_employee=form.with_employee.data,
            )
            sent(url_for("inbox.case_notes", case_id=case.id))
            flash("The note is kept. It can be amended, never changed.", "success")
            return redirect_after_post(url_for("inbox.case_notes", case_id=case.id))
    return _notes_screen(case, form_status(form), form=form)


@inbox.post("/cases/<int:case_id>/notes/<int:note_id>/amend")
def amend_note(case_id: int, note_id: int):
    case = access.get_case(db.session, current_user, case_id)
    note = notes.note_on(db.session, case, note_id)
    form = AmendForm(prefix=f"amend-{note.id}")
    if form.validate_on_submit():
        with refusals(form), once(form) as sent:
            notes.amend_note(db.session, current_user, case, note.id, form.text.data)
            sent(url_for("inbox.case_notes", case_id=case.id))
            flash("The amendment is kept below the note, dated and signed.", "success")
            return redirect_after_post(url_for("inbox.case_notes", case_id=case.id) + f"#note-{note.id}")
    return _notes_screen(case, form_status(form), amend_forms={note.id: form})
