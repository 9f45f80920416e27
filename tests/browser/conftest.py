"""The browser suite: Debian's Chromium, driven by Playwright, against the portal served for real.

Nothing here uses the Flask-client fixtures (app, database_url, db_session), so the
PostgreSQL re-run leaves this suite out; `make test` runs it on its own, after the SQLite run.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import checks
from tests.browser.demo import sign_in_on
from tests.browser.live_portal import LivePortal

CHROMIUM = Path("/usr/bin/chromium")
# Headless, a fresh profile per launch, and nothing that phones home or updates itself.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SUITE = Path(__file__).resolve().parent
ARTIFACTS = SUITE.parent.parent / "test-artifacts" / "browser"
DESKTOP = {"width": 1280, "height": 800}


def _in_suite(item) -> bool:
    return SUITE in Path(item.path).parents


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"no Chromium at {CHROMIUM}: the browser suite needs the Debian package chromium (.ci/run installs it)"
    )
    for item in items:
        if _in_suite(item):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, keep each of its pages as a full-page screenshot and HTML."""
    report = yield
    pages = getattr(item, "browser_pages", [])
    if report.when == "call" and report.failed and pages:
        folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])
        folder.mkdir(parents=True, exist_ok=True)
        for number, (who, page) in enumerate(pages, start=1):
            if page.is_closed():
                continue
            stem = folder / f"{number}-{who.replace(' ', '-')}"
            try:
                page.screenshot(path=f"{stem}.png", full_page=True)
                stem.with_suffix(".html").write_text(page.content())
            except Exception as error:  # a crashed page must not hide the test's own failure
                report.sections.append(("browser artifacts", f"could not save {stem}: {error}"))
        report.sections.append(("browser artifacts", f"screenshots and HTML of the pages: {folder}"))
        item.config.stash[_saved_artifacts] = True
    return report


_saved_artifacts = pytest.StashKey[bool]()


def pytest_terminal_summary(terminalreporter, config):
    if config.stash.get(_saved_artifacts, False):
        terminalreporter.write_sep("-", f"browser test artifacts (screenshots, HTML) in {ARTIFACTS}")


def pytest_sessionfinish(session):
    """With ACCESSIBILITY_REPORT=<file> (make accessibility-report), write what the checks found."""
    target = os.environ.get("ACCESSIBILITY_REPORT")
    if target and checks.RESULTS:
        checks.write_report(Path(target), CHROMIUM)


@pytest.fixture(scope="session")
def portal(tmp_path_factory):
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # what is there belongs to this run only
    server = LivePortal(tmp_path_factory.mktemp("live-portal"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, portal, request):
    """``open_page(who)``: a tab in a fresh browser profile (no cookies), for one person in the test."""
    contexts, errors = [], []
    request.node.browser_pages = []

    def open_for(who: str = "visitor", storage_state=None):
        context = browser.new_context(base_url=portal.base_url, viewport=DESKTOP, storage_state=storage_state)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{who}: {error}"))
        request.node.browser_pages.append((who, page))
        return page

    yield open_for
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def page(open_page):
    """A signed-out visitor's tab."""
    return open_page()


@pytest.fixture(scope="session")
def _sessions():
    return {}


@pytest.fixture
def sign_in(open_page, _sessions):
    """``sign_in("employee")``: a tab of that demo person on their home page, signed in.

    The first time through the sign-in page; after that the browser brings back that
    session's cookie, as a returning person's would (signing in is its own test).
    """

    def signed_in(role: str):
        page = open_page(role, storage_state=_sessions.get(role))
        if role in _sessions:
            page.goto("/")
        else:
            sign_in_on(page, role)
            _sessions[role] = page.context.storage_state()
        return page

    return signed_in
