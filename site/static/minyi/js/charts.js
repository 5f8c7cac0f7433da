/* Draw the page's charts: every [data-chart] element holds the id of a JSON script element with a
   plotly figure (data + layout, built by minyi.charts on the server). The table beside each
   chart has the same figures, so this is an enhancement: without JavaScript nothing is lost.
   One script for the dashboard, listening and decision reports (issue: one chart module). */
(function () {
    "use strict";

    // plotly.js speaks English by default; this is its locale for Taiwan (dates, numbers).
    var ZH_TW = {
        moduleType: "locale",
        name: "zh-TW",
        dictionary: {},
        format: {
            days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
            shortDays: ["週日", "週一", "週二", "週三", "週四", "週五", "週六"],
            months: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
            shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
            periods: ["上午", "下午"],
            date: "%Y/%m/%d",
            decimal: ".",
            thousands: ",",
            grouping: [3],
            currency: ["NT$", ""]
        }
    };

    function locale() {
        var lang = (document.documentElement.lang || "").toLowerCase();
        return lang.indexOf("zh") === 0 ? "zh-TW" : "en";
    }

    // A chart of nothing is an empty box with axes: say there is nothing to draw instead.
    function hasData(spec) {
        return (spec.data || []).some(function (trace) {
            return ["x", "y", "z", "values", "locations"].some(function (key) {
                var values = trace[key];
                return Array.isArray(values) && values.some(function (value) {
                    return value !== null && value !== undefined;
                });
            });
        });
    }

    function showEmpty(element) {
        var note = document.createElement("p");
        note.className = "chart-empty";
        note.textContent = locale() === "zh-TW" ? "尚無資料可繪製圖表。" : "No data to chart yet.";
        element.innerHTML = "";
        element.appendChild(note);
        element.classList.add("chart-is-empty");
    }

    function draw(element) {
        var source = document.getElementById(element.getAttribute("data-chart"));
        if (!source) { return; }
        var spec = JSON.parse(source.textContent);
        if (!hasData(spec)) { showEmpty(element); return; }
        element.innerHTML = "";
        // The box keeps the figure's height: plotly's responsive resize sizes the plot to its
        // box, which (with no height of its own) fell to its CSS minimum on a narrower window
        // and let the plot spill over the caption beneath.
        if (spec.layout && spec.layout.height) {
            element.style.height = spec.layout.height + "px";
        }
        window.Plotly.newPlot(element, spec.data, spec.layout, {
            responsive: true,
            displayModeBar: false,
            scrollZoom: false,
            locale: locale(),
            staticPlot: !!(window.matchMedia && window.matchMedia("print").matches)
        }).then(function () {
            // The chart is a picture of the table beside it: screen readers read the table.
            element.querySelectorAll(".main-svg").forEach(function (svg) {
                svg.setAttribute("aria-hidden", "true");
            });
        });
    }

    function start() {
        if (!window.Plotly) { return; }
        window.Plotly.register(ZH_TW);
        document.querySelectorAll("[data-chart]").forEach(draw);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
