"""The demo people (portal.devtools.demo), how each signs in, and the demo case's restrictions set as a test needs."""

import io

from portal.accounts.models import User
from portal.cases.models import Case
from portal.core.columns import utcnow
from portal.devtools.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.documents import operations as documents
from portal.documents.models import DocumentType
from portal.extensions import db
from portal.inbox import kinds
from portal.items import lifecycle
from portal.restrictions import reports
from portal.restrictions.operations import Limit, ReportInput
from portal.settings import DeadlineSettings, UploadLimits
from tests.factories import pdf_bytes

EMAILS = {role.replace("_", " "): email for email, _name, role in DEMO_ACCOUNTS}  # "case manager": ...


def sign_in_on(page, role: str) -> None:
    """Sign in through the sign-in page as the demo ``role`` ("employee", "case manager", ...)."""
    page.goto("/login")
    page.get_by_label("Email").fill(EMAILS[role])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))


def demo_case_id(portal) -> int:
    """The demo employee's first case."""
    with portal.app.app_context():
        return db.session.scalar(
            db.select(Case.id).join(Case.employee).filter(User.email == EMAILS["employee"]).order_by(Case.id)
        )


def restrictions_in_effect(portal, **limits: Limit) -> None:
    """The demo employee's current restrictions, from today: ``limits`` (Limits by dimension) in a report from
    the demo clinician, accepted by the demo case manager, as the services leave it."""
    with portal.app.app_context():
        clinician = db.session.scalar(db.select(User).filter_by(email=EMAILS["clinician"]))
        manager = db.session.scalar(db.select(User).filter_by(email=EMAILS["case manager"]))
        case = db.session.get(Case, demo_case_id(portal))
        today = utcnow().date()
        item = reports.submit(
            db.session,
            clinician,
            case,
            ReportInput(
                visit_date=today,
                work_status="modified_duty",
                effective_from=today,
                limits=limits,
                diagnoses=[("M54.50", "Low back pain")],
                attested_name="Dr Casey Clinician",
                licence_number="MD-1",
            ),
            None,
            UploadLimits.from_config(portal.app.config),
            DeadlineSettings.from_config(portal.app.config),
        )
        lifecycle.claim(db.session, item, manager, item.version)
        kinds.accept(db.session, item, manager, item.version)


def certification_accepted(portal) -> None:
    """The demo employee sends an FMLA certification and the demo case manager accepts it, as the services leave
    it: the leave can now be designated (and its task is due). It answers no request: the demo's document request
    stays open for the screens that send it."""
    with portal.app.app_context():
        employee = db.session.scalar(db.select(User).filter_by(email=EMAILS["employee"]))
        manager = db.session.scalar(db.select(User).filter_by(email=EMAILS["case manager"]))
        case = db.session.get(Case, demo_case_id(portal))
        item = documents.send_document(
            db.session,
            employee,
            case,
            DocumentType.FMLA_CERTIFICATION,
            None,
            None,
            [documents.Upload(io.BytesIO(pdf_bytes()), "certification.pdf")],
            UploadLimits.from_config(portal.app.config),
            DeadlineSettings.from_config(portal.app.config),
        )
        lifecycle.claim(db.session, item, manager, item.version)
        kinds.accept(db.session, item, manager, item.version)
