// The moderation queue's keyboard and quick actions. Progressive enhancement only: without
// this file every button is a form that posts and comes back to the page.
//
//   j / k    next / previous comment (in one-at-a-time mode: the next / previous page)
//   a r s f  approve, reject, spam, feature (or unfeature) the current comment
//   u        undo my last action
//
// Actions are the page's own forms, sent with fetch() (the CSRF token is the form's): the
// server answers with a message, announced in the live region, the comments' new HTML,
// which replaces them in place, and every queue's count, which the tabs show. No page reload.
//
// On the list, the multi-select (its boxes tied to the form #mod-bulk) counts what is
// selected as it changes, and "Select all on this page" ticks every box; a comment decided
// in place comes back from the server without a box, so neither counts it until an undo
// gives it back. The bar asks a reason only while the action chosen needs one. A group of
// near-duplicates offers its decisions while any member is still as the page showed it.
// Esc from a reason's fields gives the focus back to the comment.
(function () {
  "use strict";

  var root = document.querySelector("[data-moderation]");
  if (!root || !window.fetch || !window.FormData) {
    return;
  }
  var status = document.getElementById("mod-status");
  var current = -1;

  // The keys work from here on: show their legend and badges, and tell assistive technology.
  function offerKeys() {
    root.querySelectorAll("button[data-key]").forEach(function (button) {
      button.setAttribute("aria-keyshortcuts", button.getAttribute("data-key"));
    });
  }
  root.classList.add("has-keys");
  offerKeys();
  // The legend, folded on a phone, is open where it has its own column beside the list
  // (the stylesheet's 60rem).
  var legend = root.querySelector("[data-mod-keys]");
  if (legend && window.matchMedia("(min-width: 60rem)").matches) {
    legend.open = true;
  }

  function items() {
    return Array.prototype.slice.call(root.querySelectorAll("[data-mod-item]"));
  }

  function announce(text) {
    if (!status) {
      return;
    }
    // Emptied first, so the same sentence twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function mark(index) {
    items().forEach(function (element, i) {
      element.classList.toggle("is-current", i === index);
      if (i === index) {
        element.setAttribute("aria-current", "true");
      } else {
        element.removeAttribute("aria-current");
      }
    });
  }

  function select(index) {
    var list = items();
    if (!list.length) {
      return;
    }
    current = Math.max(0, Math.min(index, list.length - 1));
    mark(current);
    list[current].focus({ preventScroll: true });
    // Its top in view, below the multi-select's bar: a comment taller than the room left
    // is read from its start.
    var room = window.innerHeight - (bulk ? bulk.offsetHeight : 0);
    var tall = list[current].getBoundingClientRect().height > room;
    list[current].scrollIntoView({ block: tall ? "start" : "nearest" });
  }

  function replace(fragments) {
    Object.keys(fragments || {}).forEach(function (pk) {
      var old = document.getElementById("mod-item-" + pk);
      if (!old) {
        return;
      }
      var holder = document.createElement("div");
      holder.innerHTML = fragments[pk].trim();
      var fresh = holder.firstElementChild;
      if (fresh) {
        var hadFocus = old.contains(document.activeElement);
        // Still in the queue (it has a box): as ticked as it was.
        var oldBox = old.querySelector("[data-mod-select]");
        var freshBox = fresh.querySelector("[data-mod-select]");
        if (oldBox && freshBox) {
          freshBox.checked = oldBox.checked;
        }
        old.replaceWith(fresh);
        if (hadFocus) {
          fresh.focus({ preventScroll: true });
        }
      }
    });
    offerKeys();
    if (current >= 0) {
      mark(current);
    }
    countSelected();
    refreshGroups();
  }

  // The multi-select ----------------------------------------------------------------------

  var bulk = root.querySelector("[data-mod-bulk]");

  function boxes() {
    return Array.prototype.slice.call(root.querySelectorAll("[data-mod-select]"));
  }

  function countSelected() {
    if (!bulk) {
      return;
    }
    var all = boxes();
    var ticked = all.filter(function (box) {
      return box.checked;
    }).length;
    // A comment decided in place left the queue and came back without a box: "all" is
    // what is still there.
    var every = bulk.querySelector("[data-mod-select-all]");
    if (every) {
      every.checked = all.length > 0 && ticked === all.length;
      every.indeterminate = ticked > 0 && ticked < all.length;
      every.disabled = all.length === 0;
    }
    var total = bulk.querySelector("[data-mod-select-total]");
    if (total) {
      total.textContent = all.length;
    }
    var count = bulk.querySelector("[data-mod-selected]");
    if (count) {
      count.textContent = ticked + " selected";
    }
  }

  // The reason's fields while the action chosen needs one (to reject, to remove).
  function showReason() {
    var reason = bulk && bulk.querySelector("[data-mod-bulk-reason]");
    var action = bulk && bulk.querySelector('select[name="action"]');
    if (reason && action) {
      var needing = (action.getAttribute("data-needs-reason") || "").split(" ");
      reason.hidden = !action.value || needing.indexOf(action.value) < 0;
    }
  }
  showReason();

  // The bar sticks to the top of the list: what scrolls into view stops below it (the
  // stylesheet's scroll-padding reads its height from here, as it changes).
  if (bulk && window.ResizeObserver) {
    new ResizeObserver(function () {
      document.documentElement.style.setProperty("--mod-bar", bulk.offsetHeight + "px");
    }).observe(bulk);
  }

  root.addEventListener("change", function (event) {
    var target = event.target;
    if (bulk && target.form === bulk && target.name === "action") {
      showReason();

  // The bar sticks to the top of the list: what scrolls into view stops below it (the
  // stylesheet's scroll-padding reads its height from here, as it changes).
  if (bulk && window.ResizeObserver) {
    new ResizeObserver(function () {
      document.documentElement.style.setProperty("--mod-bar", bulk.offsetHeight + "px");
    }).observe(bulk);
  }
    }
    if (target.matches("[data-mod-select-all]")) {
      boxes().forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.matches("[data-mod-select-all], [data-mod-select]")) {
      countSelected();
    }
  });

  // A group's decisions while any member is as the page showed it (each form names every
  // member as "<id>:<state>"); after an undo gives them back, the decisions are back too.
  function refreshGroups() {
    root.querySelectorAll("[data-mod-group]").forEach(function (group) {
      var form = group.querySelector("[data-mod-group-form]");
      var choices = group.querySelector("[data-mod-group-actions]");
      var done = group.querySelector("[data-mod-group-done]");
      if (!form || !choices || !done) {
        return;
      }
      var waiting = Array.prototype.filter.call(
        form.querySelectorAll('input[name="shown"]'),
        function (input) {
          var seen = input.value.split(":");
          var member = document.getElementById("mod-item-" + seen[0]);
          return member && member.classList.contains("mod-item--" + seen[1]);
        }
      ).length;
      var hadFocus = choices.contains(document.activeElement);
      choices.hidden = waiting === 0;
      done.hidden = waiting !== 0;
      if (hadFocus && choices.hidden) {
        done.focus({ preventScroll: true });
      }
    });
  }

  countSelected();

  // Each queue's count (the tabs', the header's), as the server counted after the action.
  function recount(counts) {
    Object.keys(counts || {}).forEach(function (key) {
      document.querySelectorAll('[data-mod-count="' + key + '"]').forEach(function (badge) {
        badge.textContent = counts[key];
      });
    });
  }

  function send(form) {
    var item = form.closest("[data-mod-item]");
    if (item) {
      item.setAttribute("aria-busy", "true");
    }
    // getAttribute: the form's own field named "action" hides the form.action property.
    return fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (result) {
        announce(result.message);
        replace(result.items);
        recount(result.counts);
        // After an undo, the comment given back is the current one again: the next key
        // acts on it, not on the one the highlight had moved on to.
        var restored = (result.undone || [])
          .map(function (pk) {
            return items().indexOf(document.getElementById("mod-item-" + pk));
          })
          .filter(function (index) {
            return index >= 0;
          });
        if (restored.length) {
          select(Math.min.apply(null, restored));
        }
        return result;
      })
      .catch(function () {
        announce("That did not reach the server. Try again, or reload the page.");
        return { ok: false };
      })
      .then(function (result) {
        if (item) {
          item.removeAttribute("aria-busy");
        }
        return result;
      });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-mod-form]")) {
      return;
    }
    // A preview is a page of its own: the browser goes there.
    if (event.submitter && event.submitter.hasAttribute("data-mod-preview")) {
      return;
    }
    event.preventDefault();
    var item = form.closest("[data-mod-item]");
    var index = item ? items().indexOf(item) : -1;
    var advance = form.hasAttribute("data-advance");
    send(form).then(function (result) {
      if (!result.ok || !advance) {
        return;
      }
      if (root.hasAttribute("data-mod-here")) {
        // One at a time: the decided comment left the queue; its place shows the next.
        window.location.assign(root.getAttribute("data-mod-here"));
      } else if (index >= 0 && current === index) {
        select(index + 1);
      }
    });
  });

  // A click on an item makes it the current one.
  root.addEventListener("click", function (event) {
    var item = event.target.closest("[data-mod-item]");
    if (item) {
      current = items().indexOf(item);
      mark(current);
    }
  });

  // A box of the multi-select takes no letters: the keys go on working from it.
  function typing(target) {
    return (
      target.isContentEditable ||
      (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && target.type !== "checkbox") ||
      target.closest("details[open] form")
    );
  }

  // Esc from a reason's fields (where r leaves the focus when the reason is missing): back
  // to the comment, where the keys work again; from a group's, back to what opened them.
  function leave(target) {
    if (!typing(target)) {
      return false;
    }
    var item = target.closest("[data-mod-item]");
    var opened = target.closest("details[open]");
    if (opened) {
      opened.open = false;
    }
    if (item) {
      current = items().indexOf(item);
      mark(current);
      item.focus({ preventScroll: true });
      return true;
    }
    if (opened) {
      opened.querySelector("summary").focus();
      return true;
    }
    return false;
  }

  function step(key) {
    var link = root.querySelector('[data-mod-step="' + key + '"]');
    if (link) {
      window.location.assign(link.href);
      return true;
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (event.key === "Escape" && leave(event.target)) {
      event.preventDefault();
      return;
    }
    if (typing(event.target)) {
      return;
    }
    var key = event.key;
    if (key === "j" || key === "k") {
      var list = items();
      var onePerPage = list.length === 1 && root.querySelector("[data-mod-step]");
      if (onePerPage && current === 0 && step(key)) {
        event.preventDefault();
        return;
      }
      select(current < 0 ? 0 : current + (key === "j" ? 1 : -1));
    } else if (key === "a" || key === "r" || key === "s" || key === "f") {
      var item = items()[current];
      if (!item) {
        announce("Press j to choose a comment first.");
      } else {
        var button = item.querySelector('[data-key="' + key + '"]');
        if (button) {
          button.form.requestSubmit(button);
        } else {
          announce("That action does not apply to this comment.");
        }
      }
    } else if (key === "u") {
      var undo = root.querySelector("[data-mod-undo]");
      if (undo) {
        undo.requestSubmit();
      }
    } else {
      return;
    }
    event.preventDefault();
  });
})();
