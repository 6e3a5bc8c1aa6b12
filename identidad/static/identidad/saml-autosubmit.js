// Sends the SAML request on to the identity provider; without JavaScript, the button does it.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("saml-post-binding");
  if (form) {
    form.submit();
  }
});
