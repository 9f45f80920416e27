"""Signing in and out, passwords, invitations."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask import session as cookie_session
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from portal import access, settings
from portal.accounts import operations as accounts
from portal.accounts import two_step
from portal.accounts.forms import (
    ChangePasswordForm,
    CodeForm,
    ForgotPasswordForm,
    InvitationForm,
    LoginForm,
    NewPasswordForm,
)
from portal.accounts.models import Role, User
from portal.core.columns import utcnow
from portal.core.errors import NotFound
from portal.extensions import db
from portal.web import fresh
from portal.web.responses import form_status, redirect_after_post, refusals, render

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """A ``next`` address only if it stays on this site: a path, never //host or a scheme."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _home_url() -> str:
    return url_for(access.HOME_ENDPOINT[current_user.role_enum])


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(_home_url())
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_home_url())
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(
            db.session, form.email.data, form.password.data, request.remote_addr or "", settings.current().accounts
        )
        if user is None:
            form.form_errors.append("The email or password is not right. Check them and try again.")
            form.password.data = ""
        else:
            next_url = safe_next(request.args.get("next"))
            enabled = two_step.is_enabled(db.session, user)
            if enabled or two_step.required(user, current_app.config["TWO_STEP_REQUIRED_ROLES"]):
                # The password was right; the session starts only after the second step.
                cookie_session.clear()
                cookie_session["pending_sign_in"] = {"user": user.id, "at": utcnow().timestamp(), "next": next_url}
                return redirect(url_for("auth.second_step" if enabled else "auth.set_up_two_step"), code=303)
            return _sign_in(user, next_url)
    return render("auth/login.html", form_status(form), form=form)


# How long the second step may wait after the password: long enough to find a phone.
PENDING_SECONDS = 5 * 60


def _sign_in(user, next_url: str | None):
    cookie_session.clear()
    cookie_session["sid"] = accounts.start_session(db.session, user, request.remote_addr, request.user_agent.string)
    login_user(user)
    fresh.mark_fresh()
    return redirect(next_url or _home_url(), code=303)


def _pending():
    """The person who gave the right password a moment ago and has a second step to take, and where they were going."""
    pending = cookie_session.get("pending_sign_in")
    if not pending or utcnow().timestamp() - pending["at"] > PENDING_SECONDS:
        return None, None
    user = db.session.get(User, pending["user"])
    return (user, pending.get("next")) if user is not None and user.active else (None, None)


@bp.route("/login/code", methods=["GET", "POST"])
def second_step():
    user, next_url = _pending()
    if user is None:
        flash("Sign in again: the second step has to follow the password within five minutes.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        with refusals(form):
            two_step.verify(db.session, user, form.code.data, request.remote_addr)
            return _sign_in(user, next_url)
    return render("auth/second_step.html", form_status(form), form=form)


@bp.route("/login/two-step", methods=["GET", "POST"])
def set_up_two_step():
    """A role that must sign in in two steps, the first time: set up the app, then in."""
    user, next_url = _pending()
    if user is None:
        flash("Sign in again: the second step has to follow the password within five minutes.", "info")
        return redirect(url_for("auth.login"))
    return _two_step_setup(user, signing_in=True, next_url=next_url)


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
def account_two_step():
    return _two_step_setup(current_user, signing_in=False, next_url=None)


def _two_step_setup(user, signing_in: bool, next_url: str | None):
    form = CodeForm()
    if request.method == "GET" and (request.args.get("again") or not two_step.is_enabled(db.session, user)):
        two_step.begin(db.session, user)
    found = two_step.credential(db.session, user)
    if form.validate_on_submit():
        with refusals(form):
            codes = two_step.enable(db.session, user, form.code.data)
            if signing_in:
                _sign_in(user, next_url)
            return render("auth/recovery_codes.html", codes=codes, next_url=next_url or _home_url())
    setting_up = found if found is not None and found.enabled_at is None else None
    uri = two_step.provisioning_uri(setting_up, user, current_app.config["PORTAL_NAME"]) if setting_up else None
    return render(
        "auth/two_step_setup.html",
        form_status(form),
        form=form,
        signing_in=signing_in,
        enabled_at=found.enabled_at if found is not None else None,
        secret=setting_up.secret if setting_up else None,
        qr_code=two_step.qr_code_image(uri) if uri else None,
    )


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
def confirm_sign_in():
    """The password (and code) again before opening a page that needs a fresh sign-in; then on to it."""
    next_url = safe_next(request.args.get("next")) or _home_url()
    form = fresh.confirm_form()
    if form.validate_on_submit():
        with refusals(form):
            fresh.confirm(form)
            return redirect(next_url, code=303)
    return fresh.confirm_screen(form, request.full_path.rstrip("?"), [], form_status(form))


@bp.post("/logout")
@login_required
def logout():
    accounts.end_session(db.session, cookie_session.get("sid"), user=current_user, ip_address=request.remote_addr)
    logout_user()
    cookie_session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with refusals(form):
            accounts.change_password(
                db.session,
                current_user,
                form.current_password.data,
                form.password.data,
                request.remote_addr or "",
                settings.current().accounts,
            )
            # Every session ended with the change; this device carries on in a new one.
            cookie_session["sid"] = accounts.start_session(
                db.session, current_user, request.remote_addr, request.user_agent.string
            )
            flash("Your password has been changed. Any other device you were signed in on is signed out.", "success")
            return redirect_after_post(_home_url())
    return render("auth/change_password.html", form_status(form), form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The same words, in the same time, whether or not the address has an account: the address is
        # looked up, and any link queued, only once the answer has gone.
        flash(
            "If that email has an account, we have sent it a link to reset the password. "
            "The link works once, for a limited time.",
            "success",
        )
        response = redirect(url_for("auth.login"), code=303)
        app, email, limits = current_app._get_current_object(), form.email.data, settings.current().accounts

        def reset_when_answered() -> None:
            with app.app_context():
                accounts.request_password_reset(db.session, email, limits)

        response.call_on_close(reset_when_answered)
        return response
    return render("auth/forgot_password.html", form_status(form), form=form)


def _set_password_screen(purpose: str, token: str, complete, title: str, done_message: str):
    try:
        record = accounts.find_token(db.session, token, purpose)
    except NotFound:
        return render("auth/link_expired.html", 404, purpose=purpose)
    form = NewPasswordForm()
    if form.validate_on_submit():
        with refusals(form):
            complete(db.session, token, form.password.data)
            if current_user.is_authenticated:
                logout_user()
            cookie_session.clear()
            flash(done_message, "success")
            return redirect(url_for("auth.login"), code=303)
    return render(
        "auth/set_password.html",
        form_status(form),
        form=form,
        title=title,
        account=record.user,
        purpose=purpose,
    )


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password_screen(
        "reset",
        token,
        accounts.reset_password,
        "Choose a new password",
        "Your password has been changed. Sign in with the new one.",
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _set_password_screen(
        "invitation",
        token,
        accounts.accept_invitation,
        "Set up your account",
        "Your account is ready. Sign in with your email and new password.",
    )


@bp.route("/invite", methods=["GET", "POST"])
@login_required
def invite():
    roles = access.invitable_roles(current_user)
    if not roles:
        abort(404)
    form = InvitationForm()
    form.role.choices = [SelectChoice("", "Choose a role")] + [SelectChoice(role.value, role.label) for role in roles]
    if form.validate_on_submit():
        with refusals(form):
            user = accounts.invite(
                db.session,
                current_user,
                form.email.data,
                form.name.data,
                Role(form.role.data),
                settings.current().accounts,
            )
            if user.active:
                message = (
                    f"Invitation sent to {user.email}. The link works once and expires in "
                    f"{current_app.config['INVITATION_DAYS']} days."
                )
            else:
                message = (
                    f"Asked: a case manager sees medical information, so {user.name}'s access waits for another "
                    "case manager's approval. Every case manager has been told; the invitation goes once one approves."
                )
            flash(message, "success")
            return redirect(url_for("auth.invite"), code=303)
    return render("auth/invite.html", form_status(form), form=form)
