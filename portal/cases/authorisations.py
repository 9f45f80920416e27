"""An employee's authorisation of their treating clinician for a case, and its revocation.

A clinician sees a case only while an authorisation is live (between its dates
and not revoked) and only what its scope covers; access.py reads these rows.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts import operations as accounts
from portal.accounts.models import Role, User
from portal.audit import operations as audit
from portal.cases.models import AuthorisationScope, Case, CaseParticipant
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput, NotFound
from portal.mail import notifications
from portal.settings import AccountSettings

DEFAULT_LENGTH = timedelta(days=365)


def authorise(
    session,
    actor: User,
    case: Case,
    name: str,
    practice: str,
    email: str,
    phone: str,
    scope: str,
    valid_from: date | None,
    valid_until: date | None,
    settings: AccountSettings,
    now: datetime | None = None,
) -> CaseParticipant:
    """Authorise a treating clinician for ``case``, inviting them if they have no account yet.

    The employee does this for their own case; a case manager may do it for any case.
    """
    now = now or utcnow()
    if not (actor.id == case.employee_id or actor.role == Role.CASE_MANAGER):
        raise NotFound()
    problems = {}
    if not (name or "").strip():
        problems["name"] = "Enter the clinician's name."
    try:
        email = accounts.valid_email(email)
    except InvalidInput as error:
        problems.update(error.problems)
    scope = AuthorisationScope(scope)
    valid_from = valid_from or now.date()
    valid_until = valid_until or valid_from + DEFAULT_LENGTH
    if valid_until <= valid_from:
        problems["valid_until"] = "The end date must be after the start date."
    if problems:
        raise InvalidInput(problems=problems)
    if _live(session, case, email, now.date()) is not None:
        raise InvalidInput("This email is already authorised for this case.", field="email")
    clinician = session.scalar(select(User).where(User.email == email))
    if clinician is not None and clinician.role != Role.CLINICIAN:
        # Said as for an address new to the portal, so that naming one never tells whose it is or what it
        # may do; its owner learns their address was named (never by whom or for what), and it gives no access.
        notifications.queue(session, email, "address_not_a_clinician")
        clinician = None
    elif clinician is None or clinician.password_hash is None:
        clinician = accounts.send_invitation(
            session,
            actor,
            email,
            name,
            Role.CLINICIAN,
            settings,
            now,
            template="clinician_invitation",
            organisation=practice.strip() or None,
            phone=phone.strip() or None,
            case=case,
        )
    else:
        notifications.queue(session, clinician.email, "clinician_authorised", clinician=clinician, case=case)
    participant = CaseParticipant(
        case=case,
        clinician=clinician,
        named_as=name.strip(),
        named_practice=practice.strip() or None,
        named_email=email,
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
        granted_by_id=actor.id,
        granted_at=now,
    )
    session.add(participant)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="clinician_authorised" if participant.gives_access else "clinician_named_at_another_account",
        object_type="case_participant",
        object_id=participant.id,
        case_id=case.id,
        detail=f"{scope} {valid_from}..{valid_until}",
    )
    session.commit()
    return participant


def _live(session, case: Case, email: str, today: date) -> CaseParticipant | None:
    return session.scalar(
        select(CaseParticipant).where(
            CaseParticipant.case_id == case.id,
            CaseParticipant.named_email == email,
            CaseParticipant.revoked_at.is_(None),
            CaseParticipant.valid_until >= today,
        )
    )


def authorisation(session, actor: User, case: Case, participant_id: int) -> CaseParticipant:
    """One authorisation on ``case``, for the case's employee (or a case manager) to manage."""
    participant = session.get(CaseParticipant, participant_id)
    allowed = actor.id == case.employee_id or actor.role == Role.CASE_MANAGER
    if participant is None or participant.case_id != case.id or not allowed:
        raise NotFound()
    return participant


def revoke(session, actor: User, case: Case, participant_id: int, now: datetime | None = None) -> CaseParticipant:
    """End an authorisation on ``case`` at once. Only the case's employee (or a case manager) may."""
    now = now or utcnow()
    participant = authorisation(session, actor, case, participant_id)
    if participant.revoked_at is None:
        participant.revoked_at = now
        participant.revoked_by_id = actor.id
        audit.record(
            session,
            actor=actor,
            action="clinician_authorisation_revoked",
            object_type="case_participant",
            object_id=participant.id,
            case_id=participant.case_id,
        )
        session.commit()
    return participant


def for_case(session, case: Case) -> list[CaseParticipant]:
    """Every authorisation on the case, live ones first."""
    rows = session.scalars(
        select(CaseParticipant)
        .where(CaseParticipant.case_id == case.id)
        .options(joinedload(CaseParticipant.clinician))
        .order_by(CaseParticipant.revoked_at.is_not(None), CaseParticipant.granted_at.desc())
    )
    return list(rows)


def clinician_on(session, case: Case, clinician_id: int) -> User:
    """A clinician who is, or was, authorised on the case; anyone else is not found here."""
    participant = session.scalar(
        select(CaseParticipant)
        .where(CaseParticipant.case_id == case.id, CaseParticipant.clinician_id == clinician_id)
        .options(joinedload(CaseParticipant.clinician))
        .limit(1)
    )
    if participant is None:
        raise NotFound()
    return participant.clinician


def is_live(participant: CaseParticipant, today: date) -> bool:
    return participant.revoked_at is None and participant.valid_from <= today <= participant.valid_until


def ended_for(session, clinician: User, case_id: int, today: date) -> CaseParticipant | None:
    """The clinician's last authorisation for the case, when it has ended (stopped, or run out) and no
    other is in effect: what to tell a clinician who was writing a report as it ended."""
    authorisations = list(
        session.scalars(
            select(CaseParticipant)
            .where(CaseParticipant.case_id == case_id, CaseParticipant.clinician_id == clinician.id)
            .options(joinedload(CaseParticipant.case))
            .order_by(CaseParticipant.granted_at.desc())
        )
    )
    if not authorisations or any(is_live(participant, today) for participant in authorisations):
        return None
    return authorisations[0]
