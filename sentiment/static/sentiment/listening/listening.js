/* New posts and alerts of this topic arrive over the live WebSocket; announce them politely. */
(function () {
    "use strict";
    var summary = document.querySelector("[data-live-stream]");
    var note = document.getElementById("listening-live");
    if (!summary || !note || !window.WebSocket) { return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/live/");
    socket.addEventListener("open", function () {
        socket.send(JSON.stringify({ action: "subscribe", stream: summary.getAttribute("data-live-stream") }));
    });
    socket.addEventListener("message", function (message) {
        var data = JSON.parse(message.data || "{}");
        var event = data.event || {};
        if (event.type === "posts" && event.count) {
            var volume = document.getElementById("listening-volume");
            if (volume) { volume.textContent = String(parseInt(volume.textContent, 10) + event.count); }
            note.textContent = summary.getAttribute("data-new-posts-text") || "";
        } else if (event.type === "alert") {
            note.textContent = summary.getAttribute("data-alert-text") || "";
        }
    });
})();
