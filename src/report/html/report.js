// Tooltips: every mark's <title> (SVG) or title attribute (HTML) becomes a
// data-tip shown at once beside the pointer, or below a focused element.
(function () {
  "use strict";
  var tip = document.getElementById("tip");
  document.querySelectorAll("svg title").forEach(function (t) {
    t.parentNode.setAttribute("data-tip", t.textContent);
    t.parentNode.removeChild(t);
  });
  document.querySelectorAll("[title]").forEach(function (e) {
    e.setAttribute("data-tip", e.getAttribute("title"));
    e.removeAttribute("title");
  });
  function place(x, y) {
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = x + 14 + w > window.innerWidth ? x - 14 - w : x + 14;
    var top = y + 18 + h > window.innerHeight ? y - 12 - h : y + 18;
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, top) + "px";
  }
  function show(target) {
    var t = target && target.closest ? target.closest("[data-tip]") : null;
    if (!t) { tip.hidden = true; return null; }
    tip.textContent = t.getAttribute("data-tip");
    tip.hidden = false;
    return t;
  }
  document.addEventListener("mouseover", function (ev) { if (show(ev.target)) { place(ev.clientX, ev.clientY); } });
  document.addEventListener("mousemove", function (ev) { if (!tip.hidden) { place(ev.clientX, ev.clientY); } });
  document.addEventListener("focusin", function (ev) {
    var t = show(ev.target);
    if (t) { var r = t.getBoundingClientRect(); place(r.left, r.bottom); }
  });
  document.addEventListener("focusout", function () { tip.hidden = true; });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { tip.hidden = true; } });
})();
