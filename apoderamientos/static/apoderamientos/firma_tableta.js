// Tablet signature for the express consent (HAB-2): draws on a canvas and sends it as a PNG
// data URL in the hidden field "firma_tableta". Without JavaScript the box stays hidden and
// the consent is printed, signed on paper and digitised.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-firma-tableta]");
  if (!box) return;
  var canvas = box.querySelector("[data-firma-canvas]");
  var field = document.querySelector("input[name='firma_tableta']");
  var form = field && field.form;
  if (!canvas || !field || !form) return;
  box.hidden = false;
  var ctx = canvas.getContext("2d");
  var drawing = false, drawn = false;
  ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.strokeStyle = "#000";
  function point(e) {
    var r = canvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
  }
  canvas.addEventListener("pointerdown", function (e) { drawing = true; var p = point(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); canvas.setPointerCapture(e.pointerId); });
  canvas.addEventListener("pointermove", function (e) { if (!drawing) return; var p = point(e); ctx.lineTo(p.x, p.y); ctx.stroke(); drawn = true; });
  canvas.addEventListener("pointerup", function () { drawing = false; });
  box.querySelector("[data-firma-borrar]").addEventListener("click", function () { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; field.value = ""; });
  form.addEventListener("submit", function () { field.value = drawn ? canvas.toDataURL("image/png") : ""; });
});
