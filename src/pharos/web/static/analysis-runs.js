// A simulation run's page: asks the status endpoint every second while the run waits or runs,
// moves the progress bar and its text, shows the report's link when it is done.
(function () {
  "use strict";
  const box = document.getElementById("run-progress");
  if (!box) return;
  const bar = document.getElementById("run-bar");
  const text = document.getElementById("run-text");
  const report = document.getElementById("run-report");
  const cancel = document.getElementById("run-cancel");
  const going = ["queued", "running", "cancelling"];
  if (going.indexOf(box.dataset.status) < 0) return;
  function ask() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        bar.value = s.percent;
        bar.textContent = s.percent + "%";
        text.textContent = s.text;
        if (going.indexOf(s.status) >= 0) {
          window.setTimeout(ask, 1000);
          return;
        }
        // finished: the page itself says how (the report's link, an error, the buttons)
        if (s.report) report.hidden = false;
        if (cancel) cancel.hidden = true;
        window.location.reload();
      })
      .catch(function () { window.setTimeout(ask, 3000); });
  }
  window.setTimeout(ask, 500);
})();
