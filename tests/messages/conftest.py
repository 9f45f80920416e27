"""The people of one case: its employee, its case manager, a treating clinician, the employee's supervisor."""

import io
from dataclasses import dataclass

import pytest

from portal import access
from portal.accounts.models import Role, User
from portal.cases.models import Case
from portal.files.storage import Upload
from portal.messages import operations as messaging
from portal.settings import UploadLimits
from tests import factories


@dataclass
class People:
    case: Case
    employee: User
    manager: User
    clinician: User
    supervisor: User
    admin: User


@pytest.fixture
def people(db_session) -> People:
    supervisor = factories.user(db_session, Role.SUPERVISOR, name="Sam Supervisor")
    employee = factories.user(db_session, Role.EMPLOYEE, name="Alex Employee", supervisor_id=supervisor.id)
    manager = factories.user(db_session, Role.CASE_MANAGER, name="Morgan Manager")
    clinician = factories.user(db_session, Role.CLINICIAN, name="Dr Casey Lee")
    case = factories.case(db_session, employee=employee, case_manager=manager)
    factories.authorisation(db_session, case, clinician)
    admin = factories.user(db_session, Role.ADMIN)
    db_session.commit()
    return People(case, employee, manager, clinician, supervisor, admin)


@pytest.fixture
def limits(app, tmp_path):
    return UploadLimits(upload_folder=str(tmp_path / "uploads"), max_bytes=64 * 1024, max_files=3)


def upload(content: bytes, name: str) -> Upload:
    return Upload(io.BytesIO(content), name)


def send(db_session, author, case, body, limits, *uploads, clinician_id=None, **options):
    """``author`` writes in their conversation on ``case`` (a case manager: with the employee, or the clinician)."""
    thread = access.get_thread(db_session, author, case.id, clinician_id=clinician_id)
    return messaging.send_message(db_session, author, thread, body, list(uploads), limits, **options)
