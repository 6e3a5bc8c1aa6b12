/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  /* After a failed submit, move the focus to the error summary so that keyboard and screen
     reader users land on the list of problems (templates/components/form_errors.html). */
  var summary = document.querySelector(".error-summary");
  if (summary && typeof summary.focus === "function") {
    summary.focus();
  }

  /* Small screens: the "Menú" link (which works without JavaScript through #menu:target)
     becomes a button that opens and closes the menu, with aria-expanded. */
  var header = document.querySelector(".site-header");
  var toggle = document.querySelector("[data-menu-toggle]");
  if (header && toggle) {
    header.classList.add("js-menu");
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-expanded", "false");
    var toggleMenu = function (event) {
      event.preventDefault();
      var open = !header.classList.contains("menu-open");
      header.classList.toggle("menu-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    toggle.addEventListener("click", toggleMenu);
    toggle.addEventListener("keydown", function (event) {
      if (event.key === " ") { toggleMenu(event); }
    });
  }
})();
