// Progressive enhancement only: everything works without this file.
//
// A link to /articles/<slug>/#comment-<id> whose comment is on another page of a long
// discussion: ask the server where it is (/comments/<id>/ redirects to the right page).
(function () {
  "use strict";
  var match = /^#comment-(\d+)$/.exec(window.location.hash);
  if (!match || document.getElementById("comment-" + match[1])) {
    return;
  }
  if (/[?&]cpage=/.test(window.location.search)) {
    return; // already sent to a page by the server: don't loop
  }
  var discussion = document.getElementById("discussion");
  var prefix = discussion && discussion.getAttribute("data-locate-prefix");
  if (prefix) {
    window.location.replace(prefix.replace(/0\/$/, match[1] + "/"));
  }
})();

// Times as "3 hours ago", the exact time kept on hover (title) and for screen readers (in
// the link's text). Without this file the exact time alone is shown. Older than a week,
// the date says more than "3 weeks ago".
(function () {
  "use strict";
  if (!window.Intl || !Intl.RelativeTimeFormat) {
    return;
  }
  var format = new Intl.RelativeTimeFormat("en-GB", { numeric: "auto" });
  var STEPS = [
    ["minute", 60, 60],
    ["hour", 3600, 24],
    ["day", 86400, 7],
  ];

  function relative(seconds) {
    if (seconds < 60) {
      return "just now";
    }
    for (var i = 0; i < STEPS.length; i++) {
      var amount = Math.floor(seconds / STEPS[i][1]);
      if (amount < STEPS[i][2]) {
        return format.format(-amount, STEPS[i][0]);
      }
    }
    return null;
  }

  function update() {
    var now = Date.now();
    document.querySelectorAll(".comment__permalink time[datetime]").forEach(function (time) {
      var exact = time.getAttribute("data-exact") || time.textContent;
      var when = Date.parse(time.getAttribute("datetime"));
      var text = isNaN(when) ? null : relative(Math.max(0, (now - when) / 1000));
      if (!text) {
        return;
      }
      time.setAttribute("data-exact", exact);
      time.setAttribute("title", exact);
      time.textContent = text;
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = ", " + exact;
      time.appendChild(hidden);
    });
  }

  update();
  window.setInterval(update, 60000);
})();

// The comment box counts characters as the server does (after trimming, each character
// once) and keeps a comment over the limit from being sent; Preview and signing in still
// go, with the text. Without this file the hint states the limit and the server enforces it.
(function () {
  "use strict";
  var box = document.querySelector("textarea[data-max-length]");
  var counter = box && document.getElementById(box.getAttribute("data-counter"));
  if (!counter) {
    return;
  }
  var limit = parseInt(box.getAttribute("data-max-length"), 10);
  var number = function (n) {
    return n.toLocaleString("en-GB");
  };
  var length = function () {
    return Array.from(box.value.trim()).length;
  };

  function show() {
    var used = length();
    var over = used - limit;
    counter.hidden = false;
    counter.classList.toggle("is-over", over > 0);
    // Announced only near the limit, not at every key.
    counter.setAttribute("aria-live", used > limit * 0.9 ? "polite" : "off");
    counter.textContent =
      over > 0
        ? number(over) + " characters over the limit of " + number(limit) + ": please shorten it."
        : number(used) + " of " + number(limit) + " characters";
  }

  box.addEventListener("input", show);
  box.form.addEventListener("submit", function (event) {
    var then = event.submitter && event.submitter.name === "then";
    if (!then && length() > limit) {
      event.preventDefault();
      show();
      box.setAttribute("aria-invalid", "true");
      box.focus();
    }
  });
  show();
})();
