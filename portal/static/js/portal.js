// Small behaviours on top of htmx; every page works without them.
(function () {
  "use strict";

  // After a failed form post or an htmx swap, put focus on the error summary so it is read out.
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(document); });

  // A live region reads out what changes in it, not what it held when it arrived: after a swap that
  // brought in a whole new page, put its messages in again, once the empty region is on the page.
  function announceAgain() {
    var region = document.getElementById("flash-messages");
    if (!region || !region.firstElementChild) { return; }
    var messages = Array.prototype.slice.call(region.childNodes);
    region.replaceChildren();
    setTimeout(function () { region.replaceChildren.apply(region, messages); }, 250);
  }

  // After an htmx swap, focus goes to the error summary if there is one, else to the updated region's
  // heading; after a whole-page swap (HX-Location), to the new page's main heading.
  // The event fires on the swapped-in content: for an outerHTML swap, detail.target is the old, detached element.
  document.addEventListener("htmx:afterSwap", function (event) {
    var swapped = event.target;
    if (swapped.querySelector("[data-focus-on-load]")) { focusErrorSummary(swapped); return; }
    if (swapped === document.body) {
      var title = document.querySelector("main h1");
      if (title) {
        title.setAttribute("tabindex", "-1");
        title.focus();
      }
      announceAgain();
      return;
    }
    var heading = swapped.querySelector("[data-focus-after-swap]");
    if (heading) { heading.focus(); }
  });

  // Upload progress for forms marked data-upload-progress (without JavaScript they post as plain forms).
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest ? event.target.closest("[data-upload-progress]") : null;
    if (!form || !event.detail.lengthComputable) { return; }
    var box = form.querySelector(".upload-progress");
    var bar = form.querySelector("progress");
    if (box && bar) {
      box.hidden = false;
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });

  // An htmx request the server refused: say so in the live region instead of failing silently, unless it was
  // said already where it belongs (uploads.js puts a refused upload next to its field).
  document.addEventListener("htmx:responseError", function (event) {
    var region = document.getElementById("flash-messages");
    if (!region || event.defaultPrevented) { return; }
    var notice = document.createElement("p");
    notice.className = "notice notice--error";
    notice.textContent = event.detail.xhr.status === 503
      ? "The portal could not reach its database, so nothing was saved. Try again in a minute."
      : "That did not work (error " + event.detail.xhr.status + "). Reload the page and try again.";
    region.replaceChildren(notice);
  });
  document.addEventListener("htmx:sendError", function () {
    var region = document.getElementById("flash-messages");
    if (region) {
      var notice = document.createElement("p");
      notice.className = "notice notice--error";
      notice.textContent = "We could not reach the portal. Check your connection; nothing was sent.";
      region.replaceChildren(notice);
    }
  });
})();
