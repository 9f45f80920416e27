"""Signing in and out, passwords, invitations."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask import session as cookie_session
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from portal import access, settings
from portal.accounts import operations as accounts
from portal.accounts.forms import ChangePasswordForm, ForgotPasswordForm, InvitationForm, LoginForm, NewPasswordForm
from portal.accounts.models import Role
from portal.core.errors import NotFound
from portal.extensions import db
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
            cookie_session.clear()
            cookie_session["sid"] = accounts.start_session(
                db.session, user, request.remote_addr, request.user_agent.string
            )
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or _home_url(), code=303)
    return render("auth/login.html", form_status(form), form=form)


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
