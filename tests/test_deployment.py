"""The portal refuses to start unsafe: ``flask portal check-deploy`` and gunicorn's start say what to fix."""

import runpy
import types
from pathlib import Path

import pytest

from portal.deployment import problems

SAFE = {
    "DEBUG": False,
    "PORTAL_BASE_URL": "https://rtw.example.org",
    "SESSION_COOKIE_SECURE": True,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://portal@db/portal",
    "MAIL_SERVER": "smtp.example.org",
    "TWO_STEP_REQUIRED_ROLES": frozenset({"case_manager", "admin"}),
}
STRONG_KEY = {"SECRET_KEY": "k" * 12 + "Zq8-x_4rT9" * 3}


def test_a_safe_configuration_passes():
    assert problems(SAFE, STRONG_KEY, workers=4) == []


@pytest.mark.parametrize(
    ("change", "environ", "workers", "said"),
    [
        ({"DEBUG": True}, STRONG_KEY, 4, "Debug mode is on"),
        ({}, {}, 4, "SECRET_KEY is not set"),
        ({}, {"SECRET_KEY": "change-me"}, 4, "SECRET_KEY is weak"),
        ({}, {"SECRET_KEY": "short but random 81"}, 4, "SECRET_KEY is weak"),
        ({"PORTAL_BASE_URL": "http://rtw.example.org"}, STRONG_KEY, 4, "serve the portal over HTTPS"),
        ({"SESSION_COOKIE_SECURE": False}, STRONG_KEY, 4, "not marked Secure"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:///portal.sqlite3"}, STRONG_KEY, 2, "SQLite, with 2 workers"),
        ({"MAIL_SERVER": ""}, STRONG_KEY, 4, "MAIL_SERVER is not set"),
        ({"TWO_STEP_REQUIRED_ROLES": frozenset({"admin"})}, STRONG_KEY, 4, "Two-step sign-in is not required"),
    ],
)
@pytest.mark.security(
    threat="The portal started in production with debug on, a weak key, plain HTTP, or SQLite behind several workers",
    control="flask portal check-deploy and gunicorn's start refuse it, saying what to fix",
)
def test_each_unsafe_setting_is_refused_with_what_to_fix(change, environ, workers, said):
    [problem] = problems({**SAFE, **change}, environ, workers)
    assert said in problem


def test_sqlite_with_one_worker_is_allowed():
    assert problems({**SAFE, "SQLALCHEMY_DATABASE_URI": "sqlite:///p.sqlite3"}, STRONG_KEY, workers=1) == []


def test_check_deploy_fails_on_the_test_configuration_and_lists_each_problem(app):
    result = app.test_cli_runner().invoke(args=["portal", "check-deploy", "--workers", "2"])
    assert result.exit_code == 1
    assert "serve the portal over HTTPS" in result.output and "Not safe to deploy" in result.output


def test_gunicorns_start_stops_on_an_unsafe_configuration(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = runpy.run_path(str(Path(__file__).parent.parent / "gunicorn.conf.py"))
    errors = []
    server = types.SimpleNamespace(
        cfg=types.SimpleNamespace(workers=4), log=types.SimpleNamespace(error=lambda *a: errors.append(a[0] % a[1:]))
    )
    with pytest.raises(SystemExit):
        settings["on_starting"](server)
    assert any("SECRET_KEY is not set" in error for error in errors)
