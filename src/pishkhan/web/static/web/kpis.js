/* The KPI dashboards' chart (web/templates/web/kpis/dashboard.html): trips avoided per Jalali month and
   the same months a year earlier, drawn by plotly.js from the page's JSON data island
   (#kpi-chart-data). Without script, or if plotly.js is missing, the server's SVG drawing stays. */
(function () {
  "use strict";

  function draw() {
    var island = document.getElementById("kpi-chart-data");
    var box = document.getElementById("kpi-plot");
    if (!island || !box || !window.Plotly) {
      return;
    }
    var data = JSON.parse(island.textContent);
    var line = function (values, text, name, colour, dash) {
      return {
        x: data.labels, y: values, text: text, name: name, type: "scatter", mode: "lines+markers",
        line: { color: colour, width: 3, dash: dash }, marker: { size: 8 },
        hovertemplate: "%{x}: %{text}<extra>%{fullData.name}</extra>"
      };
    };
    var traces = [
      line(data.prior, data.prior_text, data.prior_name, "#74a9cf", "dash"),
      line(data.current, data.current_text, data.current_name, "#045a8d", "solid")
    ];
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
    window.Plotly.newPlot(box, traces, layout, { displayModeBar: false, responsive: true }).then(function () {
      box.closest("figure").classList.add("kpi-chart--plotted");
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
