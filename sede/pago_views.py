"""The payment step of the filing flow (``/tramites/borrador/<id>/pago/``): the fee, its
concept and «Pagar ahora», which starts a payment and sends the citizen to the gateway with
a plain HTML form (works without JavaScript)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pagos.backends.base import ReturnUrls, get_gateway
from pagos.services import PagoRefused, pago_start

from . import selectors
from .filing.navigation import borrador_or_404, lang_of, level_redirect, progress
from .pagos_flow import pago_state, referencia_of


@login_required
@require_http_methods(["GET", "POST"])
def pago(request, public_id):
    borrador = borrador_or_404(request, public_id)
    if (response := level_redirect(request, borrador.procedimiento, borrador)) is not None:
        return response
    lang = lang_of(request)
    if selectors.borrador_errors(borrador, lang):
        return redirect("sede:filing_review", public_id=borrador.public_id)
    state = pago_state(borrador)
    if state["tasa"] is None:  # nothing to pay (no fee, or waived by the answers)
        return redirect("sede:filing_review", public_id=borrador.public_id)
    if request.method == "POST" and state["pending"]:
        here = reverse("sede:filing_pago", args=[borrador.public_id])
        try:
            new = pago_start(
                user=request.user,
                procedimiento=borrador.procedimiento,
                referencia=referencia_of(borrador),
                tasa=state["tasa"],
                return_url=here,
            )
        except PagoRefused as exc:
            messages.error(request, exc.message)
            return redirect(here)
        gateway = get_gateway()
        assert gateway is not None  # pago_start refuses without one
        detalle = reverse("pagos:detalle", args=[new.public_id])
        urls = ReturnUrls(
            notification=request.build_absolute_uri(reverse("pagos:notificacion")),
            ok=request.build_absolute_uri(f"{detalle}?resultado=ok"),
            ko=request.build_absolute_uri(f"{detalle}?resultado=ko"),
        )
        return render(
            request,
            "sede/filing/pago_redirect.html",
            {
                "borrador": borrador,
                "procedimiento": borrador.procedimiento,
                "pago": new,
                "redirect_form": gateway.redirect_form(pago=new, urls=urls, language=lang),
            },
        )
    if request.method == "POST":
        messages.info(request, _("Esta tasa ya está pagada."))
    definition = selectors.definition_of(borrador)
    return render(
        request,
        "sede/filing/pago.html",
        {
            "borrador": borrador,
            "procedimiento": borrador.procedimiento,
            "pago": state,
            "online": get_gateway() is not None,
            "progress": progress(definition, borrador, "_pagar", lang),
        },
    )
