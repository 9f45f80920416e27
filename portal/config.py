"""Configuration, read once from the environment with safe defaults.

Every setting has a default that gives a working development portal: an
embedded SQLite database and an uploads folder under ``instance/``, and mail
printed to the console until an SMTP server is configured.
"""

import os
import secrets
from pathlib import Path

INSTANCE_PATH = Path(os.environ.get("PORTAL_INSTANCE_PATH", Path(__file__).resolve().parent.parent / "instance"))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/.

    Several workers on one host share the file; on several hosts set SECRET_KEY.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    instance_path.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two workers starting at once must not write two different keys.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_urlsafe(48)
        handle.write(key)
    return key


class Config:
    """The portal's settings. Create one per app; the environment is read at creation."""

    def __init__(self) -> None:
        instance = INSTANCE_PATH
        self.INSTANCE_PATH = str(instance)
        self.SECRET_KEY = load_secret_key(instance)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'portal.sqlite3'}")
        if self.SQLALCHEMY_DATABASE_URI.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
            self.SQLALCHEMY_DATABASE_URI = (
                "postgresql+psycopg://" + self.SQLALCHEMY_DATABASE_URI[len("postgresql://") :]
            )
        # How long to wait for the database to answer or to free a lock, before answering a clear 503 page
        # instead of holding the request; and the longest a PostgreSQL statement may run.
        self.DATABASE_TIMEOUT_SECONDS = _int("DATABASE_TIMEOUT_SECONDS", 5)
        self.DATABASE_STATEMENT_TIMEOUT_SECONDS = _int("DATABASE_STATEMENT_TIMEOUT_SECONDS", 15)
        # PostgreSQL plans a statement psycopg has prepared once, not on every request; a pooler that hands each
        # transaction a different server connection (PgBouncer's transaction mode before 1.21) cannot keep them.
        self.DATABASE_PREPARED_STATEMENTS = _bool("DATABASE_PREPARED_STATEMENTS", True)
        self.UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(instance / "uploads"))
        # Uploads (settings.UploadLimits): each file, and all the files sent together. A choice over them is
        # refused next to its field, with everything else typed kept; browsers shrink large photos first.
        self.MAX_FILE_SIZE = _int("MAX_FILE_SIZE", 25 * 1024 * 1024)
        self.MAX_UPLOAD_SIZE = _int("MAX_UPLOAD_SIZE", 100 * 1024 * 1024)
        self.MAX_FILES_PER_UPLOAD = _int("MAX_FILES_PER_UPLOAD", 10)
        self.MAX_DOCUMENTS_PER_HOUR = _int("MAX_DOCUMENTS_PER_HOUR", 30)
        # The largest request body, refused before it is read (a bare "too large" page). Well above the upload
        # allowance, so that an upload over it is read and refused next to its field instead: Werkzeug streams
        # file parts to temporary files on disk (TMPDIR), never into memory.
        self.MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 4 * self.MAX_UPLOAD_SIZE)
        self.PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.PORTAL_NAME = os.environ.get("PORTAL_NAME", "Return-to-work portal")

        # Mail: with no MAIL_SERVER, the delivery worker prints messages instead of sending.
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = _int("MAIL_PORT", 25)
        self.MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
        self.MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = os.environ.get(
            "MAIL_DEFAULT_SENDER", "Return-to-work portal <no-reply@portal.invalid>"
        )
        self.MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
        # Waiting for a message to be acknowledged: within half the mail worker's five-minute lease.
        self.MAIL_DATA_TIMEOUT = _int("MAIL_DATA_TIMEOUT", 120)
        self.MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 8)

        # Sessions end on logout, on password change, after this many idle minutes, and this many hours after
        # signing in however busy (a session taken over cannot be kept alive for ever).
        self.IDLE_TIMEOUT_MINUTES = _int("IDLE_TIMEOUT_MINUTES", 30)
        self.SESSION_LIFETIME_HOURS = _int("SESSION_LIFETIME_HOURS", 12)
        # Changing who may see medical content, or taking a whole case away, asks for the password (and code)
        # again unless the person gave them this many minutes ago: an unattended screen is not enough.
        self.FRESH_SIGN_IN_MINUTES = _int("FRESH_SIGN_IN_MINUTES", 10)
        # Roles that must sign in in two steps (a code from an authenticator app): those that see medical
        # content or manage who does. Anyone else may choose it.
        self.TWO_STEP_REQUIRED_ROLES = frozenset(
            role.strip()
            for role in os.environ.get("TWO_STEP_REQUIRED_ROLES", "case_manager,admin").split(",")
            if role.strip()
        )
        # werkzeug's method for password hashes; scrypt is slow on purpose. Tests use a fast one.
        self.PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", self.PORTAL_BASE_URL.startswith("https://"))
        # Over HTTPS the cookie is __Host-: the browser keeps it only if Secure, for this host alone, on every
        # path, so no sibling subdomain or plain-HTTP page can set or overwrite it.
        self.SESSION_COOKIE_NAME = "__Host-portal_session" if self.SESSION_COOKIE_SECURE else "portal_session"

        # Sign-in throttling, counted in the database so that every worker sees it.
        self.LOGIN_MAX_FAILURES_PER_ACCOUNT = _int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
        self.LOGIN_MAX_FAILURES_PER_ADDRESS = _int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
        self.LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE = _int("LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE", 100)
        self.LOGIN_THROTTLE_MINUTES = _int("LOGIN_THROTTLE_MINUTES", 15)

        self.PASSWORD_RESET_HOURS = _int("PASSWORD_RESET_HOURS", 2)
        self.INVITATION_DAYS = _int("INVITATION_DAYS", 7)

        # Deadlines (portal/items/deadlines.py): business days skip weekends and public holidays.
        self.DEADLINE_TRIAGE_BUSINESS_DAYS = _int("DEADLINE_TRIAGE_BUSINESS_DAYS", 2)
        self.DEADLINE_INFORMATION_DAYS = _int("DEADLINE_INFORMATION_DAYS", 15)
        self.DEADLINE_INCOMPLETE_CERTIFICATION_DAYS = _int("DEADLINE_INCOMPLETE_CERTIFICATION_DAYS", 7)
        self.DEADLINE_DOCUMENT_REQUEST_DAYS = _int("DEADLINE_DOCUMENT_REQUEST_DAYS", 15)
        self.DEADLINE_ACCOMMODATION_BUSINESS_DAYS = _int("DEADLINE_ACCOMMODATION_BUSINESS_DAYS", 15)
        self.HOLIDAY_COUNTRY = os.environ.get("HOLIDAY_COUNTRY", "US")
        self.HOLIDAY_SUBDIVISION = os.environ.get("HOLIDAY_SUBDIVISION") or None
        self.PORTAL_TIMEZONE = os.environ.get("PORTAL_TIMEZONE", "UTC")
        # The clocks that make case managers' tasks (portal/tasks/rules.toml): a program's own copy.
        self.TASK_RULES_FILE = os.environ.get("TASK_RULES_FILE") or None
        self.DUTY_MAX_DAYS = _int("DUTY_MAX_DAYS", 90)  # longest transitional-duty assignment
        # An accommodation request never sent is deleted, documents and all, this long after its last change.
        self.ACCOMMODATION_DRAFT_DAYS = _int("ACCOMMODATION_DRAFT_DAYS", 30)

        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which has its own idle limit
        self.PAGE_SIZE = _int("PAGE_SIZE", 25)


def engine_options(config) -> dict:
    """The database engine's options for the URI the app ends up with (tests give their own)."""
    timeout = config["DATABASE_TIMEOUT_SECONDS"]
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        connect_args: dict = {"timeout": timeout}  # waiting for another writer's lock
    else:
        statement_ms = config["DATABASE_STATEMENT_TIMEOUT_SECONDS"] * 1000
        connect_args = {"connect_timeout": timeout, "options": f"-c statement_timeout={statement_ms}"}
        if not config.get("DATABASE_PREPARED_STATEMENTS", True):
            connect_args["prepare_threshold"] = None  # psycopg prepares nothing
    # hide_parameters: a database error's message (and so any log of it) names the statement, never the
    # values written, which may be a diagnosis.
    # No pool_pre_ping: a connection is asked whether it still works only after sitting idle (extensions.py).
    return {"hide_parameters": True, "connect_args": connect_args}
