/* The province's monthly report (web/templates/web/kpis/report.html): its print button, shown only
   where script runs (the browser's own Print works without it). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".report-print").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
