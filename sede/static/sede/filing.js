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

  /* A long list (the destination unit): a search box above it filters the options as the
     citizen types. Without JavaScript the list is simply there, sorted by name. */
  function searchable(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "filing-filter";
    box.id = select.id + "-filtro";
    box.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "field__help";
    label.textContent = select.getAttribute("data-filter-label") || "Filtrar";
    var options = Array.prototype.slice.call(select.options);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").split(/\s+/);
      options.forEach(function (option) {
        if (!option.value) { return; }
        var text = option.text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !match;
        option.disabled = !match && !option.selected;
      });
    });
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var lists = document.querySelectorAll("select[data-searchable]");
    for (var j = 0; j < lists.length; j++) { searchable(lists[j]); }
    var forms = document.querySelectorAll("form[data-filing-step]");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        update(form);
        form.addEventListener("change", function () { update(form); });
      })(forms[i]);
    }
  });
})();
