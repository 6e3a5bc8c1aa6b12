"""The clerk's exchange screens (staff workspace): outgoing and incoming trays, an exchange
with its history and the decisions on it, sending an entry, and the file as sent.
Thin: parse, authorise (404 for anyone out of scope), call one service or selector, render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import selectors as registro_selectors
from . import selectors, services
from .constants import EstadoIntercambio, Sentido
from .forms import BandejaForm, ConfirmarForm, DestinoForm, RechazarForm


def sir_staff(permission: str = selectors.VIEW_PERMISSION):
    """Staff with ``permission`` and exchanges in scope; anyone else gets a 404."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user.has_perm(permission) and selectors.oficinas_scope(user).exists()):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _errors(exc: ValidationError) -> list[str]:
    return exc.messages


def _bandeja(request, sentido: str, template_title: str):
    form = BandejaForm(request.GET or None)
    estado = form.cleaned_data["estado"] if form.is_valid() else ""
    rows = selectors.bandeja(request.user, sentido=sentido, estado=estado)
    for row in rows:
        row.awaiting = selectors.awaiting_answer(row)
    return render(
        request,
        "registro/sir/bandeja.html",
        {
            "title": template_title,
            "form": form,
            "rows": rows,
            "sentido": sentido,
            "resumen": selectors.bandeja_resumen(request.user, sentido=sentido),
            "estados": EstadoIntercambio,
        },
    )


@sir_staff()
@require_GET
def bandeja_salida(request):
    return _bandeja(request, Sentido.SALIDA, _("Intercambios enviados a otras administraciones"))


@sir_staff()
@require_GET
def bandeja_entrada(request):
    return _bandeja(request, Sentido.ENTRADA, _("Intercambios recibidos de otras administraciones"))


def _get(request, pk: int):
    intercambio = selectors.intercambio_get_for(request.user, pk)
    if intercambio is None:
        raise Http404
    return intercambio


@sir_staff()
@require_GET
def intercambio_detalle(request, pk: int):
    intercambio = _get(request, pk)
    can_decide = request.user.has_perm(selectors.DECIDE_PERMISSION)
    return render(
        request,
        "registro/sir/detalle.html",
        _detail_context(request, intercambio, can_decide=can_decide),
    )


def _detail_context(request, intercambio, *, can_decide: bool, **forms) -> dict:
    recibido = intercambio.estado == EstadoIntercambio.RECIBIDO and can_decide
    return {
        "i": intercambio,
        "awaiting": selectors.awaiting_answer(intercambio),
        "can_decide": can_decide,
        "confirmar_form": forms.get("confirmar_form") or (ConfirmarForm() if recibido else None),
        "rechazar_form": forms.get("rechazar_form") or (RechazarForm() if recibido else None),
        "reenviar_form": forms.get("reenviar_form") or (DestinoForm() if recibido else None),
        "can_retry": can_decide
        and intercambio.sentido == Sentido.SALIDA
        and intercambio.estado == EstadoIntercambio.ERROR,
    }


def _decide(request, pk: int, form_class, form_name: str, action):
    intercambio = _get(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = action(intercambio, form.cleaned_data)
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            return result
    context = _detail_context(request, intercambio, can_decide=True, **{form_name: form})
    return render(request, "registro/sir/detalle.html", context, status=400)


@sir_staff(selectors.DECIDE_PERMISSION)
@require_POST
def intercambio_confirmar(request, pk: int):
    def action(intercambio, data):
        asiento = services.intercambio_confirmar(
            intercambio=intercambio, actor=request.user, unidad_destino=data["unidad_destino"]
        )
        messages.success(
            request,
            _("Pre-asiento confirmado: asiento de entrada %(numero)s.")
            % {"numero": asiento.numero},
        )
        return redirect("registro:sir_intercambio", pk=intercambio.pk)

    return _decide(request, pk, ConfirmarForm, "confirmar_form", action)


@sir_staff(selectors.DECIDE_PERMISSION)
@require_POST
def intercambio_rechazar(request, pk: int):
    def action(intercambio, data):
        services.intercambio_rechazar(
            intercambio=intercambio, actor=request.user, motivo=data["motivo"]
        )
        messages.success(request, _("Intercambio rechazado: se devuelve a la oficina de inicio."))
        return redirect("registro:sir_intercambio", pk=intercambio.pk)

    return _decide(request, pk, RechazarForm, "rechazar_form", action)


@sir_staff(selectors.DECIDE_PERMISSION)
@require_POST
def intercambio_reenviar(request, pk: int):
    def action(intercambio, data):
        salida = services.intercambio_reenviar(
            intercambio=intercambio,
            actor=request.user,
            entidad_destino=data["entidad_destino"],
            entidad_destino_nombre=data["entidad_destino_nombre"],
        )
        messages.success(
            request, _("Intercambio reenviado a %(code)s.") % {"code": salida.entidad_destino}
        )
        return redirect("registro:sir_intercambio", pk=salida.pk)

    return _decide(request, pk, DestinoForm, "reenviar_form", action)


@sir_staff(selectors.DECIDE_PERMISSION)
@require_POST
def intercambio_reintentar(request, pk: int):
    intercambio = _get(request, pk)
    try:
        services.intercambio_reintentar(intercambio=intercambio, actor=request.user)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("El intercambio se enviará de nuevo."))
    return redirect("registro:sir_intercambio", pk=intercambio.pk)


@sir_staff(selectors.SEND_PERMISSION)
@require_http_methods(["GET", "POST"])
def asiento_enviar(request, pk: int):
    """Send an entry to another administration's registry office (SIR)."""
    asiento = registro_selectors.asiento_get_for(request.user, pk)
    if (
        asiento is None
        or not selectors.oficinas_scope(request.user).filter(pk=asiento.oficina_id).exists()
    ):
        raise Http404
    form = DestinoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            intercambio = services.intercambio_enviar(
                asiento=asiento,
                entidad_destino=form.cleaned_data["entidad_destino"],
                entidad_destino_nombre=form.cleaned_data["entidad_destino_nombre"],
                actor=request.user,
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Intercambio %(id)s creado: se enviará en unos instantes.")
                % {"id": intercambio.identificador},
            )
            return redirect("registro:sir_intercambio", pk=intercambio.pk)
    return render(request, "registro/sir/enviar.html", {"form": form, "asiento": asiento})


def _xml_response(intercambio, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{intercambio.identificador}.xml"'
    return response


@sir_staff()
@require_GET
def intercambio_fichero(request, pk: int):
    """The SICRES 4.0 file of an outgoing exchange, as sent. Writes nothing but the audit."""
    intercambio = _get(request, pk)
    try:
        data = services.intercambio_fichero_bytes(intercambio=intercambio, actor=request.user)
    except ValidationError as exc:
        raise Http404 from exc
    return _xml_response(intercambio, data)


@sir_staff()
@require_GET
def sicres_export(request, pk: int):
    """``asientos/<pk>/sicres.xml``: the file of the entry's latest outgoing exchange. A GET
    never creates an exchange (issue 17 item 9): sending is a POST (``asiento_enviar``)."""
    asiento = registro_selectors.asiento_get_for(request.user, pk)
    if asiento is None:
        raise Http404
    intercambio = (
        selectors.intercambios_of_asiento(request.user, asiento)
        .filter(sentido=Sentido.SALIDA, identificador__isnull=False)
        .first()
    )
    if intercambio is None:
        raise Http404
    return _xml_response(
        intercambio, services.intercambio_fichero_bytes(intercambio=intercambio, actor=request.user)
    )


urlpatterns = [
    path("salida/", bandeja_salida, name="sir_salida"),
    path("entrada/", bandeja_entrada, name="sir_entrada"),
    path("intercambios/<int:pk>/", intercambio_detalle, name="sir_intercambio"),
    path("intercambios/<int:pk>/fichero.xml", intercambio_fichero, name="sir_fichero"),
    path("intercambios/<int:pk>/confirmar/", intercambio_confirmar, name="sir_confirmar"),
    path("intercambios/<int:pk>/rechazar/", intercambio_rechazar, name="sir_rechazar"),
    path("intercambios/<int:pk>/reenviar/", intercambio_reenviar, name="sir_reenviar"),
    path("intercambios/<int:pk>/reintentar/", intercambio_reintentar, name="sir_reintentar"),
    path("asientos/<int:pk>/enviar/", asiento_enviar, name="sir_enviar"),
]
