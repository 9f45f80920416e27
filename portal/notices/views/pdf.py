"""A notice's PDF, sent the same way to whoever may read it."""

from flask import request, send_file
from flask_login import current_user

from portal import settings
from portal.extensions import db
from portal.files.views import FILE_CONTENT_SECURITY_POLICY
from portal.notices import operations as notices


def send_notice(notice_id: int):
    """The notice's PDF as issued, audited, downloaded rather than shown, and unable to act as a page."""
    pdf = notices.download(
        db.session, current_user, notice_id, settings.current().uploads.upload_folder, request.remote_addr
    )
    response = send_file(
        pdf.path, mimetype="application/pdf", as_attachment=True, download_name=pdf.name, conditional=False, etag=False
    )
    response.headers["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
