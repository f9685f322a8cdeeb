// The print button, and the wall's auto-refresh (big-screen mode reloads its own URL).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  // On paper the charts' tables carry the numbers: open them for printing.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.chart-table").forEach(function (d) { d.open = true; });
  });
  var seconds = parseInt(document.body.dataset.refresh || "0", 10);
  if (seconds > 0) setTimeout(function () { location.reload(); }, seconds * 1000);
})();
