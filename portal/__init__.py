"""The return-to-work portal: ``create_app`` builds it from configuration."""
from pathlib import Path

from flask import Flask, session as cookie_session

from portal.config import Config
from portal.extensions import csrf, db, htmx, login_manager, mail, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` overrides settings (tests pass theirs here)."""
    app = Flask(__name__)
    settings = Config()
    app.config.from_object(settings)
    app.instance_path = settings.INSTANCE_PATH
    if config:
        app.config.update(config)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    register_security(app)  # first: its body-size check must run before CSRF reads the form
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_pages(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # sessions are server-side records; see load_signed_in_user

    from portal.services import accounts

    @login_manager.request_loader
    def load_signed_in_user(request):
        # The cookie only carries a token; the session record decides, so logout is final.
        user = accounts.user_for_session(db.session, cookie_session.get("sid"),
                                         accounts.AccountSettings.from_config(app.config))
        if user is None:
            cookie_session.pop("sid", None)
        return user

    @login_manager.user_loader
    def no_cookie_user(user_id):
        # Never trust Flask-Login's own _user_id in the cookie; request_loader decides.
        return None


def register_blueprints(app: Flask) -> None:
    from portal.blueprints.admin.routes import bp as admin_bp
    from portal.blueprints.auth.routes import bp as auth_bp
    from portal.blueprints.clinician.routes import bp as clinician_bp
    from portal.blueprints.employee.routes import bp as employee_bp
    from portal.blueprints.files.routes import bp as files_bp
    from portal.blueprints.health import bp as health_bp
    from portal.blueprints.inbox.routes import bp as inbox_bp
    from portal.blueprints.supervisor.routes import bp as supervisor_bp

    for blueprint in (auth_bp, employee_bp, clinician_bp, supervisor_bp, inbox_bp, admin_bp, files_bp, health_bp):
        app.register_blueprint(blueprint)


def register_security(app: Flask) -> None:
    from portal.blueprints.security import add_security_headers, refuse_oversized_body

    app.before_request(refuse_oversized_body)
    app.after_request(add_security_headers)


def register_template_helpers(app: Flask) -> None:
    from portal.blueprints import template_helpers

    template_helpers.register(app)


def register_error_pages(app: Flask) -> None:
    from portal.blueprints import errors

    errors.register(app)


def register_cli(app: Flask) -> None:
    from portal.cli import portal_cli

    app.cli.add_command(portal_cli)


__all__ = ["create_app"]
