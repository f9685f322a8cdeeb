// After a failed submit, put the keyboard (and a screen reader) on the first
// problem instead of leaving it at the top of a long form on a phone.
// A link to "#step-…" opens that step of a case, so a list's next action is one tap.
(function () {
  "use strict";
  var FIELD = "input:not([type=hidden]), select, textarea";

  function firstError() {
    var main = document.getElementById("main");
    if (!main) return null;
    var first = main.querySelector("[aria-invalid=true], .errorlist");
    if (!first || first.matches("[aria-invalid=true]")) return first;
    // A field's errors sit right before it (Django's as_div) or right after it
    // (hand-written forms); errors of the whole form get the focus themselves.
    var before = first.previousElementSibling, after = first.nextElementSibling;
    if (before && before.matches(FIELD)) return before;
    if (after && after.matches(FIELD)) return after;
    first.setAttribute("tabindex", "-1");
    return first;
  }

  function openStep() {
    if (!location.hash) return null;
    var step = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!step || step.tagName !== "DETAILS") return null;
    step.open = true;
    return step.querySelector(FIELD) || step.querySelector("summary");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var target = firstError() || openStep();
    if (!target) return;
    var details = target.closest("details");
    if (details) details.open = true;
    target.focus();
    target.scrollIntoView({ block: "center" });
  });
})();
