"""Filters and globals the templates share."""
from datetime import UTC, date, datetime

from flask_login import current_user

from portal.services import access


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%-d %b %Y}"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.astimezone(UTC):%-d %b %Y, %H:%M} UTC"


def format_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} MB"


def home_endpoint() -> str | None:
    if not current_user.is_authenticated:
        return None
    return access.HOME_ENDPOINT.get(current_user.role_enum)


def register(app) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["filesize"] = format_size
    app.jinja_env.globals["home_endpoint"] = home_endpoint
    app.jinja_env.globals["portal_name"] = lambda: app.config["PORTAL_NAME"]
