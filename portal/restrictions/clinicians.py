"""Whether a treating clinician is who they say: a case manager confirms a licence or an NPI.

Anyone can be named as a treating clinician (an employee names them, by email). Until a case
manager has checked a licence number and the state that issued it, or a National Provider
Identifier, against the issuing board or the NPPES registry and recorded it here, the clinician is
unverified: their reports say so on every screen, come in at no more than routine priority, and
cannot be accepted as the case's restrictions.
"""

from datetime import datetime

from sqlalchemy import select

from portal.accounts.models import ClinicianCredential, Role, User
from portal.audit import operations as audit
from portal.core.columns import utcnow
from portal.core.errors import InvalidInput, NotFound
from portal.items.deadlines import priority_at
from portal.items.models import OPEN_STATUSES, Submission, SubmissionKind
from portal.restrictions import operations as restrictions
from portal.restrictions.models import RestrictionReport

# The states, the District of Columbia and the territories whose boards license clinicians.
STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI"
).split()


def npi_is_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit of the other nine behind the prefix 80840 (CMS)."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return False
    total = 0
    for position, digit in enumerate(reversed("80840" + npi[:9])):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10 == int(npi[9])


def credential_of(session, clinician: User) -> ClinicianCredential | None:
    return session.get(ClinicianCredential, clinician.id)


def credentials_for(session, clinician_ids) -> dict[int, ClinicianCredential]:
    """The confirmed credentials of these clinicians, by clinician id: one query, however many."""
    ids = set(clinician_ids)
    if not ids:
        return {}
    rows = session.scalars(select(ClinicianCredential).where(ClinicianCredential.clinician_id.in_(ids)))
    return {row.clinician_id: row for row in rows}


def refusal_to_accept(session, submission: Submission) -> str | None:
    """Why a report cannot be accepted yet, if it cannot: its clinician is unverified."""
    if credential_of(session, submission.submitted_by) is not None:
        return None
    return (
        f"{submission.submitted_by.name} is not a verified clinician yet, so this report cannot become the case's "
        "restrictions. Check their licence or NPI and confirm them on the case page first."
    )


def report_priority(session, clinician: User, work_status: str) -> int:
    """A report's inbox priority: by its work status, once its clinician is confirmed; routine before."""
    return restrictions.priority(work_status) if credential_of(session, clinician) is not None else 0


def confirm(
    session,
    case_manager: User,
    clinician: User,
    licence_number: str,
    licence_state: str,
    npi: str,
    now: datetime | None = None,
) -> ClinicianCredential:
    """Record what the case manager checked (a licence and its state, an NPI, or both), audited; the
    clinician's reports still open take the priority their work status warrants."""
    if clinician.role != Role.CLINICIAN:
        raise NotFound()
    licence_number, licence_state, npi = licence_number.strip(), licence_state.strip().upper(), npi.strip()
    problems = {}
    if not licence_number and not npi:
        problems["licence_number"] = "Enter the licence number and the state that issued it, or the NPI."
    if licence_number and licence_state not in STATES:
        problems["licence_state"] = "Choose the state that issued the licence."
    if npi and not npi_is_valid(npi):
        problems["npi"] = "An NPI is 10 digits, the last a check digit: check it against the NPPES registry."
    if problems:
        raise InvalidInput(problems=problems)
    now = now or utcnow()
    credential = credential_of(session, clinician) or ClinicianCredential(clinician_id=clinician.id)
    credential.licence_number = licence_number or None
    credential.licence_state = licence_state if licence_number else None
    credential.npi = npi or None
    credential.verified_at, credential.verified_by_id = now, case_manager.id
    session.add(credential)
    audit.record(
        session,
        actor=case_manager,
        action="clinician_confirmed",
        object_type="user",
        object_id=clinician.id,
        detail=credential.described,
    )
    waiting = session.execute(
        select(Submission, RestrictionReport.work_status)
        .join(RestrictionReport, RestrictionReport.submission_id == Submission.id)
        .where(
            Submission.submitted_by_id == clinician.id,
            Submission.kind == SubmissionKind.RESTRICTION_REPORT,
            Submission.status.in_(OPEN_STATUSES),
        )
    )
    for submission, work_status in waiting:
        submission.priority = restrictions.priority(work_status)
        submission.priority_at = priority_at(submission.kind, submission.priority, submission.due_at)
    session.commit()
    return credential
