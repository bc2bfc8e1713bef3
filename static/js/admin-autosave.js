// Autosave of a piece's admin form (ArticleAdmin): while the editor types, the form is sent
// to the server as their draft, a few seconds after the last change and only when
// something changed, so that a closed tab or a crash loses nothing. The draft is offered
// back when they return; saving the piece deletes it. Without this file the form works as
// ever, without drafts.
(function () {
  "use strict";
  var DELAY = 2000; // ms after a change
  var status = document.getElementById("autosave-status");
  var form = document.getElementById("article_form");
  if (!status || !form || !window.fetch || !window.FormData) {
    return;
  }
  var url = status.getAttribute("data-autosave-url");
  var sent = snapshot();
  var timer = null;
  var sending = false;
  var leaving = false;

  // What the form holds now, to compare with what was last sent.
  function snapshot() {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function later() {
    if (!timer && !leaving) {
      timer = window.setTimeout(save, DELAY);
    }
  }

  function save() {
    timer = null;
    if (leaving) {
      return;
    }
    if (sending) {
      later();
      return;
    }
    var now = snapshot();
    if (now === sent) {
      return;
    }
    sending = true;
    fetch(url, {
      method: "POST",
      body: new FormData(form), // the form's own CSRF token among its fields
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (result) {
        sent = now;
        status.textContent = result.status;
      })
      .catch(function () {
        status.textContent =
          "Draft not saved: the connection failed. Your changes are still here; keep this page open.";
      })
      .finally(function () {
        sending = false;
        if (snapshot() !== sent) {
          later();
        }
      });
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  // Saving the piece deletes the draft: no autosave may come after it.
  form.addEventListener("submit", function () {
    leaving = true;
    window.clearTimeout(timer);
  });
})();
