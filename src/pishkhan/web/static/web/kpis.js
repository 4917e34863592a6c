/* The KPI dashboards' charts (web/templates/web/kpis/dashboard.html): each `.kpi-plot` box is drawn by
   plotly.js from the page's JSON data island named by its `data-island` (json_script, not executed).
   Without script, or if plotly.js is missing, the server's drawing or the table beside it stays. */
(function () {
  "use strict";

  function line(labels, series) {
    return {
      x: labels, y: series.values, text: series.text, name: series.name, type: "scatter",
      mode: "lines+markers", connectgaps: false,
      line: { color: series.colour, width: 3, dash: series.dash }, marker: { size: 8 },
      hovertemplate: "%{x}: %{text}<extra>%{fullData.name}</extra>"
    };
  }

  function draw(box) {
    var island = document.getElementById(box.getAttribute("data-island"));
    if (!island) {
      return;
    }
    var data = JSON.parse(island.textContent);
    var layout = {
      font: { family: getComputedStyle(document.body).fontFamily, size: 13 },
      margin: { l: 70, r: 70, t: 10, b: 40 },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      legend: { orientation: "h", x: data.rtl ? 1 : 0, xanchor: data.rtl ? "right" : "left", y: -0.15 },
      xaxis: { type: "category", autorange: data.rtl ? "reversed" : true, fixedrange: true },
      yaxis: {
        tickvals: data.ticks, ticktext: data.tick_text, rangemode: "tozero", fixedrange: true,
        side: data.rtl ? "right" : "left"
      }
    };
    var traces = data.series.map(function (series) { return line(data.labels, series); });
    window.Plotly.newPlot(box, traces, layout, { displayModeBar: false, responsive: true }).then(function () {
      box.closest("figure").classList.add("kpi-chart--plotted");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Plotly) {
      return;
    }
    document.querySelectorAll(".kpi-plot[data-island]").forEach(draw);
  });
})();
