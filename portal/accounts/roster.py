"""The roster of accounts, as admins see it and change it: no medical content, ever."""

import re
from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts import grants
from portal.accounts import operations as accounts
from portal.accounts.models import AccessGrant, AccountToken, Role, User
from portal.accounts.search import named
from portal.audit import operations as audit
from portal.core.columns import utcnow
from portal.core.errors import Conflict, InvalidInput, NotFound
from portal.core.pagination import Page, paginate
from portal.items import lifecycle as submissions
from portal.settings import AccountSettings


def accounts_page(session, page: int, per_page: int, term: str = "", now=None) -> Page:
    """Accounts by name, each with whether an invitation is still waiting to be accepted.

    With ``term``: the people whose email starts with it, or whose name has words starting with
    each of its words, as a program of thousands needs to find the one who left.
    """
    now = now or utcnow()
    pending = invitation_pending(now)
    awaiting_approval = (
        exists().where(AccessGrant.user_id == User.id, AccessGrant.decided_at.is_(None)).label("awaiting_approval")
    )
    query = select(User, pending, awaiting_approval).order_by(User.name, User.id)
    term = term.strip()
    if term:
        # LIKE for the email, not a range: outside the "C" collation a range can miss addresses
        # with punctuation. The list is an admin's, of thousands at most, so a scan is cheap.
        email_start = re.sub(r"([\\%_])", r"\\\1", term.lower()) + "%"
        query = query.where(or_(User.email.like(email_start, escape="\\"), and_(*named(User.id, term))))
    return paginate(session, query, page, per_page)


def invitation_pending(now: datetime):
    """A column of a query of accounts: whether one has an invitation link still waiting to be used."""
    return (
        exists()
        .where(
            AccountToken.user_id == User.id,
            AccountToken.purpose == "invitation",
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        )
        .label("invitation_pending")
    )


def account(session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def actions_for(admin: User, user: User, awaiting_approval: bool = False) -> set[str]:
    """What ``admin`` may do to ``user``'s account now: the accounts list offers these, and each
    action checks them again. Nothing on their own account, so that no admin locks themselves out,
    and nothing while a case manager is still to approve the account's access."""
    if user.id == admin.id or awaiting_approval:
        return set()
    if not user.active:
        return {"reactivate"}
    return {"deactivate", "invite_again"} if user.password_hash is None else {"deactivate"}


def items_held(session, user: User) -> int:
    """How many open items would go back to the unassigned queue if ``user`` were deactivated."""
    return len(submissions.held_by(session, user)) if user.role == Role.CASE_MANAGER else 0


def deactivate(session, admin: User, user: User, now: datetime | None = None) -> int:
    """Stop an account at once: it can no longer sign in, its sessions and unused links end, and a
    case manager's open items go back to the unassigned queue. Returns how many went back.

    The account and everything it did stay, for the record; reactivating it undoes the stop.
    """
    if "deactivate" not in actions_for(admin, user, grants.pending_for(session, user) is not None):
        raise InvalidInput(
            "You cannot deactivate your own account. Ask another admin."
            if user.id == admin.id
            else f"{user.name}'s account is already deactivated."
        )
    now = now or utcnow()
    user.active = False
    accounts.end_all_sessions(session, user, now)
    accounts.spend_links(session, user, now)
    released = submissions.release_all(session, user, admin, now) if user.role == Role.CASE_MANAGER else 0
    audit.record(
        session,
        actor=admin,
        action="account_deactivated",
        object_type="user",
        object_id=user.id,
        detail=f"{released} open items returned to the unassigned queue" if released else None,
    )
    try:
        session.commit()
    except StaleDataError:  # a colleague acted on one of their items in the same moment
        session.rollback()
        raise Conflict(
            f"One of {user.name}'s items changed as you pressed the button, so nothing was done. Try again."
        ) from None
    return released


def reactivate(session, admin: User, user: User) -> bool:
    """Let a deactivated account sign in again with its password (or a new invitation, if it never set one).
    A case manager's account is only asked for: another case manager must approve it (``grants``). Whether
    it is active now."""
    awaiting = grants.pending_for(session, user) is not None
    if "reactivate" not in actions_for(admin, user, awaiting):
        raise InvalidInput(
            f"{user.name}'s account waits for a case manager's approval."
            if awaiting
            else f"{user.name}'s account is already active."
        )
    if user.role in accounts.MEDICAL_ROLES:
        accounts.request_access(session, admin, user)
        session.commit()
        return False
    user.active = True
    audit.record(session, actor=admin, action="account_reactivated", object_type="user", object_id=user.id)
    session.commit()
    return True


def invite_again(session, admin: User, user: User, settings: AccountSettings, now: datetime | None = None) -> None:
    """A new one-time link for someone who has not set up their account; an earlier link stops working."""
    if "invite_again" not in actions_for(admin, user, grants.pending_for(session, user) is not None):
        raise InvalidInput(
            f"{user.name} has already set up their account."
            if user.active
            else f"{user.name}'s account is deactivated. Reactivate it first."
        )
    accounts.send_invitation(session, admin, user.email, user.name, Role(user.role), settings, now)
    session.commit()
