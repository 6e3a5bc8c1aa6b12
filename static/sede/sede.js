/* Progressive enhancement only: every page works without this file.
   After a failed submit, move the focus to the error summary so that keyboard and screen
   reader users land on the list of problems (templates/components/form_errors.html). */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary && typeof summary.focus === "function") {
    summary.focus();
  }
})();
