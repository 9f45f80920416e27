"""The roster of accounts, as admins see it: no medical content, ever."""
from sqlalchemy import exists, select

from portal.models import AccountToken, User
from portal.models.base import utcnow
from portal.services.pagination import Page, paginate


def accounts_page(session, page: int, per_page: int, now=None) -> Page:
    """Accounts by name, each with whether an invitation is still waiting to be accepted."""
    now = now or utcnow()
    pending = (exists().where(AccountToken.user_id == User.id, AccountToken.purpose == "invitation",
                              AccountToken.used_at.is_(None), AccountToken.expires_at > now)
               .label("invitation_pending"))
    return paginate(session, select(User, pending).order_by(User.name, User.id), page, per_page)
