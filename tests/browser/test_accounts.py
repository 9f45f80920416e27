"""Joining by invitation and resetting a password: the screens reached from a link in an email;
an invitation the mail server refused, sent again by the admin; and an account deactivated."""

import re

from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.checks import audit, follow, status_message

NEW_PASSWORD = "four unrelated words here"


def test_an_invited_supervisor_sets_up_their_account_and_signs_in(sign_in, portal, page):
    admin = sign_in("admin")
    admin.get_by_role("link", name="Invite someone").first.click()
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_role("alert")).to_be_focused()
    expect(admin.get_by_role("alert").get_by_role("link")).to_have_text(
        ["Enter the person's full name.", "Enter the person's email address.", "Choose a role."]
    )
    audit(admin, "Admin: invite someone, nothing entered")

    admin.get_by_label("Full name").fill("Jo Newcomer")
    admin.get_by_label("Email").fill("jo.newcomer@demo.test")
    admin.get_by_label("Role").select_option(label="Supervisor")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_role("status")).to_contain_text("Invitation sent to jo.newcomer@demo.test.")

    page.goto(portal.link_in_mail("jo.newcomer@demo.test", "You are invited to the return-to-work portal"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your account")
    audit(page, "Signed out: set up your account (invitation email)")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a new password.")
    audit(page, "Signed out: set up your account, nothing entered")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()

    expect(page.get_by_role("status")).to_contain_text("Your account is ready.")
    page.get_by_label("Email").fill("jo.newcomer@demo.test")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team")


def test_a_forgotten_password_is_replaced_through_the_emailed_link(page, portal):
    portal.create_account("forgetful@demo.test", "Fran Forgetful", Role.EMPLOYEE, "the password I forgot")
    page.goto("/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the email address you sign in with.")
    audit(page, "Signed out: forgotten password, nothing entered")
    page.get_by_label("Email").fill("forgetful@demo.test")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_contain_text("we have sent it a link to reset the password")

    page.goto(portal.link_in_mail("forgetful@demo.test", "Reset your password"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    audit(page, "Signed out: choose a new password (reset email)")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill("something else entirely")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords do not match.")
    audit(page, "Signed out: choose a new password, the two differ")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()

    expect(page.get_by_role("status")).to_contain_text("Your password has been changed.")


def test_an_invitation_to_a_mailbox_that_did_not_exist_yet_is_sent_anew_by_the_admin(sign_in, portal):
    portal.smtp.refusals["sam.later@demo.test"] = "550 5.1.1 No such mailbox here"
    admin = sign_in("admin")
    follow(admin.get_by_role("link", name="Invite someone").first)
    admin.get_by_label("Full name").fill("Sam Later")
    admin.get_by_label("Email").fill("sam.later@demo.test")
    admin.get_by_label("Role").select_option(label="Employee")
    admin.get_by_role("button", name="Send invitation").click()
    expect(status_message(admin)).to_contain_text("Invitation sent to sam.later@demo.test.")
    portal.deliver_mail()

    admin.goto("/admin/")
    follow(admin.get_by_role("link", name="See what failed and send again"))
    failed = admin.get_by_role("row").filter(has_text="sam.later@demo.test")
    expect(failed).to_contain_text("No such mailbox here")
    expect(failed).to_contain_text("Its link may have expired: send a new invitation from Accounts.")
    audit(admin, "Admin: email not delivered")

    del portal.smtp.refusals["sam.later@demo.test"]  # the mailbox has been set up
    follow(failed.get_by_role("link", name="Accounts, to invite sam.later@demo.test again"))
    admin.get_by_role("button", name="Send a new invitation to Sam Later").click()
    expect(status_message(admin)).to_contain_text("A new invitation was sent to sam.later@demo.test.")
    assert portal.link_in_mail("sam.later@demo.test", "You are invited to the return-to-work portal")
    follow(admin.get_by_role("link", name="Email not delivered"))  # the new link replaced the failed one
    expect(admin.get_by_text("Every email has been delivered or is still being tried.")).to_be_visible()
    audit(admin, "Admin: email not delivered, none left")


def test_an_admin_deactivates_a_case_manager_who_left_and_their_return_needs_another_case_managers_approval(
    sign_in, portal, page
):
    portal.create_account("casey.leaving@demo.test", "Casey Leaving", Role.CASE_MANAGER, NEW_PASSWORD)
    reference = portal.new_document("Sent while Casey was still here.")
    portal.claim_as("casey.leaving@demo.test", reference)
    casey = page
    casey.goto("/login")
    casey.get_by_label("Email").fill("casey.leaving@demo.test")
    casey.get_by_label("Password").fill(NEW_PASSWORD)
    casey.get_by_role("button", name="Sign in").click()
    expect(casey.get_by_role("heading", level=1)).to_have_text("Inbox: All open")

    admin = sign_in("admin")
    admin.get_by_role("searchbox", name="Find someone").fill("casey lea")
    admin.get_by_role("button", name="Search").click()
    expect(admin.get_by_role("table")).to_have_accessible_name("People whose name or email starts with “casey lea”: 1")
    audit(admin, "Admin: accounts, found by name")
    follow(admin.get_by_role("link", name="Deactivate Casey Leaving"))
    expect(admin.get_by_role("heading", level=1)).to_have_text("Deactivate Casey Leaving?")
    expect(admin.get_by_text("The 1 open item assigned to them goes back to the unassigned queue")).to_be_visible()
    audit(admin, "Admin: deactivate an account")
    admin.get_by_role("button", name="Deactivate Casey Leaving").click()
    expect(status_message(admin)).to_contain_text(
        "Casey Leaving's account is deactivated: they are signed out and cannot sign in. "
        "1 open item went back to the unassigned queue"
    )
    expect(admin.get_by_role("button", name="Reactivate Casey Leaving")).to_be_visible()
    audit(admin, "Admin: accounts, one deactivated")

    casey.reload()  # signed out at once
    expect(casey.get_by_role("heading", level=1)).to_have_text("Sign in")
    manager = sign_in("case manager")
    manager.get_by_role("link", name=re.compile(r"^Unassigned")).first.click()
    expect(manager.get_by_role("row").filter(has_text=reference)).to_contain_text("Unassigned")

    # Casey comes back: a case manager sees medical content, so the admin alone cannot give it back.
    admin.get_by_role("button", name="Reactivate Casey Leaving").click()
    expect(status_message(admin)).to_contain_text("their account is active again once another case manager approves")
    expect(admin.get_by_role("row").filter(has_text="Casey Leaving")).to_contain_text(
        "Waiting for a case manager's approval"
    )
    manager.goto(portal.link_in_mail("manager@demo.test", "Someone asked for case-manager access: approve or refuse"))
    expect(manager.get_by_role("heading", level=1)).to_have_text("Requests for case-manager access")
    audit(manager, "Case manager: a request for case-manager access")
    manager.get_by_role("button", name="Approve case-manager access for Casey Leaving").click()
    expect(status_message(manager)).to_contain_text("Approved: Casey Leaving is a case manager now.")
    casey.get_by_label("Email").fill("casey.leaving@demo.test")
    casey.get_by_label("Password").fill(NEW_PASSWORD)
    casey.get_by_role("button", name="Sign in").click()
    expect(casey.get_by_role("heading", level=1)).to_have_text("Inbox: All open")


def test_a_supervisor_changes_their_password_and_signs_in_with_the_new_one(portal, page):
    portal.create_account("rowan.renew@demo.test", "Rowan Renew", Role.SUPERVISOR, NEW_PASSWORD)
    page.goto("/login")
    page.get_by_label("Email").fill("rowan.renew@demo.test")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    follow(page.get_by_role("link", name="Change password"))
    page.get_by_label("Current password").fill("not the password")
    page.get_by_label("New password", exact=True).fill("five unrelated words right here")
    page.get_by_label("Type the new password again").fill("five unrelated words right here")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("Your current password is not right.")
    expect(page.get_by_label("Current password")).to_have_attribute("aria-invalid", "true")
    audit(page, "Signed in: change your password, the current one wrong")

    page.get_by_label("Current password").fill(NEW_PASSWORD)
    page.get_by_label("New password", exact=True).fill("five unrelated words right here")
    page.get_by_label("Type the new password again").fill("five unrelated words right here")
    page.get_by_role("button", name="Change password").click()
    expect(status_message(page)).to_contain_text("Your password has been changed.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email").fill("rowan.renew@demo.test")
    page.get_by_label("Password").fill("five unrelated words right here")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team")
