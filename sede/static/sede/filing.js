/* Filing forms, progressive enhancement: a fieldset (or a single field, e.g. "Razón social"
   for a legal person only) whose condition depends on a field of the same step is hidden
   while the condition does not hold. Without JavaScript it stays visible
   with a note, and the server drops its answers when the condition does not hold. */
(function () {
  "use strict";

  function currentValue(form, name) {
    var controls = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < controls.length; i++) {
      var c = controls[i];
      if (c.type === "checkbox") { return c.checked ? "true" : "false"; }
      if (c.type === "radio") { if (c.checked) { return c.value; } continue; }
      return c.value;
    }
    return "";
  }

  function update(form) {
    var sets = form.querySelectorAll("[data-condition-field]");
    for (var i = 0; i < sets.length; i++) {
      var fs = sets[i];
      var wanted = JSON.parse(fs.getAttribute("data-condition-values") || "[]");
      var value = currentValue(form, fs.getAttribute("data-condition-field"));
      fs.hidden = wanted.indexOf(value) === -1;
      var note = fs.querySelector(".filing-condition-note");
      if (note) { note.hidden = true; }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-filing-step]");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        update(form);
        form.addEventListener("change", function () { update(form); });
      })(forms[i]);
    }
  });
})();
