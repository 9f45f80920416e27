"""What every screen is held to: axe-core's WCAG 2.2 A/AA rules, the keyboard, and 320 px wide.

``audit(page, screen)`` runs all three on the page as it is, records the outcome for
docs/accessibility.md (``make accessibility-report``) and fails naming the screen, the rule
and the elements.
"""

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
NARROW = {"width": 320, "height": 640}


@dataclass
class ScreenResult:
    address: str
    axe: str
    keyboard: str
    reflow: str


RESULTS: dict[str, ScreenResult] = {}


def axe_problems(page) -> tuple[list[str], list[str]]:
    """Serious and critical violations, each with its rule and elements; and the ids of lesser ones.

    axe goes in through page.evaluate, which the page's CSP (script-src 'self') does not
    govern, so the CSP stays in force for everything else: a context with bypass_csp
    would also hide the portal's own CSP mistakes from the suite.
    """
    if not page.evaluate("() => 'axe' in window"):
        page.evaluate(AXE.read_text())
    # iframes: false, because the only frames are file previews: the person's own file in the
    # browser's viewer, with an opaque origin and no scripts (in Chromium, a refusal page), not
    # the portal's markup. The <iframe> element itself (its title) is still checked.
    results = page.evaluate(
        """tags => axe.run(document, {
        runOnly: {type: "tag", values: tags}, resultTypes: ["violations"], iframes: false})""",
        WCAG_22_A_AA,
    )
    blocking, lesser = [], []
    for violation in results["violations"]:
        if violation["impact"] in BLOCKING:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:8])
            blocking.append(f"{violation['id']} ({violation['impact']}: {violation['help']}) at {targets}")
        else:
            lesser.append(violation["id"])
    return blocking, lesser


# Helpers in the page for the keyboard checks, defined by whichever check runs first there.
_SWEEP = """
  if (!window.sweep) {
    // Identity without marking the page: elements numbered in a map that only this check holds.
    const ids = new WeakMap();
    let counted = 0;
    window.sweep = {
      stop: el => {
        // A radio group is one Tab stop (arrows move within it); any other control is its own.
        if (el.type === "radio") return `radio:${el.form ? el.form.id : ""}:${el.name}`;
        if (!ids.has(el)) ids.set(el, ++counted);
        return ids.get(el);
      },
      name: el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
          + ` "${(el.innerText || el.value || el.getAttribute("aria-label") || el.title || "")
                .replace(/\\s+/g, " ").trim().slice(0, 40)}"`,
      tabbable: el => el.tabIndex >= 0 && !el.disabled && !el.closest("[inert]")
          && el.checkVisibility({visibilityProperty: true}),
    };
  }
"""


def focus_state(page) -> dict:
    """Where focus is: its Tab stop, a name for messages, and whether a person can see it there."""
    return page.evaluate(
        """() => {"""
        + _SWEEP
        + """
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement) return {none: true};
      const style = getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
      return {
        stop: sweep.stop(el),
        name: sweep.name(el),
        frame: el.tagName === "IFRAME",
        indicator: outline || style.boxShadow !== "none",
        onScreen: rect.right > 0 && rect.bottom > 0 && rect.left < innerWidth && rect.top < innerHeight,
      };
    }"""
    )


def focus_problems(state: dict) -> list[str]:
    if state.get("none") or state["frame"]:
        return []  # focus inside a frame is drawn by its own document (the browser's file viewer)
    problems = [] if state["indicator"] else [f"no visible focus on {state['name']}"]
    if not state["onScreen"]:
        problems.append(f"focus on {state['name']}, which is off screen")
    return problems


def keyboard_problems(page) -> tuple[int, list[str]]:
    """Tab through the whole page once: every control is reached, shows focus where it can be seen,
    and nothing traps the keyboard. Returns the number of Tab stops and the problems."""
    reachable = page.evaluate(
        """() => {"""
        + _SWEEP
        + """
      return [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, "
                                           + "details > summary:first-of-type, iframe, [tabindex]")]
        .filter(sweep.tabbable).map(el => ({stop: sweep.stop(el), name: sweep.name(el)}));
    }"""
    )
    problems, seen, previous, repeats = [], set(), None, 0
    for _ in range(3 * len(reachable) + 20):
        page.keyboard.press("Tab")
        state = focus_state(page)
        if state.get("none"):
            continue  # past the last control: the browser's own UI, before it wraps round
        if state["stop"] == previous:
            repeats += 1
            # A date field's parts, and a frame's own controls, each take a Tab of their own.
            if repeats > (50 if state["frame"] else 10):
                problems.append(f"the keyboard is stuck on {state['name']}")
                break
            continue
        previous, repeats = state["stop"], 0
        if state["stop"] in seen:
            break  # round once: back at the first stop
        seen.add(state["stop"])
        problems += focus_problems(state)
    else:
        problems.append("Tab never came back round to the first control")
    missed = [control["name"] for control in reachable if control["stop"] not in seen]
    if missed:
        problems.append(f"Tab never reaches {', '.join(missed)}")
    return len(seen), problems


def tab_to(page, target, most: int = 60) -> None:
    """Press Tab until ``target`` (a locator) has focus, failing if focus cannot be seen at any step."""
    for _ in range(most):
        page.keyboard.press("Tab")
        problems = focus_problems(focus_state(page))
        assert not problems, f"on the way to {target}: {problems}"
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{most} presses of Tab never reached {target}")


def assert_focus_visible(page) -> None:
    state = focus_state(page)
    assert not state.get("none"), "nothing has focus"
    problems = focus_problems(state)
    assert not problems, problems


def reflow_problems(page) -> list[str]:
    """At 320 CSS px wide (WCAG 1.4.10): no sideways scrolling of the page, nothing cut off.

    A table may scroll sideways inside its own focusable region; that is the exception
    the criterion makes for data tables. The window then goes back to the size it had, so that
    a test on a phone carries on at a phone's width.
    """
    before = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        return page.evaluate("""() => {
          const problems = [];
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth > window.innerWidth) {
            problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}px wide `
                          + `in a ${window.innerWidth}px window`);
          }
          const scrolls = el => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
          // Text for screen readers only: the .visually-hidden class, or the same clipping applied by
          // a rule of the page's own (the inbox's column heads, once its rows are no longer a table).
          const clipped = style => style.position === "absolute" && style.clip === "rect(0px, 0px, 0px, 0px)";
          const forReaders = [...document.body.querySelectorAll("*")]
              .filter(el => el.matches(".visually-hidden") || clipped(getComputedStyle(el)));
          const readersOnly = el => forReaders.some(hidden => hidden.contains(el));
          const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
              + (typeof el.className === "string" && el.className
                 ? "." + el.className.trim().replace(/\\s+/g, ".") : "")
              + ` "${(el.innerText || "").replace(/\\s+/g, " ").trim().slice(0, 40)}"`;
          const reported = [];  // the outermost element that sticks out is enough: its contents go with it
          for (const el of document.body.querySelectorAll("*")) {
            if (!el.checkVisibility({visibilityProperty: true}) || readersOnly(el)) continue;
            const rect = el.getBoundingClientRect();
            if (rect.width === 0 || rect.height === 0) continue;
            if (rect.right <= 0) continue;  // moved wholly off screen on purpose (the skip link until focused)
            let parent = el.parentElement, inScroller = false;
            while (parent && parent !== document.body && !inScroller) {
              inScroller = scrolls(parent);
              parent = parent.parentElement;
            }
            if (!inScroller && (rect.left < -1 || rect.right > width + 1) && !reported.some(out => out.contains(el))) {
              reported.push(el);
              problems.push(`${name(el)} sticks out of the window `
                            + `(${Math.round(rect.left)} to ${Math.round(rect.right)}px)`);
            }
            const style = getComputedStyle(el);
            if (["hidden", "clip"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
              problems.push(`${name(el)} is cut off: ${el.scrollWidth}px of content in ${el.clientWidth}px`);
            }
          }
          // Squeezed text: a word short enough for a line of its own, broken across lines anyway
          // (a table's cells crushed to a letter or two wide reads as nonsense).
          const roomy = width - 32;
          const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          const range = document.createRange();
          for (let node = texts.nextNode(); node; node = texts.nextNode()) {
            const holder = node.parentElement;
            if (!holder.checkVisibility({visibilityProperty: true}) || readersOnly(holder)) continue;
            for (const word of node.data.matchAll(/[^\\s\\-\\/]{2,}/g)) {
              range.setStart(node, word.index);
              range.setEnd(node, word.index + word[0].length);
              const parts = [...range.getClientRects()].filter(rect => rect.width > 0);
              const tops = new Set(parts.map(rect => Math.round(rect.top)));
              if (tops.size > 1 && parts.reduce((sum, rect) => sum + rect.width, 0) < roomy) {
                problems.push(`the word "${word[0]}" is broken across lines in ${name(holder)}`);
              }
            }
          }
          return problems.slice(0, 10);
        }""")
    finally:
        page.set_viewport_size(before)


_LISTEN = """() => {
  window.announced = [];
  if (window.announcer) return;
  const liveRegion = node => node
      && node.closest("[role=status], [role=alert], [role=log], [aria-live]:not([aria-live=off])");
  window.announcer = new MutationObserver(records => {
    const said = new Set();
    for (const record of records) {
      // What changes inside a live region that was already on the page is read out...
      const region = liveRegion(record.target.nodeType === 1 ? record.target : record.target.parentElement);
      if (region) { said.add(region); continue; }
      // ...and so is an alert as it appears. A status region that arrives full is not.
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        for (const alert of [node, ...node.querySelectorAll("[role=alert]")]) {
          if (alert.matches("[role=alert]")) said.add(alert);
        }
      }
    }
    for (const region of said) {
      const text = region.innerText.trim();
      if (text) window.announced.push(text);
    }
  });
  window.announcer.observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


def status_message(page):
    """The status region where the portal says what was just done (``#flash-messages``).

    The inbox has a second status region, for new items, so ``get_by_role("status")`` alone
    is ambiguous there; every screen has this one.
    """
    return page.locator("#flash-messages")


def follow(link) -> None:
    """Click a link and wait until the page it leads to has loaded, so that nothing runs on the old one."""
    with link.page.expect_navigation():
        link.click()


def listen_for_announcements(page) -> None:
    """From now on, note what a screen reader would announce from live regions on this page.

    A page may have several (the inbox has two status regions: what was done, and new items);
    each is heard on its own, its whole text once for each batch of changes inside it, and a
    region that arrives with a swap of the content around it says nothing until it changes.
    """
    page.evaluate(_LISTEN)


def announcements(page) -> list[str]:
    """What was announced since ``listen_for_announcements``; waits a little for the first."""
    try:
        page.wait_for_function("() => window.announced.length > 0", timeout=3_000)
    except PlaywrightTimeout:
        pass
    return page.evaluate("() => window.announced")


def _address(url: str) -> str:
    """The page's path with ids and one-time tokens replaced, so that the report is the same each run."""
    path = re.sub(r"/\d+(?=/|$)", "/<id>", urlsplit(url).path)
    return re.sub(r"/[\w-]{20,}(?=/|$)", "/<token>", path)


def audit(page, screen: str) -> None:
    """Check the screen as it is now with axe, the keyboard and at 320 px; fail naming what is wrong.

    Once the page has loaded: a test that waited for a new page's text may come here before its stylesheet
    applies, and axe then measures unstyled links and buttons (touch targets too small, too close)."""
    page.wait_for_load_state("load")
    blocking, lesser = axe_problems(page)
    axe = (
        ("Fails: " + ", ".join(v.split(" ")[0] for v in blocking))
        if blocking
        else "Pass: no serious or critical violations"
    )
    if lesser:
        axe += f" (lesser: {', '.join(sorted(set(lesser)))})"
    stops, keyboard = keyboard_problems(page)
    reflow = reflow_problems(page)
    RESULTS[screen] = ScreenResult(
        address=_address(page.url),
        axe=axe,
        keyboard=f"Fails: {'; '.join(keyboard)}" if keyboard else f"Pass: {stops} Tab stops, focus visible at each",
        reflow=f"Fails: {'; '.join(reflow)}" if reflow else "Pass",
    )
    problems = [f"axe: {v}" for v in blocking] + [f"keyboard: {p}" for p in keyboard] + [f"320 px: {p}" for p in reflow]
    assert not problems, f"{screen} ({page.url}):\n  " + "\n  ".join(problems)


def write_report(target: Path, chromium: Path) -> None:
    axe_version = json.loads((AXE.parent / "package.json").read_text())["version"]
    browser = subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Accessibility: what the browser suite checks, screen by screen",
        "",
        "Written by `make accessibility-report` from the browser suite (tests/browser); do not edit by hand.",
        f"Checked with axe-core {axe_version} against WCAG 2.2 A and AA ({', '.join(WCAG_22_A_AA)}) on {browser}.",
        "",
        "- **axe**: no violation of serious or critical impact (lesser ones are listed).",
        "- **Keyboard**: Tab goes round every control once, each shows a visible focus indicator on",
        "  screen, and nothing traps the keyboard.",
        "- **320 px**: at 320 CSS pixels wide the page does not scroll sideways, nothing sticks out or",
        "  is cut off, and no word is broken across lines for want of room (a data table may scroll",
        "  sideways inside its own focusable region).",
        "",
        "| Screen | Address | axe | Keyboard | 320 px |",
        "|---|---|---|---|---|",
    ]
    for screen, result in sorted(RESULTS.items()):
        cells = [screen, f"`{result.address}`", result.axe, result.keyboard, result.reflow]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n")
