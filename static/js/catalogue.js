/* Catalogue enhancements; every page works without this file.
 * - Editor: changing the category reloads the form with that category's attribute fields
 *   (the same as pressing the "Show this category's fields" button).
 * - Product page: clicking a thumbnail shows it as the main photo.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var chooser = document.querySelector("select[data-choose-category]");
  if (chooser) {
    chooser.addEventListener("change", function () {
      var form = chooser.form;
      var button = form.querySelector("button[value=choose_category]");
      if (!button) return;
      if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
    });
  }

  var main = document.querySelector(".cat-main-photo img");
  document.querySelectorAll(".cat-thumbs a[data-large]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!main) return;
      event.preventDefault();
      main.src = link.getAttribute("data-large");
      var thumb = link.querySelector("img");
      if (thumb) { main.alt = thumb.alt; }
      main.parentElement.href = link.href;
    });
  });
})();
