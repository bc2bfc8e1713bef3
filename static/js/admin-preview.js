// The live preview beside a piece's Markdown in the admin (ArticleAdmin.editor_check).
// Progressive enhancement only: without this file the change form's "Preview unsaved
// changes" button posts the form to a new tab, which renders the same thing.
//
// A short while after typing stops, the whole change form is posted (its CSRF token with
// it) to the preview endpoint with ?fragment=1, which renders without saving, through the
// pipeline readers get; its answer, the sanitised body and the figures, replaces the pane's
// and the figures' content. The figures sit in a polite live region; focus never moves.
(function () {
  "use strict";

  var root = document.querySelector("[data-live-preview]");
  var textarea = document.getElementById("id_body");
  if (!root || !textarea || !window.fetch || !window.FormData) {
    return;
  }
  var form = textarea.form;
  var pane = root.querySelector(".live-preview");
  var output = pane.querySelector(".live-preview__body");
  var problem = pane.querySelector(".live-preview__error");
  var figures = root.querySelector(".editor-figures");
  var url = root.getAttribute("data-live-preview");
  var WAIT_MS = 500;
  var timer = null;
  var asked = 0;

  // Beside the textarea on wide screens, below it on narrow ones (static/css/admin-editor.css).
  var row = textarea.closest(".form-row");
  row.classList.add("has-live-preview");
  textarea.insertAdjacentElement("afterend", pane);
  pane.hidden = false;

  function refresh() {
    var mine = ++asked;
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (mine !== asked) {
          return; // a newer answer is on its way
        }
        output.innerHTML = data.body;
        figures.innerHTML = data.figures;
        problem.hidden = true;
        pane.setAttribute("data-state", "ready");
      })
      .catch(function () {
        if (mine === asked) {
          problem.hidden = false;
        }
      });
  }

  form.addEventListener("input", function (event) {
    var name = event.target.name;
    if (name === "body" || name === "title" || name === "standfirst") {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, WAIT_MS);
    }
  });
  refresh();
})();
