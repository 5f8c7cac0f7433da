/* Render the page's plotly charts from their JSON specs; the tables beside them stay the
   accessible source. Clicking a county on the map filters the dashboard by that county. */
(function () {
    "use strict";
    if (!window.Plotly) { return; }
    var countyUrlNode = document.getElementById("county-filter-url");
    var countyUrl = countyUrlNode ? JSON.parse(countyUrlNode.textContent) : "";
    document.querySelectorAll("[data-chart]").forEach(function (element) {
        var source = document.getElementById(element.getAttribute("data-chart"));
        if (!source) { return; }
        var spec = JSON.parse(source.textContent);
        element.innerHTML = "";
        window.Plotly.newPlot(element, spec.data, spec.layout, {
            responsive: true,
            displayModeBar: false,
            scrollZoom: false
        }).then(function () {
            var svg = element.querySelector(".main-svg");
            if (svg) { svg.setAttribute("aria-hidden", "true"); }
        });
        if (element.id === "chart-map" && countyUrl) {
            element.on("plotly_click", function (event) {
                var point = event && event.points && event.points[0];
                if (point && point.location) {
                    window.location.href = countyUrl.replace("__COUNTY__", encodeURIComponent(point.location));
                }
            });
        }
    });
})();
