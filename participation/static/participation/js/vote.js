// One-card voting without reloading the page: the card's form is sent with fetch and the
// server answers with the reader's next card (rendered from the same template as the plain
// form's page). Without JavaScript, or when the request fails, the form is submitted as usual.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function fallback(form, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "value";
    input.value = value;
    form.appendChild(input);
    form.submit();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("#vote .vote-form")) return;
    var button = event.submitter;
    if (!button || button.name !== "value") return;
    event.preventDefault();
    var data = new FormData(form);
    data.set("value", button.value);
    data.set("card", "1");
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (json) { return { status: response.status, json: json }; });
      })
      .then(function (result) {
        var card = document.getElementById("vote");
        if (result.json.card && card) {
          // Our own server's rendering of the card template (every value escaped there).
          var holder = document.createElement("div");
          holder.innerHTML = result.json.card;
          var next = holder.querySelector("#vote");
          if (next) {
            card.replaceWith(next);
            var title = next.querySelector(".vote-card-title");
            if (title) title.focus({ preventScroll: true });
          } else {
            card.remove();
          }
          return;
        }
        buttons.forEach(function (b) { b.disabled = false; });
        var status = card && card.querySelector(".vote-confirmation");
        if (card && !status) {
          status = document.createElement("p");
          status.className = "vote-confirmation";
          status.setAttribute("role", "status");
          card.insertBefore(status, card.firstChild);
        }
        if (status) status.textContent = result.json.error || result.json.message || "";
      })
      .catch(function () { fallback(form, button.value); });
  });
})();
