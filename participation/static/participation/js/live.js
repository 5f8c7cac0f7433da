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

  // The agency's badge (a <template> in the page, in the page's language) for what its staff
  // write, as the server marks it on a reload.
  function agencyBadge() {
    var template = document.getElementById("agency-voice-badge");
    return template ? template.content.cloneNode(true) : null;
  }

  function newComment(event, className) {
    var item = document.createElement("li");
    item.className = className;
    item.id = "comment-" + event.id;
    var meta = document.createElement("p");
    meta.className = "comment-meta";
    var badge = event.agency_voice ? agencyBadge() : null;
    if (badge) {
      item.className += event.parent ? " reply-by-agency" : " comment-by-agency";
      meta.appendChild(badge);
      meta.appendChild(document.createTextNode(" "));
    }
    var name = document.createElement("strong");
    name.textContent = event.author;
    meta.appendChild(name);
    var body = document.createElement("p");
    body.className = "comment-body";
    body.textContent = event.body;
    item.appendChild(meta);
    item.appendChild(body);
    return item;
  }

  function addReply(event) {
    var parent = document.getElementById("comment-" + event.parent);
    if (!parent) return;
    var list = parent.querySelector(":scope > .reply-list");
    if (!list) {
      list = document.createElement("ul");
      list.className = "reply-list";
      parent.insertBefore(list, parent.querySelector(":scope > .reply-details"));
    }
    list.appendChild(newComment(event, "comment reply comment-new"));
  }

  function addComment(event) {
    if (document.getElementById("comment-" + event.id)) {
      var existing = document.querySelector("#comment-" + event.id + " .comment-body");
      if (existing) existing.textContent = event.body;
      return;
    }
    if (event.parent) return addReply(event);
    var list = document.querySelector('[data-section-comments="' + (event.section || "") + '"]');
    if (!list) return;
    list.appendChild(newComment(event, "comment comment-new"));
  }

  // The consultation closed (early, by its agency) or was answered while the page is open:
  // say so once, and stop the forms whose sending the server would now refuse.
  function statusChanged(event) {
    if (!event.status || event.status === root.dataset.status) return;
    var wasOpen = root.dataset.status === "open";
    root.dataset.status = event.status;
    var template = document.getElementById("status-notice-" + event.status);
    var previous = root.querySelector(".status-changed");
    if (previous) previous.remove();
    if (template) {
      var anchor = root.querySelector('[data-live="connection"]');
      var notice = template.content.cloneNode(true);
      if (anchor) anchor.parentNode.insertBefore(notice, anchor);
      else root.insertBefore(notice, root.firstChild);
    }
    if (wasOpen && event.status !== "open") {
      root.querySelectorAll("#comment-form, #statement-form, .reply-form, .vote-form").forEach(
        function (form) {
          form.querySelectorAll("input, textarea, select, button").forEach(function (field) {
            field.disabled = true;
          });
        }
      );
    }
  }

  function handle(event) {
    if (event.kind === "tally") setTally(event.statement, event.agree, event.disagree, event.pass);
    else if (event.kind === "tallies") {
      event.tallies.forEach(function (t) { setTally(t.statement, t.agree, t.disagree, t.pass); });
    }
    else if (event.kind === "comment") addComment(event);
    else if (event.kind === "status") statusChanged(event);
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
