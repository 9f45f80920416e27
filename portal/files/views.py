"""Stored files, served only through the access policy, audited, and unable to act as a page."""

from flask import Blueprint, current_app, request, send_file
from flask_login import current_user, login_required

from portal.extensions import db
from portal.files import downloads

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
    opened = downloads.open_file(
        db.session, current_user, file_id, inline, current_app.config["UPLOAD_FOLDER"], request.remote_addr
    )
    # No conditional or range responses: each view is one whole response and one audit event.
    response = send_file(
        opened.path,
        mimetype=opened.stored.content_type,
        as_attachment=not opened.inline,
        download_name=opened.stored.original_name,
        conditional=False,
        etag=False,
    )
    response.headers["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
