"""File fields, and reading them into uploads for the storage rules.

``UploadsField`` (several files) and ``UploadField`` (one) check what was chosen against the
upload limits while the form validates, before anything is stored: too many files, one too
large, or too much in all is refused next to the field like any other problem, with
everything else typed kept. The browser checks the same before sending (static/js/uploads.js);
this is the check that holds without JavaScript, or when a browser's check was skipped.
"""

import os

from flask_wtf.file import FileField
from wtforms import MultipleFileField
from wtforms.validators import StopValidation

from portal import settings
from portal.files import storage
from portal.files.storage import Upload


def uploads_from(field) -> list[Upload]:
    """The files chosen in a file field. A browser sends one empty part when no file was chosen; a text value in
    its place (a form tampered with) is no file either."""
    return [Upload(f.stream, f.filename) for f in field.data or [] if getattr(f, "filename", None)]


def upload_from(field) -> Upload | None:
    """The file chosen in a single file field, if any."""
    chosen = field.data
    return Upload(chosen.stream, chosen.filename) if chosen and getattr(chosen, "filename", None) else None


def size_of(stream) -> int:
    """The size of a received file part, measured without reading it (Werkzeug keeps it in a seekable
    temporary file). 0 when it cannot be measured: storage counts it again as it reads it."""
    try:
        position = stream.tell()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(position)
    except (AttributeError, OSError, ValueError):
        return 0
    return size


def check_limits(uploads: list[Upload], multiple: bool) -> None:
    """Refuse, as this field's problem, a choice of files over the app's upload limits."""
    chosen = [(upload.filename, size_of(upload.stream)) for upload in uploads]
    problem = storage.size_problem(chosen, settings.current().uploads, multiple=multiple)
    if problem:
        raise StopValidation(problem)


class UploadsField(MultipleFileField):
    """Several files sent together (one upload), within the upload limits."""

    def pre_validate(self, form) -> None:
        check_limits(uploads_from(self), multiple=True)


class UploadField(FileField):
    """One file, within the upload limit for a file."""

    def pre_validate(self, form) -> None:
        upload = upload_from(self)
        check_limits([upload] if upload else [], multiple=False)
