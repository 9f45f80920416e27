"""The return-to-work portal: ``create_app`` builds it from configuration."""

from pathlib import Path

from flask import Flask
from flask import session as cookie_session

from portal import settings
from portal.config import Config, engine_options
from portal.extensions import csrf, db, htmx, login_manager, migrate, ping_after_idle
from portal.extensions import mail as mail_extension  # the name "mail" is the portal.mail package once imported
from portal.tasks import rules as task_rules
from portal.web.templating import Environment

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` overrides settings (tests pass theirs here)."""
    app = Flask(__name__)
    app.jinja_environment = Environment
    defaults = Config()
    app.config.from_object(defaults)
    app.instance_path = defaults.INSTANCE_PATH
    if config:
        app.config.update(config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config))
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    register_security(app)  # first: its body-size check must run before CSRF reads the form
    settings.init_app(app)
    task_rules.init_app(app)
    register_extensions(app)
    register_views(app)
    register_template_helpers(app)
    register_error_pages(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from portal import schema  # noqa: F401  every model, so that Alembic and the relationships see them all

    db.init_app(app)
    with app.app_context():
        ping_after_idle(db.engine)
    from portal.metrics import periods as days_lost_periods
    from portal.tasks import hooks as task_hooks

    task_hooks.register()
    days_lost_periods.register()
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    mail_extension.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # sessions are server-side records; see load_signed_in_user

    from portal.accounts import operations as accounts

    @login_manager.request_loader
    def load_signed_in_user(request):
        # The cookie only carries a token; the session record decides, so logout is final.
        user = accounts.user_for_session(db.session, cookie_session.get("sid"), settings.current().accounts)
        if user is None:
            cookie_session.pop("sid", None)
        return user

    @login_manager.user_loader
    def no_cookie_user(user_id):
        # Never trust Flask-Login's own _user_id in the cookie; request_loader decides.
        return None


def register_views(app: Flask) -> None:
    """The shell's blueprints, then the audiences' with every feature's views registered on them."""
    from portal.web.converters import IdConverter

    app.url_map.converters["int"] = IdConverter
    from portal.accommodations.views import case_manager as _accommodations_case_manager  # noqa: F401
    from portal.accommodations.views import employee as _accommodations_employee  # noqa: F401
    from portal.accommodations.views import supervisor as _accommodations_supervisor  # noqa: F401
    from portal.accounts.views import admin as _accounts_admin  # noqa: F401
    from portal.accounts.views import case_manager as _accounts_case_manager  # noqa: F401
    from portal.accounts.views.auth import bp as auth
    from portal.audit.views import case_manager as _audit_case_manager  # noqa: F401
    from portal.audit.views import employee as _audit_employee  # noqa: F401
    from portal.cases.views import case_manager as _cases_case_manager  # noqa: F401
    from portal.cases.views import employee as _cases_employee  # noqa: F401
    from portal.cases.views import returns as _cases_returns  # noqa: F401
    from portal.cases.views import timeline as _cases_timeline  # noqa: F401
    from portal.documents.views import employee as _documents_employee  # noqa: F401
    from portal.duty.views import employee as _duty_employee  # noqa: F401
    from portal.duty.views import supervisor as _duty_supervisor  # noqa: F401
    from portal.files.views import bp as files
    from portal.inbox import views as _inbox  # noqa: F401
    from portal.intake.views import case_manager as _intake_case_manager  # noqa: F401
    from portal.intake.views import employee as _intake_employee  # noqa: F401
    from portal.intake.views import supervisor as _intake_supervisor  # noqa: F401
    from portal.mail.views import admin as _mail_admin  # noqa: F401
    from portal.messages.views import case_manager as _messages_case_manager  # noqa: F401
    from portal.messages.views import clinician as _messages_clinician  # noqa: F401
    from portal.messages.views import employee as _messages_employee  # noqa: F401
    from portal.metrics.views import dashboard as _metrics_dashboard  # noqa: F401
    from portal.notes.views import case_manager as _notes_case_manager  # noqa: F401
    from portal.notices.views import case_manager as _notices_case_manager  # noqa: F401
    from portal.notices.views import employee as _notices_employee  # noqa: F401
    from portal.plans.views import case_manager as _plans_case_manager  # noqa: F401
    from portal.plans.views import employee as _plans_employee  # noqa: F401
    from portal.plans.views import supervisor as _plans_supervisor  # noqa: F401
    from portal.reminders.views.account import bp as reminders
    from portal.restrictions.views import clinician as _restrictions_clinician  # noqa: F401
    from portal.tasks.views import case_manager as _tasks_case_manager  # noqa: F401
    from portal.web import homes as _homes  # noqa: F401
    from portal.web.audiences import AUDIENCES
    from portal.web.health import bp as health

    for blueprint in (auth, reminders, *AUDIENCES, files, health):
        app.register_blueprint(blueprint)


def register_security(app: Flask) -> None:
    from portal.web.security import PortalRequest, add_security_headers, refuse_oversized_body

    app.request_class = PortalRequest
    app.before_request(refuse_oversized_body)
    app.after_request(add_security_headers)


def register_template_helpers(app: Flask) -> None:
    from portal.web import static_files, template_helpers

    template_helpers.register(app)
    static_files.register(app)


def register_error_pages(app: Flask) -> None:
    from portal.web import errors

    errors.register(app)


def register_cli(app: Flask) -> None:
    from portal.cli import portal_cli

    app.cli.add_command(portal_cli)


__all__ = ["create_app"]
