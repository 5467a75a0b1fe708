// Draws the chart of the estimate across models from the JSON the page embeds (no inline code:
// the Content-Security-Policy allows scripts from Pharos only).
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("estimate-chart");
    var data = document.getElementById("estimate-chart-data");
    if (!holder || !data || typeof Plotly === "undefined") { return; }
    var spec = JSON.parse(data.textContent);
    // No mode bar: its hover colours are injected as inline styles, which the policy blocks.
    Plotly.newPlot(holder, spec.data, spec.layout, { displayModeBar: false, responsive: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
