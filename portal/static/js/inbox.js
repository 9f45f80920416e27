// The inbox list: the review pane beside it on a wide screen, its single-key shortcuts, and where
// focus goes after it is swapped. Without this the list still works: rows are links, buttons post.
(function () {
  "use strict";

  var WIDE = "(min-width: 75rem)";
  var SHORTCUTS_KEY = "inbox-shortcuts";
  var lastRowId = null;

  function wide() { return window.matchMedia(WIDE).matches; }

  // A narrow screen opens an item as its own page: the click never reaches htmx, so the link is followed.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-pane-link]") : null;
    if (link && (!wide() || event.ctrlKey || event.metaKey || event.shiftKey)) { event.stopPropagation(); }
  }, true);

  function rowOf(element) { return element && element.closest ? element.closest("tr.inbox-row") : null; }
  function openLink(row) { return row.querySelector(".inbox-row__open"); }

  // Remember which row an action came from, so that focus can go back to it after the list is redrawn.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var row = rowOf(document.activeElement) || rowOf(event.detail.elt);
    lastRowId = row ? row.id : null;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var list = document.getElementById("inbox-list");
    if (event.target === list) {
      // htmx keeps focus on a control with the same id (a tab, a filter, Next page); otherwise
      // back to the row acted on, or to the list's heading.
      if (list.contains(document.activeElement)) { return; }
      var row = lastRowId && document.getElementById(lastRowId);
      var target = row ? openLink(row) : document.getElementById("inbox-title");
      if (target) { target.focus(); }
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

  // Single keys act only while focus is in the list itself, never in a text box, and never with a
  // modifier: a screen reader's own keys (in its reading mode it keeps them) are left alone.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || !shortcutsOn()) { return; }
    var focused = event.target;
    var list = document.getElementById("inbox-list");
    if (!list || !list.contains(focused) || focused.closest("input[type=search], input[type=text], textarea, select")) { return; }
    if (event.key === "/") {
      event.preventDefault();
      document.getElementById("filter-q").focus();
      return;
    }
    var row = rowOf(focused);
    if (!row) { return; }
    var rows = Array.prototype.slice.call(list.querySelectorAll("tr.inbox-row"));
    var index = rows.indexOf(row);
    if (event.key === "j" || event.key === "k") {
      var next = rows[index + (event.key === "j" ? 1 : -1)];
      if (next) { event.preventDefault(); openLink(next).focus(); }
    } else if (event.key === "x") {
      event.preventDefault();
      var box = row.querySelector("input[type=checkbox]");
      box.checked = !box.checked;
      openLink(row).focus();
    } else if (event.key === "c") {
      event.preventDefault();
      var ticked = list.querySelectorAll("tr.inbox-row input[type=checkbox]:checked").length;
      var button = ticked ? document.getElementById("claim-selected") : row.querySelector("[data-claim]");
      if (button) { button.click(); }
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
