"""``flask portal ...`` commands: seed-demo, create-user, deliver-mail."""
import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.models import Role
from portal.services import accounts, demo
from portal.services.errors import InvalidInput

portal_cli = AppGroup("portal", help="Portal administration commands.")


@portal_cli.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even a database that is not SQLite.")
def seed_demo(force: bool) -> None:
    """Create the demo accounts and a demo case (safe to run again)."""
    if db.engine.dialect.name != "sqlite" and not force:
        raise click.ClickException("This database is not the embedded SQLite one. Demo accounts have a published "
                                   "password; add --force if you really mean to seed it.")
    demo.seed(db.session)
    click.echo("Demo accounts (password for all: %s, for demonstration only):" % demo.DEMO_PASSWORD)
    for email, _name, role in demo.DEMO_ACCOUNTS:
        click.echo(f"  {Role(role).label:<13} {email}")
    click.echo(f"Sign in at {current_app.config['PORTAL_BASE_URL']}/login")


@portal_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.password_option(help="At least 12 characters; asked for if not given.")
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create an active account (for the first admin, say)."""
    try:
        user = accounts.create_user(db.session, email, name, Role(role), password)
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role_enum.label.lower()} {user.email}.")
