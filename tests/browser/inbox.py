"""The case manager's inbox as a person works it: find an item, open it, read the tab counts.

On the suite's desktop viewport (1280 px, wider than the inbox's 75rem) an item opens in the
pane beside the list; on a narrow screen its link is followed to the item's own page.
"""

from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import expect

COUNTED_TABS = {
    "mine": "Mine",
    "unassigned": "Unassigned",
    "needs_info": "Needs information",
    "overdue": "Overdue",
    "open": "All open",
}


def search(page, text: str) -> None:
    """Type into the inbox's search box and press Enter; wait until the list shows what was found."""
    box = page.get_by_role("searchbox", name="Search", exact=True)
    box.fill(text)
    box.press("Enter")
    page.wait_for_url(lambda url: dict(parse_qsl(urlsplit(url).query)).get("q") == text)
    expect(page.locator("#inbox-caption", has_text="filtered").or_(page.locator("#inbox-empty"))).to_be_visible()


def row(page, reference: str):
    """The list's row of the item with this reference."""
    return page.get_by_role("row").filter(has_text=reference)


def find(page, reference: str):
    """Search the inbox for the item, as a case manager who has its reference would; its row."""
    search(page, reference)
    found = row(page, reference)
    expect(found).to_have_count(1)
    return found


def pane(page):
    """The region beside the list where an item opens on a wide screen."""
    return page.get_by_role("region", name="Selected item")


def open_beside_the_list(page, reference: str) -> None:
    """Click the item's link in the list (found by search); its review opens in the pane with focus on its title."""
    find(page, reference).get_by_role("link").click()
    expect(pane(page).get_by_role("heading", level=2).first).to_be_focused()
    expect(pane(page)).to_contain_text(reference)


def tab_counts(page) -> dict[str, int]:
    """Each counted tab's live count, as its badge shows it."""
    return {tab: int(page.locator(f"#count-{tab}").inner_text()) for tab in COUNTED_TABS}


def first_row(page):
    """The first row of items in the list (the table's head row left out)."""
    return page.locator("#inbox-table tbody").get_by_role("row").first


def rows_in_first_screen(page) -> int:
    """How many rows of items lie wholly within the first screen of the page (the window's height)."""
    return page.evaluate("""() => [...document.querySelectorAll("#inbox-table tbody tr")].filter(row => {
      const box = row.getBoundingClientRect();
      return box.height > 0 && box.top + scrollY >= 0 && box.bottom + scrollY <= innerHeight;
    }).length""")


def cells_out_of_sight_sideways(page) -> list[str]:
    """Each row's status and due-date cells that are not wholly visible across the window's width."""
    return page.evaluate("""() => {
      const heads = [...document.querySelectorAll("#inbox-table thead th")].map(th => th.textContent.trim());
      const columns = [heads.indexOf("Status"), heads.indexOf("Due")];
      if (columns.includes(-1)) return [`no Status or Due column among ${heads}`];
      return [...document.querySelectorAll("#inbox-table tbody tr")].flatMap(row =>
        columns.map(column => row.cells[column]).filter(cell => {
          const box = cell.getBoundingClientRect();
          return !cell.checkVisibility({visibilityProperty: true}) || box.width === 0
            || box.left < 0 || box.right > document.documentElement.clientWidth;
        }).map(cell => `${row.id}: ${cell.innerText.trim()}`));
    }""")
