"""Two-step sign-in: after the password, a six-digit code from an authenticator app (TOTP, RFC 6238), or
one of ten one-time recovery codes. Required for the roles that see medical content or manage who does
(TWO_STEP_REQUIRED_ROLES: case managers and admins), open to everyone else."""

import base64
import hashlib
import secrets
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import delete, select

from portal.accounts.models import RecoveryCode, TwoStep, User
from portal.audit import operations as audit
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput

RECOVERY_CODES = 10
WRONG_CODE = "That code is not right. Enter the six digits your app shows now, or one of your recovery codes."


def credential(session, user: User) -> TwoStep | None:
    return session.get(TwoStep, user.id)


def is_enabled(session, user: User) -> bool:
    found = credential(session, user)
    return found is not None and found.enabled_at is not None


def required(user: User, roles: frozenset[str]) -> bool:
    return user.role in roles


def begin(session, user: User) -> TwoStep:
    """A new secret to set up (or set up again): it takes effect only once a code from it is entered."""
    found = credential(session, user)
    if found is None or found.enabled_at is not None:
        if found is not None:
            session.delete(found)
            session.flush()
        found = TwoStep(user_id=user.id, secret=pyotp.random_base32())
        session.add(found)
        session.commit()
    return found


def provisioning_uri(found: TwoStep, user: User, issuer: str) -> str:
    return pyotp.TOTP(found.secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_image(uri: str) -> str:
    """The set-up link as a QR code to scan: an SVG drawn here (nothing is sent to anyone else), as a data:
    address for an image, so that the page carries it as a picture, never as markup of its own."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace(" ", "").encode()).hexdigest()


def _step_of(found: TwoStep, code: str, now: datetime) -> int | None:
    """The time step a six-digit code belongs to (this one, or the one either side for a slow clock)."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(found.secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def enable(session, user: User, code: str, now: datetime | None = None) -> list[str]:
    """Turn two-step sign-in on with the first code from the app; the recovery codes, shown once."""
    now = now or utcnow()
    found = credential(session, user)
    step = _step_of(found, code, now) if found is not None else None
    if found is None or step is None:
        raise InvalidInput(WRONG_CODE, field="code")
    found.enabled_at, found.last_step = now, step
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    audit.record(session, actor=user, action="two_step_enabled", object_type="user", object_id=user.id)
    session.commit()
    return codes


def verify(session, user: User, code: str, ip_address: str | None, now: datetime | None = None) -> None:
    """The second step: a code from the app not used before, or an unused recovery code; else refused."""
    now = now or utcnow()
    found = credential(session, user)
    if found is None or found.enabled_at is None:
        raise InvalidInput(WRONG_CODE, field="code")
    step = _step_of(found, code, now)
    if step is not None and (found.last_step is None or step > found.last_step):
        found.last_step = step
        session.commit()
        return
    recovery = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code), RecoveryCode.used_at.is_(None)
        )
    )
    if recovery is None:
        audit.record(
            session, actor=None, action="two_step_failed", object_type="user", object_id=user.id, ip_address=ip_address
        )
        session.commit()
        raise InvalidInput(WRONG_CODE, field="code")
    recovery.used_at = now
    audit.record(
        session, actor=user, action="recovery_code_used", object_type="user", object_id=user.id, ip_address=ip_address
    )
    session.commit()
