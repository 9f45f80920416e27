"""Reading a form's file fields into uploads for the storage rules."""

from portal.files.storage import Upload


def uploads_from(field) -> list[Upload]:
    """The files chosen in a file field. A browser sends one empty part when no file was chosen."""
    return [Upload(f.stream, f.filename) for f in field.data or [] if f and f.filename]


def upload_from(field) -> Upload | None:
    """The file chosen in a single file field, if any."""
    chosen = field.data
    return Upload(chosen.stream, chosen.filename) if chosen and getattr(chosen, "filename", None) else None
