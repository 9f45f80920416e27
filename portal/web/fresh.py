"""A fresh sign-in before what an unattended screen or a taken-over session must not do: change who may see
medical content, or take a whole case away.

As GitHub's "sudo mode": the person gives their password (and code) again, and what they were sending goes on
at once, carried through the confirmation unchanged, so nothing typed is lost.
"""

from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, redirect, request, url_for
from flask import session as cookie_session
from flask_login import current_user

from portal import settings
from portal.accounts import operations as accounts
from portal.accounts import two_step
from portal.accounts.forms import ConfirmSignInForm
from portal.core.columns import utcnow
from portal.extensions import db
from portal.web.responses import form_status, refusals, render

FRESH_AT = "fresh_at"
PREFIX = "fresh"


def mark_fresh() -> None:
    """The person has just given their password (and code): on signing in, or on confirming."""
    cookie_session[FRESH_AT] = utcnow().timestamp()


def is_fresh() -> bool:
    at = cookie_session.get(FRESH_AT)
    return at is not None and utcnow().timestamp() - at < current_app.config["FRESH_SIGN_IN_MINUTES"] * 60


def confirm_form() -> ConfirmSignInForm:
    return ConfirmSignInForm(prefix=PREFIX)


def confirm(form: ConfirmSignInForm) -> None:
    """Check the password (and code) given; refused with InvalidInput, else the sign-in is fresh again."""
    accounts.confirm_identity(
        db.session,
        current_user,
        form.password.data,
        form.code.data or "",
        request.remote_addr or "",
        settings.current().accounts,
    )
    mark_fresh()


def confirm_screen(form: ConfirmSignInForm, action: str, carried: list[tuple[str, str]], status: int):
    referrer = urlsplit(request.referrer or "")
    back = referrer._replace(scheme="", netloc="").geturl() if referrer.netloc == request.host else None
    return render(
        "auth/confirm_sign_in.html",
        status,
        form=form,
        action=action,
        carried=carried,
        asks_code=two_step.is_enabled(db.session, current_user),
        back=back,
    )


def fresh_sign_in_required(view):
    """Guard every request to ``view`` with a sign-in made in the last FRESH_SIGN_IN_MINUTES.

    A page (GET) goes to the confirmation and comes back; a form sent (POST) is shown the confirmation
    holding what was sent, and goes on to the view once confirmed.
    """

    @wraps(view)
    def guarded(*args, **kwargs):
        if is_fresh():
            return view(*args, **kwargs)
        if request.method == "GET":
            return redirect(url_for("auth.confirm_sign_in", next=request.full_path.rstrip("?")), code=303)
        form = confirm_form()
        if form.password.name in request.form:
            if form.validate_on_submit():
                with refusals(form):
                    confirm(form)
                    return view(*args, **kwargs)
            status = form_status(form)
        else:
            status = 401
        # The form's own token is given anew by the screen: the one sent may be near the end of its life.
        carried = [
            (name, value)
            for name, value in request.form.items(multi=True)
            if name != "csrf_token" and not name.startswith(f"{PREFIX}-")
        ]
        return confirm_screen(form, request.full_path.rstrip("?"), carried, status)

    return guarded
