// The listening source form lists what every kind of source accepts; once a kind is chosen,
// only its settings stay in view (without JavaScript, or before a choice, all of them show).
(function () {
  "use strict";
  function update(select) {
    var kind = select.value;
    document.querySelectorAll("dt[data-kind], dd[data-kind]").forEach(function (item) {
      item.hidden = Boolean(kind) && item.getAttribute("data-kind") !== kind;
    });
  }
  function start() {
    var select = document.getElementById("id_kind");
    if (!select) return;
    select.addEventListener("change", function () { update(select); });
    update(select);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
