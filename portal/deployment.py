"""What a production deployment must not be: the checks ``flask portal check-deploy`` and gunicorn's start
(gunicorn.conf.py) run, each problem with what to fix. The portal refuses to start unsafe rather than run so."""

from collections.abc import Mapping

# Keys people copy from examples and tutorials: as good as none.
KNOWN_KEYS = {"dev", "development", "secret", "changeme", "change-me", "change_me", "please-change-me", "…"}
MIN_SECRET_KEY_LENGTH = 32


def problems(config: Mapping, environ: Mapping[str, str], workers: int) -> list[str]:
    """Every way this configuration, run by ``workers`` processes, is unsafe for real people's data."""
    found = []
    if config.get("DEBUG"):
        found.append("Debug mode is on: it shows code and data to anyone who causes an error. Unset FLASK_DEBUG.")
    key = environ.get("SECRET_KEY", "")
    if not key:
        found.append(
            "SECRET_KEY is not set: each host would make its own, and signing in on one would not hold on "
            "another. Set SECRET_KEY, the same on every host, to a long random value (python -c "
            "'import secrets; print(secrets.token_urlsafe(48))')."
        )
    elif len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in KNOWN_KEYS:
        found.append(
            f"SECRET_KEY is weak: use a random value of at least {MIN_SECRET_KEY_LENGTH} characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if not str(config.get("PORTAL_BASE_URL", "")).startswith("https://"):
        found.append(
            f"PORTAL_BASE_URL is {config.get('PORTAL_BASE_URL')!r}: serve the portal over HTTPS and set it to the "
            "https:// address, so that links in emails and sign-in cookies are never sent in the clear."
        )
    if not config.get("SESSION_COOKIE_SECURE"):
        found.append("Session cookies are not marked Secure: unset SESSION_COOKIE_SECURE, and use an https:// address.")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite") and workers > 1:
        found.append(
            f"The database is SQLite, with {workers} workers: they would wait on each other's writes and fail "
            "under load. Set DATABASE_URL to a PostgreSQL database, or run one worker."
        )
    if not {"case_manager", "admin"} <= set(config.get("TWO_STEP_REQUIRED_ROLES", ())):
        found.append(
            "Two-step sign-in is not required of case managers and admins, who see medical information or decide "
            "who does: set TWO_STEP_REQUIRED_ROLES to case_manager,admin (the default)."
        )
    if not config.get("MAIL_SERVER"):
        found.append(
            "MAIL_SERVER is not set: emails would be printed to the log, one-time links with them, and never sent. "
            "Set MAIL_SERVER (and MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD)."
        )
    return found
