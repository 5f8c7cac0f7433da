// Live updates for a consultation page: WebSocket first, periodic refresh as fallback.
// Everything received is inserted with textContent, never as HTML.
(function () {
  "use strict";
  var root = document.querySelector("[data-consultation]");
  if (!root) return;
  var stream = "consultation." + root.dataset.consultation;
  var stateUrl = root.dataset.stateUrl;
  var pollTimer = null;
  var POLL_MS = 30000;

  function setTally(id, agree, disagree, pass) {
    document.querySelectorAll('[data-statement-id="' + id + '"]').forEach(function (el) {
      var values = { agree: agree, disagree: disagree, pass: pass };
      Object.keys(values).forEach(function (key) {
        var span = el.querySelector('[data-tally="' + key + '"]');
        if (span) span.textContent = String(values[key]);
      });
    });
  }

  function addComment(event) {
    if (document.getElementById("comment-" + event.id)) {
      var existing = document.querySelector("#comment-" + event.id + " .comment-body");
      if (existing) existing.textContent = event.body;
      return;
    }
    var list = document.querySelector('[data-section-comments="' + (event.section || "") + '"]');
    if (!list || event.parent) return;
    var item = document.createElement("li");
    item.className = "comment comment-new";
    item.id = "comment-" + event.id;
    var meta = document.createElement("p");
    meta.className = "comment-meta";
    var name = document.createElement("strong");
    name.textContent = event.author;
    meta.appendChild(name);
    var body = document.createElement("p");
    body.className = "comment-body";
    body.textContent = event.body;
    item.appendChild(meta);
    item.appendChild(body);
    list.appendChild(item);
  }

  function handle(event) {
    if (event.kind === "tally") setTally(event.statement, event.agree, event.disagree, event.pass);
    else if (event.kind === "tallies") {
      event.tallies.forEach(function (t) { setTally(t.statement, t.agree, t.disagree, t.pass); });
    }
    else if (event.kind === "comment") addComment(event);
    else if (event.kind === "withdrawn") {
      var gone = document.getElementById("comment-" + event.id);
      if (gone) gone.remove();
    }
  }

  function poll() {
    fetch(stateUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state) return;
        Object.keys(state.tallies).forEach(function (id) {
          var t = state.tallies[id];
          setTally(id, t[0], t[1], t[2]);
        });
      })
      .catch(function () {});
  }

  function startPolling() {
    if (!pollTimer) pollTimer = window.setInterval(poll, POLL_MS);
  }

  function connect(attempt) {
    if (!("WebSocket" in window)) return startPolling();
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/live/");
    socket.onopen = function () {
      attempt = 0;
      if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
      socket.send(JSON.stringify({ action: "subscribe", stream: stream }));
      poll(); // catch up on anything missed while disconnected
    };
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.type === "subscribed") root.dataset.live = "connected";
      if (data.type === "event") handle(data.event);
    };
    socket.onclose = function () {
      root.dataset.live = "polling";
      startPolling();
      var delay = Math.min(30000, 1000 * Math.pow(2, attempt));
      window.setTimeout(function () { connect(attempt + 1); }, delay);
    };
  }

  connect(0);
})();
