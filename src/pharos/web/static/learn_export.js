// Follows a background export on its page (/learn/export/jobs/ID): polls the job's JSON every
// second, moves the progress bar and the stage text, and reloads the page when the job has
// ended (the server then renders the report and the download). Without script, the page's
// Refresh link does the same by hand.
(function () {
  "use strict";
  var box = document.querySelector("[data-export-job]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = document.getElementById("export-stage");
  function describe(job) {
    if (job.stage === "search") {
      return box.getAttribute("data-search")
        .replace("{done}", String(job.done)).replace("{total}", String(job.total));
    }
    return box.getAttribute("data-" + job.stage) || text.textContent;
  }
  function poll() {
    fetch(box.getAttribute("data-export-job"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job || job.final) { window.location.reload(); return; }
        bar.value = job.fraction;
        var next = describe(job);
        if (text.textContent !== next) { text.textContent = next; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
}());
