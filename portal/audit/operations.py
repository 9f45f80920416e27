"""The audit trail: append-only, written in the caller's transaction."""

from portal.accounts.models import User
from portal.audit.models import AuditEvent


def record(
    session,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    case_id: int | None = None,
    ip_address: str | None = None,
    detail: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        ip_address=ip_address,
        detail=detail,
    )
    session.add(event)
    return event
