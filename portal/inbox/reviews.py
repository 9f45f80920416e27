"""Opening an item to review it: allowed by the access policy, and recorded, since it may hold medical content."""

from portal import access
from portal.accounts.models import User
from portal.audit import operations as audit
from portal.items.models import Submission


def open_for_review(session, user: User, submission_id: int, ip_address: str | None) -> Submission:
    """The item ``user`` opened, with its viewing recorded in the audit log and committed."""
    item = access.get_submission(session, user, submission_id)
    audit.record_reading(session, user, item, ip_address)
    return item
