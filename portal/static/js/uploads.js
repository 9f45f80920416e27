// File fields (components/forms.html, upload_field): large photos are made smaller in the browser before they
// are sent, and what is chosen is checked against the limits the server gave the field (data-upload-limits, from
// files/storage.py), so that a choice the server would refuse is refused here, next to the field, in the server's
// own words, before anything is sent and with everything typed still in the page. Without this script the server
// makes the same check and shows the form again with the same message.
(function () {
  "use strict";

  var FIELD = "input[type=file][data-upload-limits]";
  var SHRINK_OVER = 2 * 1024 * 1024; // a photo larger than this is made smaller
  var LONGEST_SIDE = 3000; // pixels: a letter page photographed at this size still reads at about 270 dpi
  var QUALITY = 0.8;
  // What every browser can draw and the server accepts; HEIC and TIFF go as they are (the server takes them).
  var SHRINKABLE = ["image/jpeg", "image/png"];
  var BODY_TOO_LARGE = "That upload is too large, so nothing was sent. Choose fewer files, or smaller ones.";

  var preparing = new WeakMap(); // input -> the promise of its chosen files, made smaller and checked
  var waiting = new WeakSet(); // forms sent while their photos were still being made smaller

  function limitsOf(input) {
    return JSON.parse(input.getAttribute("data-upload-limits"));
  }

  // A size as the server says it (storage.human_size): three significant figures.
  function sizeInWords(size) {
    var units = [["MB", 1024 * 1024], ["KB", 1024]];
    for (var i = 0; i < units.length; i++) {
      if (size >= units[i][1]) { return Number((size / units[i][1]).toPrecision(3)) + " " + units[i][0]; }
    }
    return size + " bytes";
  }

  function namesInWords(names) {
    return names.length === 1 ? names[0] : names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  // The server's own check (storage.size_problem), in the same order and words.
  function problemWith(input, files) {
    var limits = limitsOf(input);
    var messages = limits.messages;
    if (files.length > limits.maxFiles) { return fill(messages.tooMany, { count: files.length }); }
    var large = files.filter(function (file) { return file.size > limits.maxFileBytes; })
      .map(function (file) { return file.name; });
    if (large.length === 1) { return fill(messages.tooLarge, { name: large[0] }); }
    if (large.length) { return fill(messages.severalTooLarge, { names: namesInWords(large) }); }
    var total = files.reduce(function (sum, file) { return sum + file.size; }, 0);
    if (total > limits.maxTotalBytes) { return fill(messages.tooMuch, { total: sizeInWords(total) }); }
    return null;
  }

  // The message goes where the server puts it, with the same markup: after the hint, before the input.
  function describedBy(input, id, present) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (each) {
      return each && each !== id;
    });
    if (present) { ids.push(id); }
    if (ids.length) { input.setAttribute("aria-describedby", ids.join(" ")); } else { input.removeAttribute("aria-describedby"); }
  }

  function showProblem(input, message) {
    var id = input.id + "-error";
    var error = document.getElementById(id);
    if (!error) {
      error = document.createElement("p");
      error.className = "field__error";
      error.id = id;
      input.parentNode.insertBefore(error, input);
    }
    var prefix = document.createElement("span");
    prefix.className = "visually-hidden";
    prefix.textContent = "Error:";
    error.setAttribute("role", "alert"); // read out as it appears, as the server's error summary is
    error.replaceChildren(prefix, document.createTextNode(" " + message));
    var field = input.closest(".field");
    if (field) { field.classList.add("field--error"); }
    input.setAttribute("aria-invalid", "true");
    describedBy(input, id, true);
    say(input, "");
  }

  // A new choice: what was said about the last one (by this script or the server) no longer applies.
  function clearProblem(input) {
    var id = input.id + "-error";
    var error = document.getElementById(id);
    if (error) { error.remove(); }
    var field = input.closest(".field");
    if (field) { field.classList.remove("field--error"); }
    input.removeAttribute("aria-invalid");
    describedBy(input, id, false);
  }

  function say(input, text) {
    var status = document.getElementById(input.id + "-status");
    if (status) { status.textContent = text; }
  }

  function shrinkable(file) {
    return Boolean(window.Compressor) && SHRINKABLE.indexOf(file.type) !== -1 && file.size > SHRINK_OVER;
  }

  // The photo made smaller, as a file of the same name; the original if that fails or gains nothing.
  function shrink(file) {
    if (!shrinkable(file)) { return Promise.resolve(file); }
    return new Promise(function (resolve) {
      /* eslint-disable-next-line no-new */
      new window.Compressor(file, {
        quality: QUALITY,
        maxWidth: LONGEST_SIDE,
        maxHeight: LONGEST_SIDE,
        convertSize: SHRINK_OVER, // a photo saved as PNG becomes a JPEG (on white, as a page is)
        success: function (result) {
          if (result.size >= file.size) { resolve(file); return; }
          resolve(new File([result], result.name || file.name, { type: result.type, lastModified: file.lastModified }));
        },
        error: function () { resolve(file); }, // one this browser cannot draw goes as it is, and is checked
      });
    });
  }

  // One at a time: a phone has memory for one full-size photo being drawn, not ten.
  function shrinkAll(files) {
    var done = [];
    return files.reduce(function (chain, file) {
      return chain.then(function () { return shrink(file).then(function (result) { done.push(result); }); });
    }, Promise.resolve()).then(function () { return done; });
  }

  function replaceFiles(input, files) {
    try {
      var transfer = new DataTransfer();
      files.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      return true;
    } catch (error) { // a browser that cannot replace them sends the originals, checked as they are
      return false;
    }
  }

  function plural(count, one, several) {
    return count + " " + (count === 1 ? one : several);
  }

  // Make the chosen photos smaller, put them in the field in place of the originals, and check the whole choice.
  // Resolves to whether it may be sent.
  function prepare(input) {
    var chosen = Array.prototype.slice.call(input.files);
    var toShrink = chosen.filter(shrinkable).length;
    clearProblem(input);
    say(input, toShrink ? "Making " + plural(toShrink, "photo", "photos") + " smaller before sending…" : "");
    var job = shrinkAll(chosen).then(function (files) {
      if (preparing.get(input) !== job) { return false; } // chosen again meanwhile: that choice counts
      preparing.delete(input);
      var shrunk = files.filter(function (file, index) { return file !== chosen[index]; }).length;
      var sent = shrunk && replaceFiles(input, files) ? files : chosen;
      var problem = problemWith(input, sent);
      if (problem) {
        showProblem(input, problem);
        return false;
      }
      if (sent.length) {
        var total = sent.reduce(function (sum, file) { return sum + file.size; }, 0);
        say(input, "Ready to send: " + plural(sent.length, "file", "files") + ", " + sizeInWords(total) + " in all"
          + (sent === files && shrunk ? " (" + plural(shrunk, "photo", "photos") + " made smaller)." : "."));
      }
      return true;
    });
    preparing.set(input, job);
    return job;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches(FIELD)) { prepare(input); }
  });

  function stop(event) {
    event.preventDefault();
    event.stopImmediatePropagation(); // htmx too: it listens on the form, below this
  }

  // Before the form goes (htmx or not): wait for photos still being made smaller, then send it as it was sent;
  // refuse a choice over the limits next to its field, and take the keyboard there.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var inputs = Array.prototype.filter.call(form.elements || [], function (element) {
      return element.matches(FIELD);
    });
    if (!inputs.length) { return; }
    var pending = inputs.map(function (input) { return preparing.get(input); }).filter(Boolean);
    if (pending.length) {
      stop(event);
      if (waiting.has(form)) { return; }
      waiting.add(form);
      var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
      Promise.all(pending).then(function () {
        waiting.delete(form);
        if (!form.isConnected) { return; }
        // Sent again through this check: a choice still being prepared waits, one over the limits is refused.
        if (submitter) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
      });
      return;
    }
    for (var i = 0; i < inputs.length; i++) {
      var problem = problemWith(inputs[i], Array.prototype.slice.call(inputs[i].files));
      if (problem) {
        stop(event);
        showProblem(inputs[i], problem);
        inputs[i].focus();
        return;
      }
    }
  }, true);

  // A body the server refused unread (over MAX_CONTENT_LENGTH): say so next to the field, not in a bare banner.
  // Capturing, so this runs before portal.js's general message, which then leaves it alone.
  document.addEventListener("htmx:responseError", function (event) {
    var element = event.detail.elt;
    var form = element && element.closest ? element.closest("form") : null;
    var input = form ? form.querySelector(FIELD) : null;
    if (event.detail.xhr.status !== 413 || !input) { return; }
    event.preventDefault();
    var progress = form.querySelector(".upload-progress");
    if (progress) { progress.hidden = true; }
    showProblem(input, BODY_TOO_LARGE);
    input.focus();
  }, true);
})();
