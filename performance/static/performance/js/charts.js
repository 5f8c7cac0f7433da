/* Render the page's plotly charts from their JSON specs; the tables beside them stay the
   accessible source. (The county map is server-drawn SVG: performance/maps.py.) */
(function () {
    "use strict";
    if (!window.Plotly) { return; }
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
    });
})();
