// Progressive enhancement only: the contents work as plain links without this file.
//
// While a reader scrolls through a long piece, the contents beside it mark the section
// they are in (aria-current="location"), so the list doubles as a sense of place.
(function () {
  "use strict";
  var toc = document.querySelector(".toc");
  if (!toc || !("IntersectionObserver" in window)) {
    return;
  }
  var links = {};
  Array.prototype.forEach.call(toc.querySelectorAll("a[href^='#']"), function (link) {
    links[decodeURIComponent(link.getAttribute("href").slice(1))] = link;
  });
  var sections = Object.keys(links)
    .map(function (id) {
      return document.getElementById(id);
    })
    .filter(Boolean);
  if (!sections.length) {
    return;
  }
  var current = null;

  function mark(id) {
    if (id === current) {
      return;
    }
    if (current && links[current]) {
      links[current].removeAttribute("aria-current");
    }
    current = id;
    if (id && links[id]) {
      links[id].setAttribute("aria-current", "location");
    }
  }

  // The section whose heading was passed last is the one being read.
  function update() {
    var line = window.innerHeight * 0.25;
    var reading = null;
    sections.forEach(function (heading) {
      if (heading.getBoundingClientRect().top <= line) {
        reading = heading.id;
      }
    });
    mark(reading);
  }

  var observer = new IntersectionObserver(update, {
    rootMargin: "0px 0px -75% 0px",
  });
  sections.forEach(function (heading) {
    observer.observe(heading);
  });
  update();
})();
