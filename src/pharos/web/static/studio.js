// The scenario studio: check the text as it is typed (debounced; the server's validator, the one
// of `pharos exercise validate`), list every problem with its line, move to a line on click,
// and refresh the preview while the scenario has no problem.
(function () {
  "use strict";
  var form = document.getElementById("studio-form");
  var text = document.getElementById("st-text");
  if (!form || !text) { placeTimeline(document); return; }
  var fileName = document.getElementById("st-file-name");
  var list = document.getElementById("st-problems");
  var none = document.getElementById("st-none");
  var status = document.getElementById("st-status");
  var preview = document.getElementById("st-preview");
  var words = document.getElementById("st-words");
  var token = form.querySelector("input[name=csrf_token]");
  var DELAY = 600; // ms after the last keystroke
  var timer = null;
  var sent = 0;

  function placeTimeline(root) {
    root.querySelectorAll("[data-left]").forEach(function (el) {
      el.style.insetInlineStart = el.getAttribute("data-left") + "%";
    });
  }

  function goTo(line) {
    var n = parseInt(line, 10);
    if (!n) { return; }
    var lines = text.value.split("\n");
    var start = 0;
    for (var i = 0; i < n - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    text.focus();
    text.setSelectionRange(start, start + (lines[n - 1] || "").length);
    var lineHeight = text.scrollHeight / Math.max(lines.length, 1);
    text.scrollTop = Math.max(0, (n - 5) * lineHeight);
  }

  function show(problems) {
    list.textContent = "";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      var where = document.createElement("button");
      where.type = "button";
      where.className = "link";
      where.setAttribute("dir", "ltr");
      where.setAttribute("data-line", p.line || "");
      where.textContent = p.file + (p.line ? ":" + p.line : "");
      li.appendChild(where);
      if (p.field) {
        var code = document.createElement("code");
        code.setAttribute("dir", "ltr");
        code.textContent = p.field;
        li.appendChild(document.createTextNode(" "));
        li.appendChild(code);
      }
      li.appendChild(document.createTextNode(" " + p.message));
      list.appendChild(li);
    });
    none.hidden = problems.length > 0;
  }

  function check() {
    var mine = ++sent;
    status.textContent = words.getAttribute("data-checking");
    fetch(form.getAttribute("data-check"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRF-Token": token ? token.value : ""
      },
      body: JSON.stringify({
        version: form.getAttribute("data-version"),
        file: fileName.value,
        text: text.value
      })
    }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (data) {
      if (mine !== sent) { return; } // an older answer
      status.textContent = "";
      show(data.problems);
      if (data.preview !== null && preview) {
        preview.innerHTML = data.preview; // rendered by the server's template (escaped)
        placeTimeline(preview);
      }
    }).catch(function () {
      if (mine === sent) { status.textContent = words.getAttribute("data-failed"); }
    });
  }

  function later() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(check, DELAY);
  }

  text.addEventListener("input", later);
  fileName.addEventListener("change", later);
  list.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-line]");
    if (b) { goTo(b.getAttribute("data-line")); }
  });
  placeTimeline(document);
})();
