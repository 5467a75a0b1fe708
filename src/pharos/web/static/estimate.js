// Draws the chart of the estimate across models from the JSON the page embeds (no inline code:
// the Content-Security-Policy allows scripts from Pharos only).
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("estimate-chart");
    var data = document.getElementById("estimate-chart-data");
    if (!holder || !data || typeof Plotly === "undefined") { return; }
    var spec = JSON.parse(data.textContent);
    Plotly.newPlot(holder, spec.data, spec.layout, {
      displaylogo: false,
      responsive: true,
      modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"]
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
