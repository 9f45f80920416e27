"""Fixtures: an app on a migrated database (SQLite, or PostgreSQL with TEST_DATABASE_URL),
a real SMTP server on a free loopback port, and signed-in clients for each role."""

import contextvars
import os
import re
import secrets
import tempfile
import uuid
from pathlib import Path

# Before the portal is imported: its instance folder and secret key must not be the developer's.
_TMP = Path(tempfile.mkdtemp(prefix="portal-tests-"))
os.environ["PORTAL_INSTANCE_PATH"] = str(_TMP / "instance")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))

import pytest  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests import factories, security_report  # noqa: E402
from tests.smtp import SMTPServer  # noqa: E402

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
DATABASE_FIXTURES = {"app", "database_url", "db_session"}


def pytest_report_header(config):
    if POSTGRES_URL:
        return f"database: PostgreSQL ({POSTGRES_URL.rsplit('@', 1)[-1]}), database-touching tests only"
    return "database: SQLite (set TEST_DATABASE_URL to run against PostgreSQL)"


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, run again only what touches the database; postgres_only tests need it. With
    SECURITY_REPORT=<file>, write the table of threats and the tests that prove their controls."""
    security_report.write(items)
    if POSTGRES_URL:
        selected = [item for item in items if DATABASE_FIXTURES & set(item.fixturenames)]
        config.hook.pytest_deselected(items=[item for item in items if item not in selected])
        items[:] = selected
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with TEST_DATABASE_URL (make test does when it can)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url():
    if not POSTGRES_URL:
        yield f"sqlite:///{_TMP / 'test.sqlite3'}"
        return
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (its own ``g`` and database session), as in
    production, even while the test holds one; otherwise Flask would reuse the test's."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def _migrated_app(database_url, smtp_server):
    from flask_migrate import upgrade

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_FOLDER": str(_TMP / "uploads"),
            "MAIL_SERVER": smtp_server.host,
            "MAIL_PORT": smtp_server.port,
            "PORTAL_BASE_URL": "http://portal.test",
            "PASSWORD_HASH_METHOD": factories.FAST_HASH,
            # Two-step sign-in is tested where it is the subject (tests/accounts/test_two_step.py), not on every
            # case manager's sign-in.
            "TWO_STEP_REQUIRED_ROLES": frozenset(),
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()  # the schema comes from the migrations, never from create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_migrated_app, smtp_server):
    """The app, in an app context, on an empty database; rows are wiped after each test."""
    smtp_server.messages.clear()
    smtp_server.refusals.clear()
    smtp_server.slowness.clear()
    with _migrated_app.app_context():
        yield _migrated_app
        db.session.remove()
        tables = [table for table in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # The audit trail refuses deletes (a trigger); between tests, as the server's owner, it may go.
                connection.execute(text("SET LOCAL session_replication_role = replica"))
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def db_session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


class WebActions:
    """Drive the portal as a browser would: forms carry the CSRF token from the page.

    A session has one CSRF token for all its forms, so it is read from a page once and kept until
    signing in or out starts a new session.
    """

    def __init__(self, client):
        self.client = client
        self._token: str | None = None

    def csrf_token(self, path: str = "/login") -> str:
        if self._token is None:
            self._token = self._token_on(path)
        return self._token

    def _token_on(self, path: str) -> str:
        page = self.client.get(path, follow_redirects=True).get_data(as_text=True)
        match = (
            re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
            or re.search(r'name="csrf_token" value="([^"]+)"', page)
            or re.search(r'"X-CSRFToken": "([^"]+)"', page)
        )
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post_form(self, path: str, data: dict, token_from: str | None = None, **kwargs):
        data = {"csrf_token": self.csrf_token(token_from or path), **data}
        return self.client.post(path, data=data, **kwargs)

    def session_renewed(self) -> None:
        """After a step that starts a new session (the second step of signing in): its forms need the new token."""
        self._token = None

    def login(self, email: str, password: str = factories.PASSWORD, **kwargs):
        self._token = None  # the session may have ended (a password reset, an idle timeout)
        response = self.post_form("/login", {"email": email, "password": password}, **kwargs)
        self._token = None  # signing in starts a new session
        return response

    def logout(self):
        response = self.post_form("/logout", {}, token_from="/")
        self._token = None
        return response

    def reachable_pages(self, start: str) -> dict[str, str]:
        """Every same-site page this user can reach by following links from ``start`` (GET only)."""
        seen, queue, pages = set(), [start], {}
        while queue:
            path = queue.pop()
            if path in seen or path.startswith(("/static/", "/logout")):
                continue
            seen.add(path)
            response = self.client.get(path, follow_redirects=True)
            if response.status_code == 200 and response.mimetype == "text/html":
                pages[path] = response.get_data(as_text=True)
                queue.extend(re.findall(r'href="(/[^"#]*)"', pages[path]))
        return pages


@pytest.fixture
def web(client):
    return WebActions(client)


@pytest.fixture
def web_as(app):
    """``web_as(user)``: a browser-like client of its own, signed in as that (committed) user."""

    def signed_in(user) -> WebActions:
        actions = WebActions(app.test_client())
        assert actions.login(user.email).status_code == 303
        return actions

    return signed_in


@pytest.fixture
def login_as(app, web, db_session):
    """``login_as("employee")`` creates an account of that role and signs the client in."""

    def sign_in(role: str, **attributes):
        user = factories.user(db_session, role=role, **attributes)
        db_session.commit()
        response = web.login(user.email)
        assert response.status_code == 303, response.get_data(as_text=True)
        return user

    return sign_in
