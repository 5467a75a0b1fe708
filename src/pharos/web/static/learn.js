// Draws the learn pages' charts with plotly.js (served by Pharos from the plotly package).
// Figures come as JSON in <script type="application/json"> blocks (no inline script runs).
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    var rtl = document.documentElement.dir === "rtl";
    document.querySelectorAll(".plot[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source) { return; }
      var fig = JSON.parse(source.textContent);
      var config = { responsive: true, displaylogo: false, locale: document.documentElement.lang,
        modeBarButtonsToRemove: ["select2d", "lasso2d"] };
      if (rtl) { fig.layout.title = fig.layout.title || {}; }
      window.Plotly.newPlot(el, fig.data, fig.layout, config);
    });
    document.querySelectorAll("button[data-download]").forEach(function (button) {
      button.addEventListener("click", function () {
        var figure = document.getElementById(button.getAttribute("data-download"));
        var plot = figure && figure.querySelector(".plot");
        if (plot) {
          window.Plotly.downloadImage(plot, { format: "png", width: 1200, height: plot.offsetHeight * 1.5,
            filename: button.getAttribute("data-name") });
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
