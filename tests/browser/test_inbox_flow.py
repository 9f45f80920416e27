"""The case manager's inbox worked as a case manager works it (issue 8): views kept in the address,
several items claimed by keyboard alone, an item opened beside the list on a wide screen and on
its own page on a narrow one, new items announced rather than slid under the cursor; and the
inbox in each of its states held to the accessibility checks."""

import re
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.browser.checks import (
    announcements,
    assert_focus_visible,
    audit,
    axe_problems,
    listen_for_announcements,
    status_message,
    tab_to,
)
from tests.browser.inbox import (
    cells_out_of_sight_sideways,
    first_row,
    pane,
    row,
    rows_in_first_screen,
    search,
    tab_counts,
)

NARROW = {"width": 400, "height": 800}
LAPTOP = {"width": 1440, "height": 900}
PHONE = {"width": 375, "height": 800}


def heading(page):
    return page.get_by_role("heading", level=1)


def tab(page, label: str):
    return page.get_by_role("navigation", name="Inbox views").get_by_role("link", name=re.compile(f"^{label}"))


def view_in(url: str) -> dict[str, str]:
    """The view an inbox address holds: its query's parameters that have a value."""
    return {name: value for name, value in parse_qsl(urlsplit(url).query) if value}


def focused_reference(page) -> str:
    """The reference of the row whose link has focus."""
    return page.evaluate("""() => {
      const row = document.activeElement.closest("tr.inbox-row");
      return row ? row.querySelector("input[type=checkbox]").getAttribute("aria-label").replace("Select ", "") : "";
    }""")


def test_overdue_items_are_claimed_by_keyboard_and_the_address_keeps_the_view(sign_in, portal):
    # Four documents that have waited past their due dates; the most overdue come first.
    references = [portal.new_document(note=f"Overdue, number {number}") for number in range(1, 5)]
    for days, reference in zip((6, 5, 4, 1), references, strict=True):
        portal.make_overdue(reference, days=days)
    manager = sign_in("case manager")
    expect(heading(manager)).to_have_text("Inbox: All open")
    before = tab_counts(manager)
    assert before["overdue"] >= 4, before

    # To the Overdue view, then ordered by priority, by keyboard.
    tab_to(manager, tab(manager, "Overdue"))
    manager.keyboard.press("Enter")
    expect(heading(manager)).to_have_text("Inbox: Overdue")
    expect(manager).to_have_url(re.compile(r"/inbox/\?tab=overdue$"))
    expect(tab(manager, "Overdue")).to_have_attribute("aria-current", "page")
    expect(tab(manager, "Overdue")).to_be_focused()  # focus stays where it was, on the tab
    order = manager.get_by_label("Order")
    tab_to(manager, order)
    manager.keyboard.press("ArrowDown")  # a closed list moves to the next choice: Priority
    expect(manager.locator("#inbox-caption")).to_have_text(re.compile(r"^Overdue: \d+ items on this page, priority$"))
    assert view_in(manager.url) == {"tab": "overdue", "sort": "priority"}
    expect(manager.get_by_label("Order")).to_be_focused()
    expect(manager.get_by_label("Order")).to_have_value("priority")

    # Tick the first three rows with x, moving with j (and back with k), and claim them with c.
    tab_to(manager, row(manager, references[0]).get_by_role("link"))
    manager.keyboard.press("x")
    manager.keyboard.press("j")
    manager.keyboard.press("j")
    manager.keyboard.press("k")
    assert focused_reference(manager) == references[1]
    manager.keyboard.press("x")
    manager.keyboard.press("j")
    manager.keyboard.press("x")
    assert focused_reference(manager) == references[2]
    assert_focus_visible(manager)
    for reference, ticked in zip(references, (True, True, True, False), strict=True):
        expect(manager.get_by_label(f"Select {reference}")).to_be_checked(checked=ticked)
    listen_for_announcements(manager)
    manager.keyboard.press("c")

    expect(status_message(manager)).to_have_text("Claimed 3 items.")
    assert announcements(manager) == ["Claimed 3 items."]
    for reference in references[:3]:
        expect(row(manager, reference)).to_contain_text("Morgan Manager")
        expect(manager.get_by_label(f"Select {reference}")).not_to_be_checked()
    expect(row(manager, references[3])).to_contain_text("Unassigned")
    expect(manager.locator("#count-mine")).to_have_text(str(before["mine"] + 3))
    expect(manager.locator("#count-unassigned")).to_have_text(str(before["unassigned"] - 3))
    expect(manager.locator("#count-overdue")).to_have_text(str(before["overdue"]))
    # Focus goes back to the row the shortcut was pressed on.
    expect(row(manager, references[2]).get_by_role("link")).to_be_focused()
    assert_focus_visible(manager)
    audit(manager, "Case manager: inbox, several items claimed (htmx)")

    # Enter opens the item beside the list (a wide screen), and the address says so.
    tab_to(manager, row(manager, references[1]).get_by_role("link"))
    manager.keyboard.press("Enter")
    item = pane(manager)
    expect(item.get_by_role("heading", level=2).first).to_be_focused()
    expect(item).to_contain_text(references[1])
    expect(row(manager, references[1])).to_have_attribute("aria-current", "true")
    address = manager.url
    view = view_in(address)
    assert view.pop("open").isdigit() and view == {"tab": "overdue", "sort": "priority"}, address
    audit(manager, "Case manager: inbox, an item open beside the list")

    # Reloading the address brings back the same view: tab, order, the item open beside the list.
    manager.reload()
    expect(manager).to_have_url(address)
    expect(heading(manager)).to_have_text("Inbox: Overdue")
    expect(tab(manager, "Overdue")).to_have_attribute("aria-current", "page")
    expect(manager.get_by_label("Order")).to_have_value("priority")
    expect(pane(manager)).to_be_visible()
    expect(pane(manager)).to_contain_text(references[1])
    expect(pane(manager).get_by_role("heading", name="In review, with Morgan Manager")).to_be_visible()
    for reference in references[:3]:
        expect(row(manager, reference)).to_contain_text("Morgan Manager")

    # Back goes to the views before, as they are now: the list without the item, then All open.
    manager.go_back()
    expect(pane(manager)).to_be_hidden()
    assert view_in(manager.url) == {"tab": "overdue", "sort": "priority"}
    expect(heading(manager)).to_have_text("Inbox: Overdue")
    # Each Back is a history restore that htmx fetches: the view is waited for, as a person would look at it,
    # before Back again (htmx does not cancel a restore still on its way when the next one starts).
    manager.go_back()
    assert view_in(manager.url) == {"tab": "overdue"}
    expect(manager.locator("#inbox-caption")).to_have_text(re.compile(r"^Overdue: \d+ items on this page, due date$"))
    manager.go_back()
    expect(manager).to_have_url(re.compile(r"/inbox/$"))
    expect(heading(manager)).to_have_text("Inbox: All open")
    expect(tab(manager, "All open")).to_have_attribute("aria-current", "page")
    expect(manager.locator("#count-mine")).to_have_text(str(before["mine"] + 3))
    for reference in references[:3]:
        expect(row(manager, reference)).to_contain_text("Morgan Manager")


def test_on_a_narrow_screen_an_item_opens_on_its_own_page(sign_in, portal):
    reference = portal.new_document(note="Opened on a phone")
    manager = sign_in("case manager")
    manager.set_viewport_size(NARROW)
    search(manager, reference)
    tab_to(manager, row(manager, reference).get_by_role("link"))
    with manager.expect_navigation():
        manager.keyboard.press("Enter")

    expect(manager).to_have_url(re.compile(r"/inbox/submissions/\d+$"))
    expect(heading(manager)).to_have_text("Work status or return-to-work note (1 file)")
    expect(manager.get_by_role("button", name="Claim (assign to me)")).to_be_visible()


def test_the_single_key_shortcuts_leave_text_boxes_alone_and_can_be_turned_off(sign_in, portal):
    reference = portal.new_document(note="Shortcuts")
    manager = sign_in("case manager")
    search(manager, reference)
    link, box = row(manager, reference).get_by_role("link"), manager.get_by_label(f"Select {reference}")
    tab_to(manager, link)
    manager.keyboard.press("/")
    searchbox = manager.get_by_role("searchbox", name="Search", exact=True)
    expect(searchbox).to_be_focused()
    manager.keyboard.press("End")
    manager.keyboard.type(" xjc/")  # typed into the box, not taken as shortcuts
    expect(searchbox).to_have_value(f"{reference} xjc/")
    expect(box).not_to_be_checked()

    manager.get_by_text("Keyboard shortcuts", exact=True).click()
    manager.get_by_label("Use these single-key shortcuts").uncheck()
    link.focus()
    manager.keyboard.press("x")
    expect(box).not_to_be_checked()
    manager.reload()  # the choice is remembered in this browser
    expect(manager.get_by_label("Use these single-key shortcuts")).not_to_be_checked()
    manager.get_by_text("Keyboard shortcuts", exact=True).click()
    manager.get_by_label("Use these single-key shortcuts").check()
    row(manager, reference).get_by_role("link").focus()
    manager.keyboard.press("x")
    expect(box).to_be_checked()


def test_new_items_are_announced_and_shown_only_when_asked_for(sign_in, portal):
    manager = sign_in("case manager")
    manager.clock.install()  # the 30-second poll, run without waiting 30 seconds
    manager.goto("/inbox/?sort=received")
    expect(heading(manager)).to_have_text("Inbox: All open")
    news = manager.locator("#new-items-status")
    listen_for_announcements(manager)

    reference = portal.new_document(note="Arrived while the inbox was open")
    with manager.expect_response(re.compile(r"/inbox/new\?")):
        manager.clock.fast_forward("00:31")

    expect(news).to_have_text("1 new item in this view since you opened it. Show them")
    assert announcements(manager) == ["1 new item in this view since you opened it. Show them"]
    expect(row(manager, reference)).to_have_count(0)  # nothing moved under the case manager's cursor
    audit(manager, "Case manager: inbox, new items waiting")

    # The next poll finds nothing newer: the notice stays as it is, and is not read out again.
    listen_for_announcements(manager)
    with manager.expect_response(re.compile(r"/inbox/new\?")):
        manager.clock.fast_forward("00:31")
    expect(news).to_have_text("1 new item in this view since you opened it. Show them")
    assert announcements(manager) == []

    news.get_by_role("link", name="Show them").click()
    expect(row(manager, reference)).to_be_visible()
    expect(news).to_have_text("")
    expect(manager).to_have_url(re.compile(r"/inbox/\?sort=received$"))
    expect(heading(manager)).to_be_focused()
    # The list is still the list: another view replaces it in place as before.
    tab(manager, "Mine").click()
    expect(heading(manager)).to_have_text("Inbox: Mine")
    expect(manager.locator(".inbox > #inbox-list")).to_have_count(1)


def test_another_page_swaps_the_rows_alone_and_claiming_there_stays_on_that_page(sign_in, portal):
    references = [portal.new_document(note=f"Paged, number {number}") for number in range(1, 6)]
    for days, reference in enumerate(references, start=1):
        portal.make_overdue(reference, days=days)
    manager = sign_in("case manager")

    def shown() -> list[str]:
        return [
            label.replace("Select ", "")
            for label in manager.locator("tr.inbox-row input[type=checkbox]").evaluate_all(
                "boxes => boxes.map(box => box.getAttribute('aria-label'))"
            )
        ]

    with portal.pages_of(2):
        manager.goto("/inbox/?tab=overdue&sort=received")
        expect(manager.locator("tr.inbox-row")).to_have_count(2)
        first_page = shown()
        manager.get_by_text("Filters", exact=True).click()  # opened, they drop down over the list

        # By keyboard to Next page: the rows change; the heading and tabs stay as they were, and the filters fold
        # out of the rows' way.
        tab_to(manager, manager.locator("#next-page"))
        with manager.expect_response(re.compile(r"/inbox/results\?")):
            manager.keyboard.press("Enter")
        manager.wait_for_url(lambda url: "after" in view_in(url))
        expect(manager.locator("tr.inbox-row")).to_have_count(2)
        second_page = shown()
        assert not set(second_page) & set(first_page)
        expect(manager.locator("#next-page")).to_be_focused()  # five overdue items at least: a third page
        assert_focus_visible(manager)
        expect(manager.locator(".inbox-filters__more")).not_to_have_attribute("open", "")
        expect(heading(manager)).to_have_text("Inbox: Overdue")

        # Claiming a row on this page shows this page again, not the first.
        chosen = row(manager, second_page[0])
        chosen.get_by_role("checkbox").check()
        with manager.expect_response(re.compile(r"/inbox/several\?")):
            manager.get_by_role("button", name="Claim selected").click()
        expect(manager.locator("#flash-messages")).to_contain_text("Claimed 1 item.")
        expect(chosen.locator("[data-claim]")).to_have_count(0)
        assert shown() == second_page


def test_every_view_and_state_of_the_inbox_passes_the_accessibility_checks(sign_in, portal):
    portal.new_document(note="Something in every open view")
    manager = sign_in("case manager")

    # Each tab (All open, the default, is "Case manager: inbox" in test_pages).
    for label in ("Mine", "Unassigned", "Needs information", "Overdue", "Closed"):
        tab(manager, label).click()
        expect(heading(manager)).to_have_text(f"Inbox: {label}")
        audit(manager, f"Case manager: inbox, {label} tab")
    tab(manager, "All open").click()
    expect(heading(manager)).to_have_text("Inbox: All open")

    # A search that finds nothing.
    search(manager, "Nobody Called This")
    expect(manager.get_by_text("Nothing in all open matches this search and these filters.")).to_be_visible()
    audit(manager, "Case manager: inbox, a search that finds nothing")
    manager.get_by_role("link", name="Clear search and filters").click()
    expect(manager.locator("#inbox-caption")).not_to_contain_text("filtered")

    # The actions on selected items show once an item is ticked. Assign selected without a case
    # manager chosen: the error is announced, beside the button, which stays in sight with it.
    expect(manager.get_by_role("button", name="Assign selected")).to_be_hidden()
    manager.locator("#inbox-table tbody").get_by_role("checkbox").first.check()
    listen_for_announcements(manager)
    manager.get_by_role("button", name="Assign selected").click()
    expect(manager.get_by_role("alert")).to_have_text("Choose an active case manager.")
    assert any("Choose an active case manager." in said for said in announcements(manager))
    expect(manager.get_by_role("button", name="Assign selected")).to_be_focused()  # still where it was
    audit(manager, "Case manager: inbox, assign with no case manager chosen (htmx)")

    # A priority, explained on focus; Escape hides the explanation and leaves focus where it is.
    badge = manager.locator(".priority[tabindex]").first
    tab_to(manager, badge, most=120)
    explanation = manager.get_by_role("tooltip").filter(visible=True)
    expect(explanation).to_have_count(1)
    expect(explanation).to_contain_text("priority")
    expect(badge).to_have_accessible_description(re.compile("priority"))
    audit(manager, "Case manager: inbox, a priority explained")
    tab_to(manager, badge, most=120)
    manager.keyboard.press("Escape")
    expect(manager.get_by_role("tooltip").filter(visible=True)).to_have_count(0)
    expect(badge).to_be_focused()

    # 320 px wide throughout, the whole audit (axe and the keyboard too, not only the reflow check).
    manager.set_viewport_size({"width": 320, "height": 640})
    audit(manager, "Case manager: inbox, 320 px wide")


def test_ticked_items_are_assigned_to_a_colleague_and_the_panes_choices_leave_the_list_alone(sign_in, portal):
    portal.create_account("dana.colleague@demo.test", "Dana Colleague", Role.CASE_MANAGER, "a colleague's passphrase")
    references = [portal.new_document(note=f"To hand over, number {number}") for number in (1, 2)]
    manager = sign_in("case manager")
    tab(manager, "Unassigned").click()
    expect(heading(manager)).to_have_text("Inbox: Unassigned")
    for reference in references:
        manager.get_by_label(f"Select {reference}").check()

    # Choosing whom to assign to is not a change of view: the ticks and the choice stay.
    manager.locator("#bulk-actions").get_by_label("Assign to").select_option(label="Dana Colleague")
    for reference in references:
        expect(manager.get_by_label(f"Select {reference}")).to_be_checked()
    manager.get_by_role("button", name="Assign selected").click()
    expect(status_message(manager)).to_have_text("Assigned to Dana Colleague: 2 items.")
    tab(manager, "All open").click()
    expect(heading(manager)).to_have_text("Inbox: All open")
    for reference in references:
        expect(row(manager, reference)).to_contain_text("Dana Colleague")

    # In the item beside the list, choosing a case manager and assigning updates the item and its
    # row, and never reloads the list (which would take focus to its heading).
    row(manager, references[0]).get_by_role("link").click()
    item = pane(manager)
    expect(item).to_contain_text(references[0])
    manager.evaluate("document.getElementById('inbox-title').dataset.drawn = 'before'")
    item.get_by_text("Assign to another case manager").click()
    item.get_by_label("Assign to").select_option(label="Morgan Manager")
    item.get_by_role("button", name="Assign", exact=True).click()
    expect(status_message(manager)).to_have_text("Assigned.")
    expect(row(manager, references[0])).to_contain_text("Morgan Manager")
    expect(manager.locator("#inbox-title")).to_have_attribute("data-drawn", "before")
    audit(manager, "Case manager: inbox, assigned from the pane beside the list")


def test_beside_an_item_open_on_a_1440_by_900_screen_at_least_ten_rows_show_without_scrolling(sign_in, portal):
    for number in range(1, 13):
        portal.new_document(note=f"A full inbox, number {number}")
    manager = sign_in("case manager")
    manager.set_viewport_size(LAPTOP)
    manager.goto("/inbox/?kind=document&sort=received")  # these documents first, whatever else is open
    expect(heading(manager)).to_have_text("Inbox: All open")
    first_row(manager).get_by_role("link").first.click()
    expect(pane(manager).get_by_role("heading", level=2).first).to_be_focused()
    expect(first_row(manager)).to_have_attribute("aria-current", "true")

    assert manager.locator("#inbox-table tbody").get_by_role("row").count() >= 12
    shown = rows_in_first_screen(manager)
    assert shown >= 10, f"only {shown} rows of the list lie wholly within the first 900 px beside the open item"
    # The search and the order are in sight; the other filters are folded into the same bar.
    expect(manager.get_by_role("searchbox", name="Search", exact=True)).to_be_in_viewport()
    expect(manager.get_by_label("Order")).to_be_in_viewport()
    expect(manager.get_by_label("Kind")).to_be_hidden()
    blocking, _ = axe_problems(manager)
    assert not blocking, blocking


def test_the_folded_filters_stay_open_and_keep_focus_while_a_filter_is_chosen_by_keyboard(sign_in, portal):
    portal.new_document(note="Filtered by keyboard")
    manager = sign_in("case manager")
    summary = manager.locator("summary", has_text="Filters")
    tab_to(manager, summary)
    manager.keyboard.press("Enter")
    kind = manager.get_by_label("Kind")
    tab_to(manager, kind)
    manager.keyboard.press("ArrowDown")  # a closed list moves to the next choice: the first kind
    expect(manager.locator("#inbox-caption")).to_contain_text("filtered")
    expect(kind).to_be_focused()  # still open, focus where it was
    expect(kind).not_to_have_value("")
    expect(summary).to_contain_text("1")  # one filter on
    assert_focus_visible(manager)
    manager.keyboard.press("Escape")  # folds them again, focus on their summary
    expect(kind).to_be_hidden()
    expect(summary).to_be_focused()
    # Open again, Tab past the last filter: they fold, so that what has focus is not under them.
    manager.keyboard.press("Enter")
    tab_to(manager, manager.get_by_label("Case type"))
    manager.keyboard.press("Tab")
    clear = manager.get_by_role("link", name="Clear search and filters")
    expect(clear).to_be_focused()
    expect(kind).to_be_hidden()
    clear.click()
    expect(manager.locator("#inbox-caption")).not_to_contain_text("filtered")


def test_on_a_phone_the_opened_filters_fold_away_once_a_search_is_made_or_the_list_is_tapped(sign_in, portal):
    reference = portal.new_document(note="Found on a phone")
    manager = sign_in("case manager")
    manager.set_viewport_size(PHONE)
    manager.goto("/inbox/?sort=received")
    more = manager.locator(".inbox-filters__more")
    summary = manager.locator("summary", has_text="Filters")

    # Open, they drop down over the list; a search from the box outside them folds them, to show what it found.
    summary.click()
    expect(manager.get_by_label("Kind")).to_be_visible()
    search(manager, reference)
    expect(more).not_to_have_attribute("open", "")
    expect(row(manager, reference)).to_be_in_viewport()

    # A filter chosen in them keeps them open for the next; a tap on the list folds them.
    summary.click()
    manager.get_by_label("Kind").select_option(label="Document")
    expect(manager.locator("#inbox-caption")).to_contain_text("filtered")
    expect(more).to_have_attribute("open", "")
    heading(manager).click()
    expect(more).not_to_have_attribute("open", "")
    expect(row(manager, reference)).to_be_visible()


def test_on_a_phone_the_list_starts_on_the_first_screen_and_each_row_shows_its_status_and_due_date(sign_in, portal):
    reference = portal.new_document(note="Read on a phone")
    manager = sign_in("case manager")
    manager.set_viewport_size(PHONE)
    manager.goto("/inbox/?sort=received")
    expect(heading(manager)).to_have_text("Inbox: All open")

    box = first_row(manager).bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (
        f"the first row is at {box}, not on the first screen"
    )
    assert manager.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert cells_out_of_sight_sideways(manager) == []
    newest = row(manager, reference)
    expect(newest).to_contain_text("New")
    expect(newest).to_contain_text(re.compile(r"Due .*\d{4}"))
    audit(manager, "Case manager: inbox on a phone (375 px)")


def test_without_javascript_the_filters_and_the_actions_on_ticked_items_still_work(browser, portal, sign_in):
    reference = portal.new_document(note="Claimed without JavaScript")
    session = sign_in("case manager").context.storage_state()
    context = browser.new_context(
        base_url=portal.base_url, viewport=LAPTOP, storage_state=session, java_script_enabled=False
    )
    try:
        manager = context.new_page()
        manager.goto("/inbox/?sort=received")
        expect(heading(manager)).to_have_text("Inbox: All open")
        # The folded filters open as any disclosure does, and Show applies them.
        manager.locator("summary", has_text="Filters").click()
        manager.get_by_label("Kind").select_option(label="Document")
        with manager.expect_navigation():
            manager.get_by_role("button", name="Show").click()
        expect(manager.locator("#inbox-caption")).to_contain_text("filtered")
        assert view_in(manager.url) == {"tab": "open", "kind": "document", "sort": "received"}

        # The actions show once an item is ticked, by the stylesheet alone.
        claim_selected = manager.get_by_role("button", name="Claim selected")
        expect(claim_selected).to_be_hidden()
        manager.get_by_label(f"Select {reference}").check()
        expect(claim_selected).to_be_visible()
        with manager.expect_navigation():
            claim_selected.click()
        expect(status_message(manager)).to_have_text("Claimed 1 item.")
        expect(row(manager, reference)).to_contain_text("Morgan Manager")
    finally:
        context.close()
