// Draws every <div data-chart="ID"> from the ECharts option in <script id="ID">
// (Django's json_script). The same numbers are in a table beside each chart,
// so a screen reader or a printout loses nothing when the canvas can't be read.
(function () {
  "use strict";
  function draw(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      // A dark page (the command-centre wall) takes ECharts' own dark theme.
      var theme = el.closest(".big-screen") ? "dark" : null;
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, theme, { renderer: "svg" });
      var option = JSON.parse(source.textContent);
      // Drawn at once: a printout or a wall refreshed every minute has no use for the animation.
      if (option.animation === undefined) option.animation = false;
      if (theme && option.backgroundColor === undefined) option.backgroundColor = "transparent";
      chart.setOption(option, true);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // htmx swaps (filters, auto-refresh) bring new charts in.
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
