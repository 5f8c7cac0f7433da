// A confirmation whose redirect scrolled the page to a section further down stays in sight
// (minyi.css: sticky while the page has a :target); this gives each message a button to
// put it away. Without JavaScript the messages simply stay.
(function () {
  "use strict";
  document.querySelectorAll(".message-list").forEach(function (list) {
    var label = list.getAttribute("data-close-label") || "Close";
    list.querySelectorAll(".message").forEach(function (message) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "message-close";
      // The × is drawn by CSS: the message's own text stays exactly what the server wrote.
      button.setAttribute("aria-label", label);
      button.addEventListener("click", function () {
        message.remove();
      });
      message.appendChild(button);
    });
  });
})();
