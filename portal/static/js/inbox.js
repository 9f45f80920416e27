// The inbox list: the review pane beside it on a wide screen, its single-key shortcuts, and where
// focus goes after it is swapped. Without this the list still works: rows are links, buttons post.
(function () {
  "use strict";

  var WIDE = "(min-width: 75rem)";
  var SHORTCUTS_KEY = "inbox-shortcuts";
  // The row an action came from, and its place in the list, for focus to go back to once it is redrawn.
  var lastRowId = null;
  var lastRowIndex = -1;
  // What had focus before the list (with the filters) is redrawn.
  var focusedId = null;

  function wide() { return window.matchMedia(WIDE).matches; }

  // A narrow screen opens an item as its own page: the click never reaches htmx, so the link is followed.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-pane-link]") : null;
    if (link && (!wide() || event.ctrlKey || event.metaKey || event.shiftKey)) { event.stopPropagation(); }
  }, true);

  function rowOf(element) { return element && element.closest ? element.closest("tr.inbox-row") : null; }
  function openLink(row) { return row.querySelector(".inbox-row__open"); }
  function listRows() {
    var list = document.getElementById("inbox-list");
    return list ? Array.prototype.slice.call(list.querySelectorAll("tr.inbox-row")) : [];
  }
  function moreFilters() { return document.querySelector(".inbox-filters__more"); }

  // The whole list (a change of view, an action on ticked rows) or its rows and pager alone (another page).
  function isList(element) { return Boolean(element) && (element.id === "inbox-list" || element.id === "inbox-results"); }

  // Remember which row an action on the list or the pane came from (the 30-second poll is neither).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (!target || (!isList(target) && target.id !== "item-pane")) { return; }
    // Claim or Assign selected: back to the first of the rows ticked.
    var ticked = isList(target) ? document.querySelector("tr.inbox-row input[type=checkbox]:checked") : null;
    var row = rowOf(document.activeElement) || rowOf(event.detail.elt) || rowOf(ticked);
    lastRowId = row ? row.id : null;
    lastRowIndex = row ? listRows().indexOf(row) : -1;
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!isList(event.detail.target)) { return; }
    focusedId = document.activeElement ? document.activeElement.id : null;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var list = document.getElementById("inbox-list");
    // The event fires on each element swapped in, those out of band too: act once, on the list's own.
    var target = event.detail.target;
    if (isList(target) && target.contains(event.target)) {
      // A filter chosen in the folded filters redraws them: they open again for the next one, and focus goes
      // back to the filter (htmx could not, while the fold was still closed).
      var more = moreFilters();
      var focused = focusedId && document.getElementById(focusedId);
      if (more && focused && more.contains(focused)) { more.open = true; }
      if (focused && focused !== document.activeElement) { focused.focus(); }
      // htmx keeps focus on a control with the same id (a tab, a filter, Next page); otherwise back
      // to the row acted on, or if it left this view, to the row now in its place; else the heading.
      if (list.contains(document.activeElement)) { return; }
      var row = lastRowId && document.getElementById(lastRowId);
      var rows = listRows();
      if (!row && lastRowIndex >= 0 && rows.length) { row = rows[Math.min(lastRowIndex, rows.length - 1)]; }
      var landing = row ? openLink(row) : document.getElementById("inbox-title");
      if (landing) { landing.focus(); }
    }
    if (event.target.id === "item-pane") {
      event.target.parentElement.classList.add("inbox--with-item");
      // portal.js tried to focus the item's title while the pane was still hidden (display: none)
      // the first time an item opens; now that it shows, focus it.
      var title = event.target.querySelector("[data-focus-after-swap]");
      if (title) { title.focus(); }
      document.querySelectorAll("tr.inbox-row[aria-current]").forEach(function (row) { row.removeAttribute("aria-current"); });
      var opened = lastRowId && document.getElementById(lastRowId);
      if (opened) { opened.setAttribute("aria-current", "true"); }
    }
  });

  function shortcutsOn() { return window.localStorage.getItem(SHORTCUTS_KEY) !== "off"; }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("shortcuts-on");
    if (!toggle) { return; }
    toggle.checked = shortcutsOn();
    toggle.addEventListener("change", function () {
      window.localStorage.setItem(SHORTCUTS_KEY, toggle.checked ? "on" : "off");
    });
  });

  // Where a key is a character typed or an option chosen, never a shortcut.
  var NOT_TYPED = /^(checkbox|radio|button|submit|reset|image|file|color|range)$/;
  function typingIn(element) {
    if (!element || !element.closest) { return false; }
    if (element.isContentEditable || element.closest("textarea, select")) { return true; }
    return element.tagName === "INPUT" && !NOT_TYPED.test(element.type);
  }

  // Single keys act anywhere on the inbox (focus on the page itself, a row, the pane's buttons) but
  // never in a text box or a list to choose from, and never with a modifier. A screen reader in its
  // reading mode keeps its keys: the page does not hear them.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || !shortcutsOn()) { return; }
    var focused = event.target;
    var list = document.getElementById("inbox-list");
    if (!list || typingIn(focused)) { return; }
    if (event.key === "/") {
      var search = document.getElementById("filter-q");
      if (search) { event.preventDefault(); search.focus(); }
      return;
    }
    var rows = listRows();
    var row = rowOf(focused);
    if (event.key === "j" || event.key === "k") {
      var step = event.key === "j" ? 1 : -1;
      var next;
      if (row) {
        next = rows[rows.indexOf(row) + step];
      } else {
        // From outside the list: next to the item open beside it, or else the first item.
        var current = list.querySelector("tr.inbox-row[aria-current]");
        next = current ? rows[rows.indexOf(current) + step] : rows[0];
      }
      if (next) { event.preventDefault(); openLink(next).focus(); }
    } else if (event.key === "x" && row) {
      event.preventDefault();
      var box = row.querySelector("input[type=checkbox]");
      box.checked = !box.checked;
      openLink(row).focus();
    } else if (event.key === "c") {
      var ticked = list.querySelectorAll("tr.inbox-row input[type=checkbox]:checked").length;
      var button = ticked ? document.getElementById("claim-selected") : (row && row.querySelector("[data-claim]"));
      if (button) {
        event.preventDefault();
        if (row) { openLink(row).focus(); }  // the row the action comes from, for focus to come back to
        button.click();
      }
    }
  });

  // Opened, the folded filters drop down over the list: anything done outside them (a search, a tab, Clear,
  // another page, a tap on the list) folds them, so that they never hide what it shows (on a phone, all of it).
  document.addEventListener("click", function (event) {
    var more = moreFilters();
    if (more && more.open && !more.contains(event.target)) { more.open = false; }
  });
  // So does focus leaving them (Tab past the last filter), so that what has focus is never under them. (A filter
  // redrawn by a swap loses focus to nothing, not to something outside: that keeps them open.)
  document.addEventListener("focusout", function (event) {
    var more = moreFilters();
    var next = event.relatedTarget;
    if (more && more.open && more.contains(event.target) && next && !more.contains(next)) { more.open = false; }
  });

  // The folded filters close with Escape, focus back on their summary.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var more = event.target.closest ? event.target.closest(".inbox-filters__more[open]") : null;
    if (more) {
      more.open = false;
      more.querySelector("summary").focus();
    }
  });

  // A priority's explanation shows on hover and focus; Escape hides it without moving focus (WCAG 1.4.13).
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target.classList && event.target.classList.contains("priority")) {
      event.target.parentElement.classList.add("has-tooltip--dismissed");
    }
  });
  document.addEventListener("focusout", function (event) {
    var holder = event.target.closest ? event.target.closest(".has-tooltip--dismissed") : null;
    if (holder) { holder.classList.remove("has-tooltip--dismissed"); }
  });
})();
