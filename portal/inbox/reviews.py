"""Opening an item to review it: allowed by the access policy, and recorded, since it may hold medical content."""

from portal import access
from portal.accounts.models import User
from portal.audit import operations as audit
from portal.items.models import Submission


def open_for_review(session, user: User, submission_id: int, ip_address: str | None) -> Submission:
    """The item ``user`` opened, with its viewing recorded in the audit log and committed."""
    item = access.get_submission(session, user, submission_id)
    audit.record(
        session,
        actor=user,
        action="submission_viewed",
        object_type="submission",
        object_id=item.id,
        case_id=item.case_id,
        ip_address=ip_address,
    )
    session.commit()
    return item
