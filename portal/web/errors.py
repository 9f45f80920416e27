"""Error pages: each status has a plain-language page; htmx requests get the message alone."""

import secrets

from flask import flash, g, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge
from werkzeug.exceptions import NotFound as HTTPNotFound

from portal import access, settings
from portal.audit import operations as audit
from portal.core.errors import NotFound, Throttled
from portal.extensions import db, login_manager
from portal.files import storage
from portal.web.once import AlreadySent
from portal.web.responses import redirect_after_post, render

MESSAGES = {
    400: ("Something was wrong with that request", "Go back, reload the page and try again."),
    403: ("You cannot do that", "Your account does not allow this. If you think it should, contact your case manager."),
    404: (
        "Page not found",
        "The page or item does not exist, or your account cannot see it. Check the address, "
        "or go back to your home page.",
    ),
    413: (
        "That upload is too large",
        "Nothing was saved. Go back to the form and choose fewer files, or smaller ones: on a phone, "
        "photos taken at a lower resolution.",
    ),
    429: ("Too many attempts", "Wait a few minutes and try again."),
    500: (
        "Something went wrong on our side",
        "Nothing you sent was lost that was confirmed to you. "
        "Try again in a moment; if it keeps happening, contact your case manager.",
    ),
    503: (
        "The portal is unavailable for a moment",
        "We could not reach the database, so nothing was saved. Keep this page open and try again in a minute.",
    ),
}


def render_error(status: int, detail: str | None = None, incident: str | None = None):
    title, advice = MESSAGES[status]
    context = {"code": status, "title": title, "advice": advice, "detail": detail, "incident": incident}
    return render("errors/error.html", status, block="content", **context)


def new_incident() -> str:
    """A short id for a failure, on the page and in the log line about it, for the person to quote to
    support and for support to find: no look-alike letters, easy to read out."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400, "The form had expired or was sent from somewhere else. Reload the page and send it again."
        )

    @app.errorhandler(NotFound)
    def domain_not_found(error):
        # The access policy refused an object: recorded, for whoever reviews who tried to reach what.
        try:
            db.session.rollback()
            audit.record(
                db.session,
                actor=current_user if current_user.is_authenticated else None,
                action="access_denied",
                object_type="address",
                ip_address=request.remote_addr,
                detail=request.path,
            )
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
        return render_error(404)

    @app.errorhandler(AlreadySent)
    def already_sent(error):
        # A form sent again: what the first sending made stands, and the person is taken to it.
        flash("That was already sent a moment ago, and it was received once: nothing was sent twice.", "success")
        home = access.HOME_ENDPOINT.get(current_user.role_enum) if current_user.is_authenticated else None
        return redirect_after_post(error.url or request.referrer or url_for(home or "auth.login"))

    @app.errorhandler(Throttled)
    def throttled(error):
        body, status = render_error(429, str(error))
        return body, status, {"Retry-After": str(error.retry_after)}

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        db.session.rollback()
        incident = new_incident()
        app.logger.error("incident %s: database unavailable: %s", incident, error)
        # Render as signed out: loading the user would ask the database again.
        g._login_user = login_manager.anonymous_user()
        return render_error(503, incident=incident)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        # A body over MAX_CONTENT_LENGTH, refused unread, so there is no form to show again. Browsers that run
        # the page's scripts never send one (static/js/uploads.js checks first); this page is for the others.
        return render_error(413, storage.limits_in_words(settings.current().uploads, multiple=True))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        db.session.rollback()
        incident = new_incident()
        failure = error.original_exception or error
        trace = (type(failure), failure, failure.__traceback__)
        app.logger.error("incident %s: %s", incident, type(failure).__name__, exc_info=trace)
        return render_error(500, incident=incident)

    # So that flask's own 404 for unknown URLs renders the same page.
    app.register_error_handler(HTTPNotFound, lambda error: render_error(404))
