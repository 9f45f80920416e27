"""The portal served over real HTTP for the browser: its own database, uploads folder and mail.

Separate from the Flask-client fixtures in tests/conftest.py: another app, another SQLite
file built by the migrations and seeded with the demo data, as `make run` would have it.
"""

import io
import itertools
import re
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from portal import create_app
from portal.accommodations import operations as accommodations
from portal.accounts import operations as accounts
from portal.accounts.models import Role, User
from portal.cases import authorisations
from portal.cases.models import Case, CaseParticipant
from portal.core.columns import utcnow
from portal.devtools import demo
from portal.documents import operations as documents
from portal.documents.models import DocumentType
from portal.extensions import db, mail
from portal.files.storage import Upload
from portal.items import lifecycle as submissions
from portal.items.deadlines import priority_at
from portal.items.models import Submission
from portal.mail import delivery as mailer
from portal.settings import AccountSettings, DeadlineSettings, Settings, UploadLimits
from tests import factories
from tests.factories import FAST_HASH
from tests.smtp import SMTPServer

_variant = itertools.count(1)


def a_new_pdf() -> bytes:
    """A PDF unlike any sent before: the portal refuses a file the case already has."""
    return factories.pdf_bytes(pages=next(_variant))


def a_new_photo() -> bytes:
    """A phone-camera JPEG unlike any sent before."""
    return factories.image_bytes("JPEG", size=(640 + next(_variant), 480))


_RESPONSE = "live_portal.response"


class _RequestHandler(WSGIRequestHandler):
    """Logs errors, not every request: a test's output is about the test."""

    def log_request(self, *args, **kwargs) -> None:
        pass

    def connection_dropped(self, error, environ=None) -> None:
        # The browser hung up mid-response (a file preview that an htmx swap replaced). Werkzeug's
        # development server then skips closing the response, leaking its open file; close it, as
        # gunicorn would.
        response = (environ or {}).get(_RESPONSE)
        if response is not None and hasattr(response, "close"):
            response.close()


def _keeping_response(app):
    def wsgi(environ, start_response):
        environ[_RESPONSE] = app(environ, start_response)
        return environ[_RESPONSE]

    return wsgi


class LivePortal:
    """Started at creation, on a free loopback port; ``base_url`` says where."""

    def __init__(self, folder: Path) -> None:
        self.smtp = SMTPServer()
        self.smtp.start()
        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'portal.sqlite3'}",
                "UPLOAD_FOLDER": str(folder / "uploads"),
                "MAIL_SERVER": self.smtp.host,
                "MAIL_PORT": self.smtp.port,
                "PASSWORD_HASH_METHOD": FAST_HASH,
                # The whole suite sends the demo employee's documents within minutes: more than a person would.
                "MAX_DOCUMENTS_PER_HOUR": 1000,
                # Signing in in two steps has its own browser test, which asks for it.
                "TWO_STEP_REQUIRED_ROLES": frozenset(),
            }
        )
        with self.app.app_context():
            upgrade()
            demo.seed(db.session, Settings.from_config(self.app.config))
        self._server = make_server(
            "127.0.0.1", 0, _keeping_response(self.app), threaded=True, request_handler=_RequestHandler
        )
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self.app.config["PORTAL_BASE_URL"] = self.base_url  # links in emails come back here
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-portal", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        with self.app.app_context():
            db.engine.dispose()
        self.smtp.stop()

    def deliver_mail(self) -> None:
        """What the mail worker would do next: send everything due in the outbox."""
        with self.app.app_context():
            mailer.deliver_due(db.session, mail, "browser-tests")

    def link_in_mail(self, to: str, subject: str) -> str:
        """Deliver the outbox, then the portal path linked in the latest such email to ``to``.

        Some emails are queued just after the answer has gone (a password reset, so that its timing says
        nothing): the outbox is delivered again until the email is there, for a few seconds at most.
        """
        deadline = time.monotonic() + 10
        while True:
            self.deliver_mail()
            for message in reversed(self.smtp.messages):
                if to in message["to"] and message["message"]["Subject"] == subject:
                    body = message["message"].get_body(preferencelist=("plain",)).get_content()
                    link = re.search(re.escape(self.base_url) + r"(/\S*)", body)
                    assert link, f"no portal link in the email {subject!r} to {to}"
                    return link.group(1)
            if time.monotonic() > deadline:
                sent = [(m["to"], m["message"]["Subject"]) for m in self.smtp.messages]
                raise AssertionError(f"no email {subject!r} to {to}; sent: {sent}")
            time.sleep(0.05)

    def create_account(self, email: str, name: str, role: Role, password: str) -> None:
        with self.app.app_context():
            accounts.create_user(db.session, email, name, role, password)
            db.session.commit()

    def _demo_case(self) -> tuple[User, Case]:
        employee = db.session.scalar(select(User).where(User.email == "employee@demo.test"))
        return employee, db.session.scalar(select(Case).where(Case.employee_id == employee.id))

    def authorise_clinician(self, email: str) -> None:
        """The demo employee authorises a clinician who has an account for their case, as on their clinicians page."""
        with self.app.app_context():
            employee, case = self._demo_case()
            clinician = db.session.scalar(select(User).where(User.email == email))
            authorisations.authorise(
                db.session,
                employee,
                case,
                clinician.name,
                "",
                email,
                "",
                "work_status",
                None,
                None,
                AccountSettings.from_config(self.app.config),
            )

    def stop_authorisation(self, email: str) -> None:
        """The demo employee stops the clinician's authorisation, as from another tab."""
        with self.app.app_context():
            employee, case = self._demo_case()
            participant = db.session.scalar(
                select(CaseParticipant).join(CaseParticipant.clinician).where(User.email == email)
            )
            authorisations.revoke(db.session, employee, case, participant.id)

    def new_document(self, note: str) -> str:
        """The demo employee sends a PDF to their case, as the upload form would; its reference."""
        with self.app.app_context():
            employee = db.session.scalar(select(User).where(User.email == "employee@demo.test"))
            case = db.session.scalar(select(Case).where(Case.employee_id == employee.id))
            item = documents.send_document(
                db.session,
                employee,
                case,
                DocumentType.WORK_STATUS_NOTE,
                None,
                note,
                [Upload(io.BytesIO(a_new_pdf()), "work-status.pdf")],
                UploadLimits.from_config(self.app.config),
                DeadlineSettings.from_config(self.app.config),
            )
            return item.reference

    def new_accommodation_request(self, help_wanted: str) -> str:
        """The demo employee asks for an accommodation, as the six steps would send it; its reference."""
        steps = {
            "difficulty": {"difficulty": "Standing all shift makes my back seize up."},
            "tasks": {"tasks_affected": "Line work for eight hours."},
            "help": {"help": [{"category": "equipment", "description": help_wanted}]},
            "duration": {"temporary": "no"},
            "documents": {},
            "contact": {"contact_preference": "email"},
        }
        with self.app.app_context():
            employee, case = self._demo_case()
            for step, values in steps.items():
                problems = accommodations.save_step(db.session, employee, case, step, values)
                assert not problems, problems
            sent = accommodations.send(db.session, employee, case, DeadlineSettings.from_config(self.app.config))
            return sent.reference

    def claim_as(self, email: str, reference: str) -> None:
        """Someone else claims the item behind the browser's back, as from another case manager's tab."""
        with self.app.app_context():
            actor = db.session.scalar(select(User).where(User.email == email))
            item = db.session.scalar(select(Submission).where(Submission.reference == reference))
            submissions.claim(db.session, item, actor, item.version)

    @contextmanager
    def pages_of(self, size: int):
        """Lists of ``size`` rows a page while inside, so that a few items make several pages."""
        usual = self.app.config["PAGE_SIZE"]
        self.app.config["PAGE_SIZE"] = size
        try:
            yield
        finally:
            self.app.config["PAGE_SIZE"] = usual

    def make_overdue(self, reference: str, days: int) -> None:
        """Move the item's due date ``days`` into the past, as if it had waited that long since arriving."""
        with self.app.app_context():
            item = db.session.scalar(select(Submission).where(Submission.reference == reference))
            item.due_at = utcnow() - timedelta(days=days)
            item.priority_at = priority_at(item.kind, item.priority, item.due_at)
            db.session.commit()
