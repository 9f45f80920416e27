"""Signing in, as each demo person would."""

from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.core.columns import utcnow
from tests.browser.checks import audit
from tests.browser.demo import DEMO_PASSWORD, EMAILS, sign_in_on

HOMES = [
    ("employee", "/employee/", "Your cases"),
    ("clinician", "/clinician/", "Your patients"),
    ("supervisor", "/supervisor/", "Your team"),
    ("case manager", "/inbox/", "Inbox: All open"),
    ("admin", "/admin/", "Accounts"),
]


@pytest.mark.parametrize(("role", "home", "heading"), HOMES, ids=[role for role, *_ in HOMES])
def test_each_demo_person_signs_in_and_lands_on_their_home(page, portal, role, home, heading):
    page.goto("/login")
    page.get_by_label("Email").fill(EMAILS[role])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(portal.base_url + home)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_signing_out_returns_to_the_sign_in_page(page):
    sign_in_on(page, "employee")
    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_a_sign_in_left_empty_says_what_is_missing_next_to_each_field(page):
    page.goto("/login")
    page.get_by_role("button", name="Sign in").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter your email address.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    audit(page, "Signed out: sign in, nothing entered")


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(page):
    page.goto("/login")
    page.get_by_label("Email").fill(EMAILS["employee"])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right.")
    audit(page, "Signed out: sign in, wrong password")


@pytest.fixture
def two_step_required(portal):
    """Case managers and admins must sign in in two steps, as outside the tests; put back after."""
    before = portal.app.config["TWO_STEP_REQUIRED_ROLES"]
    portal.app.config["TWO_STEP_REQUIRED_ROLES"] = frozenset({"case_manager", "admin"})
    yield
    portal.app.config["TWO_STEP_REQUIRED_ROLES"] = before


def test_a_new_case_manager_sets_up_two_step_sign_in_on_a_phone_and_signs_in_with_a_code(
    two_step_required, portal, page
):
    portal.create_account("robin.twostep@demo.test", "Robin Twostep", Role.CASE_MANAGER, "robin's long passphrase")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/login")
    page.get_by_label("Email").fill("robin.twostep@demo.test")
    page.get_by_label("Password").fill("robin's long passphrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    qr_code = page.get_by_role("img", name="A QR code to scan with your authenticator app")
    expect(qr_code).to_be_visible()
    page.wait_for_function("document.querySelector('.qr-code img').naturalWidth > 0")  # drawn, not refused
    audit(page, "Signing in: set up two-step sign-in")
    totp = pyotp.TOTP(page.locator("code.secret-key").inner_text())
    page.get_by_role("textbox", name="Code").fill("123 456")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.get_by_role("textbox", name="Code").fill(totp.now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    audit(page, "Signing in: the recovery codes")
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox: All open")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill("robin.twostep@demo.test")
    page.get_by_label("Password").fill("robin's long passphrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    audit(page, "Signing in: the second step")
    next_code = totp.at(utcnow() + timedelta(seconds=30))  # the code just used is spent: the next one
    page.get_by_role("textbox", name="Code").fill(next_code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox: All open")
