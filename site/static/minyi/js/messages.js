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

  // The sticky messages must not cover what the page scrolled to: a long message (a masking
  // notice) is taller than the CSS's 6rem margin on a phone, so measure it and scroll again.
  var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  var sticky = document.querySelector("main > .messages");
  if (target && sticky && sticky.querySelector(".message")) {
    target.style.scrollMarginTop = sticky.offsetHeight + 16 + "px";
    target.scrollIntoView();
  }
})();
