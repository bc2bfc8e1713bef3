// Django's autocomplete fields (select2, shipped with the admin) draw a box and a search
// field that no label names, so a screen reader announces an unnamed combobox. Each gets
// the text of its field's own label, again whenever select2 draws them anew (it does after
// every choice). A multiple choice's chosen items sit in a <ul> that holds its "clear"
// button too, not a list item: that <ul> is only layout.
(function () {
  "use strict";

  function nameBoxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var box = select.nextElementSibling;
      if (!label || !box || !box.classList.contains("select2")) {
        return;
      }
      var name = label.textContent.replace(/:\s*$/, "").trim();
      var parts = ".select2-selection, span.select2-selection__rendered, .select2-search__field";
      box.querySelectorAll(parts).forEach(function (el) {
        if (el.getAttribute("aria-label") !== name) {
          el.setAttribute("aria-label", name);
        }
      });
      box.querySelectorAll("ul.select2-selection__rendered").forEach(function (el) {
        if (el.getAttribute("role") !== "presentation") {
          el.setAttribute("role", "presentation");
        }
      });
    });
  }

  nameBoxes();
  new MutationObserver(nameBoxes).observe(document.body, { childList: true, subtree: true });
})();
