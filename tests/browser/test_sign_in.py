"""Signing in, as each demo person would."""

import pytest
from playwright.sync_api import expect

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
