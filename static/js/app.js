/* Small progressive enhancements; every page works without this file.
 * - <form data-confirm="question">: ask before submitting (revoking, rejecting …).
 * - <button data-copy="#selector" hidden>: copy the target's text to the clipboard; shown only
 *   where the Clipboard API exists.
 * - <select data-autosubmit>: submit the form when the choice changes.
 * No inline scripts anywhere: the Content-Security-Policy forbids them.
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // Prevent double submits (a second click while the first request is under way).
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    window.setTimeout(function () { delete form.dataset.submitting; }, 4000);
  });

  function enableCopyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var target = document.querySelector(button.getAttribute("data-copy"));
      if (!target) return;
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          button.textContent = "✓ " + label;
          window.setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }

  function enableAutosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enableCopyButtons(); enableAutosubmit(); });
  } else {
    enableCopyButtons();
    enableAutosubmit();
  }
})();
