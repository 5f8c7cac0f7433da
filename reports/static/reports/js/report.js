/* Decision reports: while a report is being generated, poll its progress and open it when it
   is ready; the same for its PDF, printed by the worker (the download starts when it is ready,
   and the report page's PDF link waits for it in place); show the print button. (Charts are
   drawn by minyi/js/charts.js.) Without JavaScript the progress pages refresh themselves. */
(function () {
    "use strict";

    function pollProgress() {
        var box = document.querySelector(".report-progress[data-status-url]");
        if (!box || !window.fetch) { return; }
        var bar = box.querySelector("progress");
        var percent = box.querySelector("[data-progress-percent]");
        var stage = box.querySelector("[data-progress-stage]");
        var download = box.hasAttribute("data-download");
        function tick() {
            fetch(box.getAttribute("data-status-url"), {credentials: "same-origin", cache: "no-store"})
                .then(function (response) { return response.json(); })
                .then(function (state) {
                    if (bar) { bar.value = state.progress; bar.textContent = state.progress + "%"; }
                    if (percent) { percent.textContent = state.progress + "%"; }
                    if (stage) { stage.textContent = state.stage_label || state.status_label; }
                    if (state.status === "done") {
                        window.location.href = state.url;
                        if (download) { pdfReady(box); }
                        return;
                    }
                    if (state.status === "failed") {
                        // The PDF's failure page is its own address (never "?retry=1" again).
                        if (download) { window.location.href = state.url; } else { window.location.reload(); }
                        return;
                    }
                    window.setTimeout(tick, 2000);
                })
                .catch(function () { window.setTimeout(tick, 5000); });
        }
        window.setTimeout(tick, 1000);
    }

    function pdfReady(box) {
        var note = box.querySelector("[data-progress-note]");
        var link = box.querySelector("[data-ready-link]");
        if (note) { note.hidden = true; }
        if (link) { link.hidden = false; }
    }

    // The report page's PDF link: wait for the worker here, then download; on any trouble,
    // follow the link (its page shows the progress or the reason).
    function pdfLinks() {
        if (!window.fetch) { return; }
        document.querySelectorAll("a[data-pdf-status]").forEach(function (link) {
            var waiting = false;
            link.addEventListener("click", function (event) {
                event.preventDefault();
                if (waiting) { return; }
                waiting = true;
                var status = document.createElement("span");
                status.className = "card-meta report-pdf-status";
                status.setAttribute("role", "status");
                status.textContent = link.getAttribute("data-pdf-waiting");
                link.parentNode.appendChild(status);
                link.setAttribute("aria-busy", "true");
                function done(url) {
                    waiting = false;
                    link.removeAttribute("aria-busy");
                    status.remove();
                    window.location.href = url;
                }
                function tick() {
                    fetch(link.getAttribute("data-pdf-status"), {credentials: "same-origin", cache: "no-store"})
                        .then(function (response) { return response.json(); })
                        .then(function (state) {
                            if (state.status === "done" || state.status === "failed") { done(state.url); return; }
                            status.textContent = link.getAttribute("data-pdf-waiting") + " " + state.progress + "%";
                            window.setTimeout(tick, 1500);
                        })
                        .catch(function () { done(link.href); });
                }
                tick();
            });
        });
    }

    function printButton() {
        document.querySelectorAll(".report-print").forEach(function (button) {
            button.hidden = false;
            button.addEventListener("click", function () { window.print(); });
        });
    }

    function start() { pollProgress(); pdfLinks(); printButton(); }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
