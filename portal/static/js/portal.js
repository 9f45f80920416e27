// Small behaviours on top of htmx; every page works without them.
(function () {
  "use strict";

  // After a failed form post or an htmx swap, put focus on the error summary so it is read out.
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(document); });

  // After an htmx swap, focus goes to the error summary if there is one, else to the updated region's heading.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target.querySelector("[data-focus-on-load]")) { focusErrorSummary(target); return; }
    var heading = target.querySelector("[data-focus-after-swap]");
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

  // An htmx request the server refused: say so in the live region instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var region = document.getElementById("flash-messages");
    if (!region) { return; }
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
