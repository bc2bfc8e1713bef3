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
