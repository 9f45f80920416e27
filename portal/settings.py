"""The deadline, account and upload settings: read from the configuration once, when the app is built.

Operations take them as arguments; views get the app's own with ``current()``.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app


@dataclass(frozen=True)
class DeadlineSettings:
    triage_business_days: int = 2
    # 15 calendar days: the FMLA certification period (29 CFR 825.305(b)).
    information_days: int = 15
    # 7 calendar days to cure an incomplete certification (29 CFR 825.305(c)).
    incomplete_certification_days: int = 7
    document_request_days: int = 15
    # 15 business days: the benchmark the EEOC sets its own staff for accommodation decisions.
    accommodation_business_days: int = 15
    # 5 business days: the FMLA eligibility and rights notice (29 CFR 825.300(b)(1)). Set from the task rules
    # file (its eligibility_notice rule), so that the inbox and the tasks count the same days.
    eligibility_notice_business_days: int = 5
    holiday_country: str = "US"
    holiday_subdivision: str | None = None
    timezone: str = "UTC"

    @classmethod
    def from_config(cls, config) -> "DeadlineSettings":
        return cls(
            triage_business_days=config["DEADLINE_TRIAGE_BUSINESS_DAYS"],
            information_days=config["DEADLINE_INFORMATION_DAYS"],
            incomplete_certification_days=config["DEADLINE_INCOMPLETE_CERTIFICATION_DAYS"],
            document_request_days=config["DEADLINE_DOCUMENT_REQUEST_DAYS"],
            accommodation_business_days=config["DEADLINE_ACCOMMODATION_BUSINESS_DAYS"],
            holiday_country=config["HOLIDAY_COUNTRY"],
            holiday_subdivision=config["HOLIDAY_SUBDIVISION"],
            timezone=config["PORTAL_TIMEZONE"],
        )


@dataclass(frozen=True)
class AccountSettings:
    idle_timeout: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=12)
    max_failures_per_account: int = 5  # from one address
    max_failures_per_address: int = 20
    max_failures_per_account_anywhere: int = 100
    throttle_window: timedelta = timedelta(minutes=15)
    reset_lifetime: timedelta = timedelta(hours=2)
    invitation_lifetime: timedelta = timedelta(days=7)

    @classmethod
    def from_config(cls, config) -> "AccountSettings":
        return cls(
            idle_timeout=timedelta(minutes=config["IDLE_TIMEOUT_MINUTES"]),
            lifetime=timedelta(hours=config["SESSION_LIFETIME_HOURS"]),
            max_failures_per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
            max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            max_failures_per_account_anywhere=config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE"],
            throttle_window=timedelta(minutes=config["LOGIN_THROTTLE_MINUTES"]),
            reset_lifetime=timedelta(hours=config["PASSWORD_RESET_HOURS"]),
            invitation_lifetime=timedelta(days=config["INVITATION_DAYS"]),
        )


MB = 1024 * 1024
# Room left in a request body beside its files: the form's other fields and the multipart framing.
FORM_ROOM = MB


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may hold. A choice over them is refused next to its field, with everything else
    typed kept (``files.forms``); the browser checks the same before sending (static/js/uploads.js)."""

    upload_folder: str
    max_bytes: int  # one file
    max_files: int  # files sent together
    max_total_bytes: int = 100 * MB  # all the files sent together
    # Documents one person may send in an hour: more is a script, or a phone gone wrong, not a person.
    documents_per_hour: int = 30

    @classmethod
    def from_config(cls, config) -> "UploadLimits":
        total = config["MAX_UPLOAD_SIZE"]
        body = config.get("MAX_CONTENT_LENGTH")
        if body is not None:
            # The body limit is refused before it is read, with no form to show again: an allowance
            # above it would promise what the server then refuses with a bare error page.
            total = min(total, max(body - FORM_ROOM, body // 2))
        return cls(
            config["UPLOAD_FOLDER"],
            min(config["MAX_FILE_SIZE"], total),
            config["MAX_FILES_PER_UPLOAD"],
            total,
            config["MAX_DOCUMENTS_PER_HOUR"],
        )


@dataclass(frozen=True)
class Settings:
    deadlines: DeadlineSettings
    accounts: AccountSettings
    uploads: UploadLimits

    @classmethod
    def from_config(cls, config) -> "Settings":
        return cls(
            DeadlineSettings.from_config(config), AccountSettings.from_config(config), UploadLimits.from_config(config)
        )


def init_app(app: Flask) -> None:
    app.extensions["portal.settings"] = Settings.from_config(app.config)


def current() -> Settings:
    """The settings of the app handling this request or command."""
    settings: Settings = current_app.extensions["portal.settings"]
    return settings
