"""Web views of the payments app: the gateway's notification callback, the citizen's page of
a payment (where URLOK / URLKO land), its proof, and the simulator gateway (demo, tests)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from bilbao_sede.net import client_ip

from . import selectors, services
from .backends.base import NotificacionInvalida, get_gateway
from .backends.simulador import SimuladorGateway
from .constants import EstadoPago
from .justificante import justificante_filename, render_justificante_pdf

# --- The gateway's callback (server to server) -------------------------------------------


def _notification_rate(group, request) -> str:  # noqa: ARG001
    return getattr(settings, "PAGOS_NOTIFICATION_RATE", "120/m")


@require_POST
@csrf_exempt  # the gateway cannot hold a CSRF token: the HMAC signature is the check
@ratelimit(
    group="pagos.notificacion", key="ip", rate=_notification_rate, method="POST", block=False
)
def notificacion(request):
    """Redsys' «notificación online»: 200 when taken (or already taken), 4xx when refused."""
    if getattr(request, "limited", False):
        return HttpResponse("rate limited", status=429, content_type="text/plain")
    try:
        services.pago_notification_receive(post=request.POST, ip=client_ip(request))
    except services.NotificacionRechazada as exc:
        return HttpResponse("refused", status=exc.status, content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")


# --- The citizen's pages -------------------------------------------------------------------


def _pago(request, public_id):
    try:
        return selectors.pago_for_user(request.user, public_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
@never_cache
def detalle(request, public_id):
    """Where the gateway sends the citizen back (URLOK / URLKO: ``?resultado=ok|ko``). It
    shows what the verified notification decided; it never marks anything paid itself."""
    pago = _pago(request, public_id)
    back = pago.return_url
    if back and not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return render(
        request,
        "pagos/detalle.html",
        {
            "pago": pago,
            "resultado": request.GET.get("resultado", ""),
            "back_url": back,
            "estados": EstadoPago,
        },
    )


@login_required
@require_GET
def justificante(request, public_id):
    """The payment proof of a paid (or refunded) payment."""
    pago = _pago(request, public_id)
    if pago.estado not in (EstadoPago.AUTORIZADO, EstadoPago.DEVUELTO):
        raise Http404
    lang = (getattr(request, "LANGUAGE_CODE", "es") or "es")[:2]
    response = HttpResponse(render_justificante_pdf(pago, language=lang), "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{justificante_filename(pago)}"'
    return response


# --- The simulator gateway (PAGOS_SIMULADOR) ----------------------------------------------


def _simulator() -> SimuladorGateway:
    gateway = get_gateway() if getattr(settings, "PAGOS_SIMULADOR", False) else None
    if not isinstance(gateway, SimuladorGateway):
        raise Http404
    return gateway


_SIGNED = ("Ds_SignatureVersion", "Ds_MerchantParameters", "Ds_Signature")


@require_POST
@csrf_exempt  # plays a foreign gateway that the citizen's browser posts to
def simulador(request):
    """The simulator's payment page: the amount and «Pagar» / «Rechazar» / «Cancelar»."""
    gateway = _simulator()
    try:
        params = gateway.verify_request(request.POST)
    except NotificacionInvalida:
        return render(request, "pagos/simulador_error.html", status=400)
    return render(
        request,
        "pagos/simulador.html",
        {
            "amount_cents": int(params.get("DS_MERCHANT_AMOUNT") or 0),
            "amount": f"{int(params.get('DS_MERCHANT_AMOUNT') or 0) / 100:.2f}".replace(".", ","),
            "concept": params.get("DS_MERCHANT_PRODUCTDESCRIPTION", ""),
            "merchant": params.get("DS_MERCHANT_MERCHANTNAME", ""),
            "order": params.get("DS_MERCHANT_ORDER", ""),
            "signed": {k: request.POST.get(k, "") for k in _SIGNED},
        },
    )


_RESPONSES = {"pagar": "0000", "rechazar": "0190", "cancelar": "9915"}


@require_POST
def simulador_responder(request):
    """The card holder's answer: the simulator signs the notification as Redsys would, hands
    it to the same service as the callback, then sends the browser to URLOK / URLKO."""
    gateway = _simulator()
    response = _RESPONSES.get(request.POST.get("accion", ""))
    try:
        params = gateway.verify_request(request.POST)
    except NotificacionInvalida:
        return render(request, "pagos/simulador_error.html", status=400)
    if response is None:
        return render(request, "pagos/simulador_error.html", status=400)
    fields = gateway.notification_fields(
        order=params["DS_MERCHANT_ORDER"],
        amount_cents=int(params["DS_MERCHANT_AMOUNT"]),
        response=response,
        auth=f"{secrets.randbelow(1_000_000):06d}" if response == "0000" else "",
    )
    try:
        services.pago_notification_receive(post=gateway.signed_notification(fields))
    except services.NotificacionRechazada:
        return render(request, "pagos/simulador_error.html", status=400)
    back = params["DS_MERCHANT_URLOK"] if response == "0000" else params["DS_MERCHANT_URLKO"]
    return redirect(back)
