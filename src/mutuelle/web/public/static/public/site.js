/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  // After a submission: move the focus to the error summary, or to the result, or to the field
  // the page names (the child just added), so that a screen reader announces it and a keyboard
  // user starts from there; the element is scrolled into view (on a phone the error summary of
  // an upload sits below a long table).
  var main = document.getElementById("contenu");
  var named = main && main.getAttribute("data-focus");
  var target = document.getElementById("erreurs") ||
    (named && document.getElementById(named)) || document.getElementById("resultats");
  if (target) {
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  // The agents' questions only matter to agents: hide them for the other situations (they stay
  // visible when they hold an error).
  var agents = document.querySelectorAll(".only-agents");
  var radios = document.querySelectorAll('input[name="situation"]');
  // The request form: only the formulas of the situation chosen.
  var formulasData = document.getElementById("formules-par-situation");
  var byRange = formulasData ? JSON.parse(formulasData.textContent) : null;
  var select = document.querySelector('select[name="formula"]');
  function sync() {
    var checked = document.querySelector('input[name="situation"]:checked');
    var isAgent = checked && checked.value === "agents";
    agents.forEach(function (el) {
      el.hidden = !isAgent && !el.querySelector(".has-error");
    });
    document.querySelectorAll(".only-tns").forEach(function (el) {
      el.hidden = !(checked && checked.value === "tns");
    });
    if (byRange && select && checked && byRange[checked.value]) {
      var allowed = byRange[checked.value];
      select.querySelectorAll("optgroup").forEach(function (group) {
        var any = false;
        group.querySelectorAll("option").forEach(function (opt) {
          var ok = allowed.indexOf(opt.value) !== -1;
          opt.hidden = !ok;
          opt.disabled = !ok;
          any = any || ok;
        });
        group.hidden = !any;
      });
      if (select.value && allowed.indexOf(select.value) === -1) { select.value = ""; }
    }
  }
  if (radios.length) {
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }
})();
