/* Decision reports: while a report is being generated, poll its progress and open it when it
   is ready; show the print button. (Charts are drawn by minyi/js/charts.js.) */
(function () {
    "use strict";

    function pollProgress() {
        var box = document.querySelector(".report-progress[data-status-url]");
        if (!box || !window.fetch) { return; }
        var bar = box.querySelector("progress");
        var percent = box.querySelector("[data-progress-percent]");
        var stage = box.querySelector("[data-progress-stage]");
        function tick() {
            fetch(box.getAttribute("data-status-url"), {credentials: "same-origin", cache: "no-store"})
                .then(function (response) { return response.json(); })
                .then(function (state) {
                    if (bar) { bar.value = state.progress; bar.textContent = state.progress + "%"; }
                    if (percent) { percent.textContent = state.progress + "%"; }
                    if (stage) { stage.textContent = state.stage_label || state.status_label; }
                    if (state.status === "done") { window.location.href = state.url; return; }
                    if (state.status === "failed") { window.location.reload(); return; }
                    window.setTimeout(tick, 2000);
                })
                .catch(function () { window.setTimeout(tick, 5000); });
        }
        window.setTimeout(tick, 1000);
    }

    function printButton() {
        document.querySelectorAll(".report-print").forEach(function (button) {
            button.hidden = false;
            button.addEventListener("click", function () { window.print(); });
        });
    }

    function start() { pollProgress(); printButton(); }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
