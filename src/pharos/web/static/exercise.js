// Live exercise pages: follow the exercise's server-sent events and refresh the regions marked
// data-live. A region holding the focus or a form being written (any field changed from the
// value it was served with) is never replaced: its update waits, the region says so, and it is
// applied once the form is sent (the page reloads) or put back as it was (cleared, or the focus
// leaves an untouched form). What changed is announced in the persistent status region
// #ex-updates (aria-live, outside every replaced region).
(function () {
  "use strict";
  var bar = document.querySelector("[data-stream]");
  if (!bar || !window.EventSource) { return; }
  var words = {
    updated: bar.getAttribute("data-say-updated") || "Updated",
    waiting: bar.getAttribute("data-say-waiting") || "Updates waiting"
  };
  var connected = false;
  var pending = false;
  // what the server sent for each region (the live DOM changes as people type and open things)
  document.querySelectorAll("[data-live]").forEach(function (el) { el.pharosServed = el.innerHTML; });

  function say(text) {
    var region = document.getElementById("ex-updates");
    if (!region || !text) { return; }
    region.textContent = "";
    // a change after a short pause is what screen readers announce
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function fieldChanged(f) {
    var type = (f.type || "").toLowerCase();
    if (type === "hidden" || type === "submit" || type === "button" || type === "reset") { return false; }
    if (type === "checkbox" || type === "radio") { return f.checked !== f.defaultChecked; }
    if (f.tagName === "SELECT") {
      var chosen = -1;
      for (var i = 0; i < f.options.length; i++) {
        if (f.options[i].defaultSelected) { chosen = i; if (!f.multiple) { break; } }
        if (f.multiple && f.options[i].selected !== f.options[i].defaultSelected) { return true; }
      }
      if (f.multiple) { return false; }
      if (chosen < 0 && f.options.length) { chosen = 0; } // a single select shows its first option
      return f.selectedIndex !== chosen;
    }
    return f.value !== f.defaultValue;
  }

  // a form being written in the region, or the focus in it
  function busy(region) {
    var active = document.activeElement;
    if (active && active !== document.body && region.contains(active)) { return true; }
    var fields = region.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      if (fieldChanged(fields[i])) { return true; }
    }
    return false;
  }

  function title(region) {
    if (region.getAttribute("aria-label")) { return region.getAttribute("aria-label"); }
    var h = region.querySelector("h2, h3");
    return h ? h.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function showWaiting(region) {
    var note = region.querySelector(":scope > .ex-waiting");
    if (note) { return; }
    note = document.createElement("p");
    note.className = "ex-waiting pill warn";
    note.textContent = words.waiting;
    region.insertBefore(note, region.firstChild);
  }

  function replace(region, html) {
    region.innerHTML = html;
    region.removeAttribute("data-waiting");
    delete region.pharosWaiting;
    var dot = document.getElementById("ex-live");
    if (dot) { dot.classList.toggle("on", connected); }
  }

  // a waiting update whose form was sent, cleared or left untouched
  function settle(region) {
    if (!region || region.pharosWaiting === undefined || busy(region)) { return; }
    var name = title(region);
    replace(region, region.pharosWaiting);
    if (name) { say(words.updated + ": " + name); }
  }

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
          var changed = [];
          var waiting = [];
          document.querySelectorAll("[data-live]").forEach(function (el) {
            var fresh = doc.querySelector('[data-live="' + el.getAttribute("data-live") + '"]');
            if (!fresh) { return; }
            if (fresh.innerHTML === el.pharosServed) { return; } // nothing new for this region
            el.pharosServed = fresh.innerHTML;
            if (busy(el)) {
              el.pharosWaiting = fresh.innerHTML;
              el.setAttribute("data-waiting", "");
              showWaiting(el);
              waiting.push(title(el));
              return;
            }
            replace(el, fresh.innerHTML);
            if (title(el)) { changed.push(title(el)); }
          });
          var told = [];
          if (changed.length) { told.push(words.updated + ": " + changed.join(" · ")); }
          if (waiting.length) { told.push(words.waiting + " (" + waiting.join(" · ") + ")"); }
          if (told.length) { say(told.join(". ")); }
          document.body.setAttribute("data-seq", doc.body.getAttribute("data-seq") || "");
        })
        .catch(function () { pending = false; });
    }, 150);
  }

  function later(e) {
    var region = e.target && e.target.closest && e.target.closest("[data-live]");
    if (region) { window.setTimeout(function () { settle(region); }, 0); }
  }
  ["input", "change", "reset", "focusout"].forEach(function (type) {
    document.addEventListener(type, later, true);
  });

  var source = new EventSource(bar.getAttribute("data-stream"));
  source.onopen = function () {
    connected = true;
    var dot = document.getElementById("ex-live");
    if (dot) { dot.classList.add("on"); }
  };
  source.onerror = function () {
    connected = false;
    var dot = document.getElementById("ex-live");
    if (dot) { dot.classList.remove("on"); }
  };
  source.onmessage = function (e) {
    try { var msg = JSON.parse(e.data); document.body.setAttribute("data-last-event", msg.seq); } catch (err) { /* keep-alive */ }
    refresh();
  };
})();
