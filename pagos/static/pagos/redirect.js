// Progressive enhancement: send the citizen to the payment gateway at once. Without
// JavaScript the page shows the same form with its button.
(function () {
  "use strict";
  var form = document.getElementById("pagos-redirect");
  if (form && form.dataset.autosubmit === "1") {
    form.submit();
  }
})();
