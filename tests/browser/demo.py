"""The demo people (portal.devtools.demo) and how each signs in."""

from portal.devtools.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

EMAILS = {role.replace("_", " "): email for email, _name, role in DEMO_ACCOUNTS}  # "case manager": ...


def sign_in_on(page, role: str) -> None:
    """Sign in through the sign-in page as the demo ``role`` ("employee", "case manager", ...)."""
    page.goto("/login")
    page.get_by_label("Email").fill(EMAILS[role])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))
