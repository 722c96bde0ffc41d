/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  // After a submission: move the focus to the error summary, or to the result, so that a
  // screen reader announces it and a keyboard user starts from there.
  var target = document.getElementById("erreurs") || document.getElementById("resultats");
  if (target) { target.focus(); }

  // The agents' questions only matter to agents: hide them for the other situations (they stay
  // visible when they hold an error).
  var agents = document.querySelectorAll(".only-agents");
  var radios = document.querySelectorAll('input[name="situation"]');
  function sync() {
    var checked = document.querySelector('input[name="situation"]:checked');
    var isAgent = checked && checked.value === "agents";
    agents.forEach(function (el) {
      el.hidden = !isAgent && !el.querySelector(".has-error");
    });
  }
  if (agents.length && radios.length) {
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }
})();
