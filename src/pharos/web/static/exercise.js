// Live exercise pages: follow the exercise's server-sent events and refresh the regions marked
// data-live (never the one holding the focus, so a half-filled form is not lost).
(function () {
  "use strict";
  var bar = document.querySelector("[data-stream]");
  if (!bar || !window.EventSource) { return; }
  var dot = document.getElementById("ex-live");
  var pending = false;
  function refresh() {
    if (pending) { return; }
    pending = true;
    window.setTimeout(function () {
      fetch(window.location.href, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          pending = false;
          if (!html) { return; }
          var doc = new DOMParser().parseFromString(html, "text/html");
          document.querySelectorAll("[data-live]").forEach(function (el) {
            var fresh = doc.querySelector('[data-live="' + el.getAttribute("data-live") + '"]');
            var touched = Number(el.getAttribute("data-touched") || 0);
            if (!fresh || el.contains(document.activeElement) || Date.now() - touched < 30000) { return; }
            el.innerHTML = fresh.innerHTML;
          });
          document.body.setAttribute("data-seq", doc.body.getAttribute("data-seq") || "");
        })
        .catch(function () { pending = false; });
    }, 150);
  }
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      var region = e.target.closest && e.target.closest("[data-live]");
      if (region) { region.setAttribute("data-touched", String(Date.now())); }
    }, true);
  });
  var source = new EventSource(bar.getAttribute("data-stream"));
  source.onopen = function () { if (dot) { dot.classList.add("on"); } };
  source.onerror = function () { if (dot) { dot.classList.remove("on"); } };
  source.onmessage = function (e) {
    try { var msg = JSON.parse(e.data); document.body.setAttribute("data-last-event", msg.seq); } catch (err) { /* keep-alive */ }
    refresh();
  };
})();
