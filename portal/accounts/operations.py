"""Accounts: sign-in with throttling, server-side sessions, password reset and invitations."""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache, lru_cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn_rs_py import zxcvbn

from portal.access import invitable_roles
from portal.accounts import two_step
from portal.accounts.models import AccessGrant, AccountToken, LoginAttempt, Role, User, UserSession
from portal.audit import operations as audit
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput, NotFound, Throttled
from portal.mail import notifications
from portal.settings import AccountSettings

# zxcvbn's 0 to 4: 3 is "safely unguessable" (10^8 guesses or more), what an online attacker cannot reach.
MIN_PASSWORD_SCORE = 3
RESETS_PER_HOUR = 3
MIN_PASSWORD_LENGTH = 12
# last_seen_at is written at most this often, so that every request is not a write.
_TOUCH_EVERY = timedelta(seconds=60)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_new_password(password: str, email: str = "", name: str = "") -> None:
    """A long passphrase that is hard to guess is the rule; composition rules only make passwords worse
    (NIST 800-63B). zxcvbn estimates how guessable it is from common passwords, words, names, keyboard
    rows, sequences and dates, and from the person's own email and name, and says why in plain words."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Use at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    if len(password) > 256:
        raise InvalidInput("Use at most 256 characters.", field="password")
    if email and normalise_email(password) == normalise_email(email):
        raise InvalidInput("Your password must not be your email address.", field="password")
    estimate = zxcvbn(password, [part for part in (email, email.split("@")[0], *name.split()) if part])
    if int(estimate.score) < MIN_PASSWORD_SCORE:
        why = str(estimate.feedback.warning) if estimate.feedback and estimate.feedback.warning else ""
        raise InvalidInput(
            f"{why} This password would be easy to guess: a few unrelated words make a strong, memorable one.".strip(),
            field="password",
        )


def hash_password(password: str) -> str:
    """A password's hash by the configured method: scrypt, slow on purpose (tests configure a fast one)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@lru_cache
def _dummy_hash(method: str) -> str:
    # Checked against when the email has no account, so that timing does not tell.
    return generate_password_hash("not-a-real-password", method=method)


def set_password(session, user: User, password: str) -> None:
    """Set a new password and end every session the user had."""
    check_new_password(password, user.email, user.name or "")
    user.password_hash = hash_password(password)
    end_all_sessions(session, user)


def change_password(
    session, user: User, current_password: str, new_password: str, ip_address: str, settings: AccountSettings
) -> None:
    """A signed-in user's new password, once the current one is proven as a sign-in would prove it
    (a wrong one counts towards throttling, so a borrowed session cannot guess it).

    Every session ends, on every device: the caller starts a new one for this device.
    """
    if authenticate(session, user.email, current_password or "", ip_address, settings) != user:
        raise InvalidInput("Your current password is not right.", field="current_password")
    set_password(session, user, new_password)
    audit.record(
        session, actor=user, action="password_changed", object_type="user", object_id=user.id, ip_address=ip_address
    )
    session.commit()


# --- sign-in -----------------------------------------------------------------


def _failures_since(session, condition, since: datetime) -> tuple[int, datetime | None]:
    count, oldest = session.execute(
        select(func.count(LoginAttempt.id), func.min(LoginAttempt.at)).where(condition, LoginAttempt.at >= since)
    ).one()
    return count, oldest


def authenticate(
    session, email: str, password: str, ip_address: str, settings: AccountSettings, now: datetime | None = None
) -> User | None:
    """The active user with these credentials, or None. Raises Throttled after too many failures.

    Guessing is throttled for one account from one address, for one address whatever the accounts,
    and, at a much higher ceiling, for one account from everywhere: someone guessing from elsewhere
    cannot lock the owner out, and the owner can always reset their password, which clears the count.
    The same answer, and about the same time, whether or not the email has an account.
    """
    now = now or utcnow()
    email = normalise_email(email)
    since = now - settings.throttle_window
    for condition, limit in (
        ((LoginAttempt.email == email) & (LoginAttempt.ip_address == ip_address), settings.max_failures_per_account),
        (LoginAttempt.ip_address == ip_address, settings.max_failures_per_address),
        (LoginAttempt.email == email, settings.max_failures_per_account_anywhere),
    ):
        count, oldest = _failures_since(session, condition, since)
        # No failure at all (oldest is None) is never too many, even with a limit of 0.
        if oldest is not None and count >= limit:
            retry_after = max(1, int((oldest + settings.throttle_window - now).total_seconds()))
            raise Throttled(
                "Too many sign-in attempts. Wait a few minutes and try again, or reset your password.",
                retry_after=retry_after,
            )
    user = session.scalar(select(User).where(User.email == email))
    known = user.password_hash if user and user.password_hash else None
    password_ok = check_password_hash(known or _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
    if user is None or not user.password_hash or not password_ok or not user.active:
        session.add(LoginAttempt(email=email, ip_address=ip_address, at=now))
        audit.record(
            session,
            actor=None,
            action="sign_in_failed",
            object_type="user",
            object_id=user.id if user else None,
            ip_address=ip_address,
        )
        session.commit()
        return None
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    return user


def confirm_identity(session, user: User, password: str, code: str, ip_address: str, settings: AccountSettings) -> None:
    """The signed-in person proves again that they are themselves: their password, and their code if they
    sign in in two steps. Guesses count, and are throttled, as sign-in's do. Refused with InvalidInput."""
    if authenticate(session, user.email, password, ip_address, settings) is None:
        raise InvalidInput("That password is not right. Enter the one you sign in with.", field="password")
    if two_step.is_enabled(session, user):
        if not (code or "").strip():
            raise InvalidInput("Enter the code from your authenticator app.", field="code")
        two_step.verify(session, user, code.strip(), ip_address)
    audit.record(
        session, actor=user, action="sign_in_confirmed", object_type="user", object_id=user.id, ip_address=ip_address
    )
    session.commit()


def start_session(
    session, user: User, ip_address: str | None, user_agent: str | None, now: datetime | None = None
) -> str:
    """Open a server-side session; the returned token goes in the session cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=_hash_token(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            ip_address=ip_address,
            user_agent=(user_agent or "")[:300],
        )
    )
    audit.record(session, actor=user, action="signed_in", object_type="user", object_id=user.id, ip_address=ip_address)
    session.commit()
    return token


def user_for_session(session, token: str | None, settings: AccountSettings, now: datetime | None = None) -> User | None:
    """The signed-in user for a session token, or None if it ended, idled out, outlived its lifetime or
    never was."""
    if not token:
        return None
    now = now or utcnow()
    record = session.scalar(_session_with_user(), {"token_hash": _hash_token(token)})
    if record is None or record.ended_at is not None or not record.user.active:
        return None
    if now - record.last_seen_at > settings.idle_timeout or now - record.created_at > settings.lifetime:
        record.ended_at = now
        session.commit()
        return None
    if now - record.last_seen_at > _TOUCH_EVERY:
        record.last_seen_at = now
        session.commit()
    return record.user


@cache
def _session_with_user():
    """The person with their session, in one round trip, by a statement built once: every request asks."""
    return (
        select(UserSession)
        .options(joinedload(UserSession.user))
        .where(UserSession.token_hash == bindparam("token_hash", type_=UserSession.token_hash.type))
    )


def end_session(
    session, token: str | None, now: datetime | None = None, user: User | None = None, ip_address: str | None = None
) -> None:
    """Sign out: the session record ends for good, and ``user`` signing out is audited."""
    if user is not None:
        audit.record(
            session, actor=user, action="signed_out", object_type="user", object_id=user.id, ip_address=ip_address
        )
    if token:
        session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _hash_token(token), UserSession.ended_at.is_(None))
            .values(ended_at=now or utcnow())
        )
    session.commit()


def end_all_sessions(session, user: User, now: datetime | None = None) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )


def spend_links(session, user: User, now: datetime | None = None, purpose: str | None = None) -> None:
    """Make the unused one-time links of ``user`` stop working: every one, or those for ``purpose``."""
    spent = update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
    if purpose is not None:
        spent = spent.where(AccountToken.purpose == purpose)
    # Not matched against every object the session holds (a roster load holds thousands): tokens are never
    # kept loaded across this, and the commit that follows expires them anyway.
    session.execute(spent.values(used_at=now or utcnow()).execution_options(synchronize_session=False))


# --- one-time tokens: password reset and invitations --------------------------


def _issue_token(session, user: User, purpose: str, lifetime: timedelta, created_by: User | None, now: datetime) -> str:
    spend_links(session, user, now, purpose)  # a new link replaces any earlier unused one of the same purpose
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            purpose=purpose,
            token_hash=_hash_token(token),
            user=user,
            created_by=created_by,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def find_token(session, token: str, purpose: str, now: datetime | None = None) -> AccountToken:
    """The unused, unexpired token, or NotFound (the page says the link is no longer valid)."""
    now = now or utcnow()
    record = session.scalar(
        select(AccountToken).where(AccountToken.token_hash == _hash_token(token), AccountToken.purpose == purpose)
    )
    if record is None or record.used_at is not None or record.expires_at <= now:
        raise NotFound("This link has expired or has already been used.")
    return record


def request_password_reset(session, email: str, settings: AccountSettings, now: datetime | None = None) -> None:
    """Email a reset link if the address has an active account; say nothing either way. At most
    ``RESETS_PER_HOUR`` links an hour go to one person: asking thirty times sends three emails, not thirty."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active or user.password_hash is None:
        return
    recent = session.scalar(
        select(func.count(AccountToken.id)).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == "reset",
            AccountToken.created_at > now - timedelta(hours=1),
        )
    )
    if recent >= RESETS_PER_HOUR:
        return
    token = _issue_token(session, user, "reset", settings.reset_lifetime, None, now)
    audit.record(session, actor=None, action="password_reset_requested", object_type="user", object_id=user.id)
    notifications.queue(
        session, user.email, "password_reset", user=user, token=token, expires_at=now + settings.reset_lifetime
    )
    session.commit()


def _set_password_with(session, token: str, purpose: str, password: str, action: str, now: datetime | None) -> User:
    """Use a one-time link to set the password; the link is spent only if the password is accepted."""
    now = now or utcnow()
    record = find_token(session, token, purpose, now)
    set_password(session, record.user, password)
    record.used_at = now
    audit.record(session, actor=record.user, action=action, object_type="user", object_id=record.user.id)
    session.commit()
    return record.user


def reset_password(session, token: str, password: str, now: datetime | None = None) -> User:
    """Set a new password with a reset link: the owner's way back in, so it also clears the failed sign-ins
    that throttle their account."""
    user = _set_password_with(session, token, "reset", password, "password_reset", now)
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    session.commit()
    return user


def valid_email(email: str) -> str:
    """The address normalised, or InvalidInput for the email field."""
    try:
        # .test addresses allowed: the demo uses them, and a real bounce shows in the outbox anyway.
        return validate_email(email or "", check_deliverability=False, test_environment=True).normalized.lower()
    except EmailNotValidError:
        raise InvalidInput("Enter an email address like name@example.com.", field="email") from None


def invite(
    session,
    inviter: User,
    email: str,
    name: str,
    role: Role,
    settings: AccountSettings,
    now: datetime | None = None,
    **profile,
) -> User:
    """Create an account without a password and email a one-time link to set it. A role that sees medical
    content is not given by one person: the account waits, signed out, for another case manager's approval
    (``grants``), and its link is sent only then."""
    if role not in invitable_roles(inviter):
        raise InvalidInput("You cannot invite someone with that role.", field="role")
    email = valid_email(email)
    existing = session.scalar(select(User).where(User.email == email))
    if existing is not None and existing.password_hash is not None:
        raise InvalidInput("Someone with this email already has an account.", field="email")
    if role in MEDICAL_ROLES:
        if existing is not None:
            raise InvalidInput("This email already has an invitation waiting.", field="email")
        if not approvers(session, inviter):
            raise InvalidInput(NO_APPROVER)
        profile = {key: profile.pop(key) for key in ("organisation", "phone", "department") if key in profile}
        user = User(email=email, name=name.strip(), role=role, active=False, **profile)
        session.add(user)
        session.flush()
        request_access(session, inviter, user, now)
    else:
        user = send_invitation(session, inviter, email, name, role, settings, now, **profile)
    session.commit()
    return user


# Roles that see medical content: given only when another person who holds the role approves.
MEDICAL_ROLES = {Role.CASE_MANAGER}


NO_APPROVER = (
    "No case manager can approve this yet. The first case manager is made on the server with "
    "flask portal create-user; after that, each new one needs another's approval."
)


def approvers(session, requester: User, user: User | None = None) -> list[User]:
    """Who may approve giving ``user`` a medical role: every active case manager but the two people asked about."""
    excluded = [requester.id] + ([user.id] if user is not None else [])
    return list(
        session.scalars(
            select(User).where(User.role == Role.CASE_MANAGER, User.active.is_(True), User.id.not_in(excluded))
        )
    )


def request_access(session, requester: User, user: User, now: datetime | None = None) -> AccessGrant:
    """Ask the case managers to approve giving ``user`` their role; every one of them is told. The caller commits."""
    told = approvers(session, requester, user)
    if not told:
        raise InvalidInput(NO_APPROVER)
    grant = AccessGrant(user=user, role=user.role, requested_by=requester, requested_at=now or utcnow())
    session.add(grant)
    session.flush()
    for approver in told:
        notifications.queue(session, approver.email, "access_requested", grant=grant, approver=approver)
    audit.record(
        session, actor=requester, action="access_requested", object_type="user", object_id=user.id, detail=user.role
    )
    return grant


def send_invitation(
    session,
    inviter: User | None,
    email: str,
    name: str,
    role: Role,
    settings: AccountSettings,
    now: datetime | None = None,
    template: str = "invitation",
    **context,
) -> User:
    """Create the invited account if it is new, and queue its one-time link; the caller commits.

    Profile fields (organisation, phone...) in ``context`` that the User model has are set on a new account.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        profile = {key: context.pop(key) for key in ("organisation", "phone", "department") if key in context}
        user = User(email=email, name=name.strip(), role=role, active=True, **profile)
        session.add(user)
        session.flush()
    token = _issue_token(session, user, "invitation", settings.invitation_lifetime, inviter, now)
    notifications.queue(
        session,
        user.email,
        template,
        user=user,
        inviter=inviter,
        token=token,
        expires_at=now + settings.invitation_lifetime,
        **context,
    )
    audit.record(session, actor=inviter, action="invited", object_type="user", object_id=user.id, detail=role)
    return user


def accept_invitation(session, token: str, password: str, now: datetime | None = None) -> User:
    return _set_password_with(session, token, "invitation", password, "invitation_accepted", now)


def create_user(session, email: str, name: str, role: Role, password: str, **profile) -> User:
    """Create an active account directly (the create-user and seed commands)."""
    email = normalise_email(email)
    if session.scalar(select(User).where(User.email == email)):
        raise InvalidInput("Someone with this email already has an account.", field="email")
    check_new_password(password, email, name)
    user = User(email=email, name=name, role=role, password_hash=hash_password(password), active=True, **profile)
    session.add(user)
    session.flush()
    return user
