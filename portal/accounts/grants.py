"""Granting a role that sees medical content takes two people: whoever asks (an admin inviting a case
manager, or reactivating one) and another case manager who approves. Every case manager is told of
each request and each decision, and both are audited."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts import operations as accounts
from portal.accounts.models import AccessGrant, Role, User
from portal.audit import operations as audit
from portal.core.columns import utcnow
from portal.core.errors import Conflict, NotFound
from portal.mail import notifications
from portal.settings import AccountSettings


def waiting(session) -> list[AccessGrant]:
    """Requests no one has decided yet, oldest first."""
    return list(
        session.scalars(
            select(AccessGrant)
            .where(AccessGrant.decided_at.is_(None))
            .options(joinedload(AccessGrant.user), joinedload(AccessGrant.requested_by))
            .order_by(AccessGrant.requested_at)
        )
    )


def recently_decided(session, limit: int = 20) -> list[AccessGrant]:
    return list(
        session.scalars(
            select(AccessGrant)
            .where(AccessGrant.decided_at.is_not(None))
            .options(joinedload(AccessGrant.user), joinedload(AccessGrant.decided_by))
            .order_by(AccessGrant.decided_at.desc())
            .limit(limit)
        )
    )


def pending_for(session, user: User) -> AccessGrant | None:
    return session.scalar(select(AccessGrant).where(AccessGrant.user_id == user.id, AccessGrant.decided_at.is_(None)))


def decide(
    session,
    approver: User,
    grant_id: int,
    approve: bool,
    settings: AccountSettings,
    now: datetime | None = None,
) -> AccessGrant:
    """Approve (the account becomes active, and a new one gets its invitation) or refuse a request; every
    case manager and whoever asked are told. Nobody decides a request about themselves or that they made."""
    grant = session.get(AccessGrant, grant_id)
    if grant is None or approver.role != Role.CASE_MANAGER:
        raise NotFound()
    if grant.decided_at is not None:
        raise Conflict(f"{grant.decided_by.name if grant.decided_by else 'Someone'} has already decided this request.")
    if approver.id in (grant.requested_by_id, grant.user_id):
        raise Conflict("Another case manager must decide this request: it is about you, or you made it.")
    now = now or utcnow()
    grant.approved, grant.decided_by, grant.decided_at = approve, approver, now
    user = grant.user
    if approve:
        user.active = True
        if user.password_hash is None:
            accounts.send_invitation(
                session, grant.requested_by, user.email, user.name, Role(grant.role), settings, now
            )
    audit.record(
        session,
        actor=approver,
        action="access_granted" if approve else "access_refused",
        object_type="user",
        object_id=user.id,
        detail=f"{grant.role}, asked by user {grant.requested_by_id}",
    )
    # Each told where they read about it: case managers the requests, whoever asked (an admin) their accounts.
    told = {grant.requested_by.email: "admin.home"}
    for manager in session.scalars(select(User).where(User.role == Role.CASE_MANAGER, User.active.is_(True))):
        told[manager.email] = "inbox.access_requests"
    told.pop(user.email, None)
    for address, screen in sorted(told.items()):
        notifications.queue(session, address, "access_decided", grant=grant, link=notifications.portal_url(screen))
    session.commit()
    return grant
