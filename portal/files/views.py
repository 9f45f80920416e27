"""Stored files, served only through the access policy, audited, and unable to act as a page."""

from flask import Blueprint, current_app, request, send_file
from flask_login import current_user, login_required

from portal import access
from portal.audit import operations as audit
from portal.extensions import db
from portal.files import storage

bp = Blueprint("files", __name__, url_prefix="/files")

# No scripts, no loads and an opaque origin, whatever the bytes are. Inline styles only because
# browsers style their own image and PDF viewer pages with them.
FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'"


@bp.get("/<int:file_id>")
@login_required
def download(file_id: int):
    return _send(file_id, inline=False)


@bp.get("/<int:file_id>/view")
@login_required
def view(file_id: int):
    return _send(file_id, inline=True)


def _send(file_id: int, inline: bool):
    stored = access.get_file(db.session, current_user, file_id)
    inline = inline and storage.shows_inline(stored)
    audit.record(
        db.session,
        current_user,
        "file_viewed" if inline else "file_downloaded",
        "stored_file",
        stored.id,
        case_id=stored.case_id,
        ip_address=request.remote_addr,
    )
    db.session.commit()
    # No conditional or range responses: each view is one whole response and one audit event.
    response = send_file(
        storage.path_for(stored.storage_key, current_app.config["UPLOAD_FOLDER"]),
        mimetype=stored.content_type,
        as_attachment=not inline,
        download_name=stored.original_name,
        conditional=False,
        etag=False,
    )
    response.headers["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
