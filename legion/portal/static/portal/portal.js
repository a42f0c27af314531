/* Legion portal: small enhancements only. Every page works without this file. */
(function () {
  "use strict";

  // A form is sent once: a second click while the first request is on its way does
  // nothing (the server refuses duplicates anyway; this spares the applicant a
  // confusing second answer).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("data-submitted") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitted", "true");
    window.setTimeout(function () { form.removeAttribute("data-submitted"); }, 10000);
  });

  // Coming back with the browser's back button: forms may be sent again.
  window.addEventListener("pageshow", function () {
    var forms = document.querySelectorAll("form[data-submitted]");
    for (var i = 0; i < forms.length; i++) forms[i].removeAttribute("data-submitted");
  });

  // Links styled as buttons say "button" to screen readers, so they answer the Space
  // key as buttons do (Enter works without this script).
  document.addEventListener("keydown", function (event) {
    var link = event.target;
    if (event.key !== " " || !link.matches || !link.matches("a[role='button']")) return;
    event.preventDefault();
    link.click();
  });

  // Error summary links move focus to the field itself, not just scroll to it,
  // and keep its label or legend in view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) return;
    event.preventDefault();
    var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
    var label = legend || document.querySelector("label[for='" + input.id + "']");
    (label || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
