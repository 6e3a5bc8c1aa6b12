"""Citizen (comparecencia) and staff views of notifications. Thin: parse, authorise, call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from identidad.models import Interesado
from identidad.services import audit_record

from . import selectors, services
from .constants import Canal, Clase, Estado, EstadoRemesa
from .forms import IntentoPapelForm, PreferenciaForm, RemesaForm
from .models import Evidencia, Remesa

OPENED = (Estado.ACEPTADA, Estado.LEIDA, Estado.PAPEL)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Citizens ----------------------------------------------------------------------------


@login_required
def lista(request):
    items = selectors.notificaciones_list_for_citizen(request.user)
    return render(request, "notificaciones/lista.html", {"notificaciones": items})


def _citizen_notificacion(request, pk: int):
    notificacion = selectors.notificacion_get_for_citizen(request.user, pk)
    if notificacion is None:
        raise Http404
    return notificacion


@login_required
def detalle(request, pk: int):
    notificacion = _citizen_notificacion(request, pk)
    decision = services.access_decision(request.user, notificacion)
    return render(
        request,
        "notificaciones/detalle.html",
        {
            "n": notificacion,
            "decision": decision,
            "opened": notificacion.estado in OPENED,
            "evidencias": notificacion.evidencias.exclude(sealed_at=None),
            "intentos": notificacion.intentos_papel.all(),
            "documentos": notificacion.documentos.select_related("actual")
            if notificacion.estado in OPENED
            else [],
        },
    )


def _act(request, pk: int, action):
    notificacion = _citizen_notificacion(request, pk)
    try:
        result = action(notificacion_id=notificacion.pk, user=request.user)
    except PermissionDenied as exc:
        return render(
            request,
            "notificaciones/denegada.html",
            {"n": notificacion, "reason": str(exc)},
            status=403,
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("notificaciones:detalle", pk=pk)
    if result.estado == Estado.EXPIRADA:
        messages.error(
            request,
            _(
                "El plazo de diez días naturales para acceder terminó: la notificación se "
                "entiende rechazada. No se ha cambiado nada."
            ),
        )
    return redirect("notificaciones:detalle", pk=pk)


@login_required
@require_POST
def acceder(request, pk: int):
    return _act(request, pk, services.notificacion_open)


@login_required
def rechazar(request, pk: int):
    notificacion = _citizen_notificacion(request, pk)
    if request.method == "POST":
        return _act(request, pk, services.notificacion_reject)
    return render(request, "notificaciones/rechazar.html", {"n": notificacion})


@login_required
def documento(request, pk: int, documento_id: int):
    notificacion = _citizen_notificacion(request, pk)
    if notificacion.estado not in OPENED:
        raise Http404
    doc = notificacion.documentos.select_related("actual").filter(pk=documento_id).first()
    if doc is None or doc.actual is None:
        raise Http404
    with doc.actual.content.open("rb") as fh:
        data = fh.read()
    audit_record(actor=request.user, action="notificaciones.documento", obj=notificacion)
    response = HttpResponse(data, content_type=doc.actual.mime)
    response["Content-Disposition"] = f'attachment; filename="{doc.nombre}"'
    return response


def _evidencia_response(evidencia: Evidencia) -> HttpResponse:
    if evidencia.firma_version_id is None:
        raise Http404
    with evidencia.firma_version.content.open("rb") as fh:
        data = fh.read()
    response = HttpResponse(data, content_type="application/pdf")
    name = f"acuse-{evidencia.notificacion.identificador}-{evidencia.tipo}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def evidencia(request, pk: int, tipo: str):
    notificacion = _citizen_notificacion(request, pk)
    ev = notificacion.evidencias.select_related("firma_version").filter(tipo=tipo).first()
    if ev is None:
        raise Http404
    return _evidencia_response(ev)


@login_required
def preferencias(request):
    interesado = Interesado.objects.filter(user=request.user).first()
    if interesado is None:
        raise Http404
    form = PreferenciaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pref = services.preferencia_set(
            interesado=interesado, electronica=form.cleaned_data["electronica"], actor=request.user
        )
        messages.success(
            request,
            _("Hemos registrado su elección. Surte efecto el %(fecha)s (art. 41.1).")
            % {"fecha": pref.effective_at.strftime("%d/%m/%Y")},
        )
        return redirect("notificaciones:preferencias")
    canal, motivo = services.canal_for(interesado)
    return render(
        request,
        "notificaciones/preferencias.html",
        {"form": form, "canal": Canal(canal).label, "motivo": motivo, "interesado": interesado},
    )


# --- Staff -------------------------------------------------------------------------------


def _staff_list_allowed(request) -> None:
    if not (request.user.is_authenticated and request.user.is_staff):
        raise Http404
    if not request.user.has_perm("notificaciones.view_notificacion"):
        raise Http404


@login_required
def gestion(request):
    _staff_list_allowed(request)
    items = selectors.notificaciones_staff_list(
        request.user, q=request.GET.get("q", ""), estado=request.GET.get("estado", "")
    )
    return render(
        request,
        "notificaciones/gestion/lista.html",
        {"notificaciones": items, "estados": Estado.choices, "q": request.GET.get("q", "")},
    )


@login_required
def gestion_detalle(request, pk: int):
    _staff_list_allowed(request)
    notificacion = selectors.notificacion_get_for_staff(request.user, pk)
    if notificacion is None:
        raise Http404
    audit_record(actor=request.user, action="notificaciones.consulta", obj=notificacion)
    form = IntentoPapelForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("notificaciones.change_notificacion"):
            raise Http404
        if form.is_valid():
            try:
                services.papel_intento_record(
                    notificacion_id=notificacion.pk, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Intento de entrega registrado."))
                return redirect("notificaciones:gestion_detalle", pk=pk)
    return render(
        request,
        "notificaciones/gestion/detalle.html",
        {
            "n": notificacion,
            "eventos": notificacion.eventos.select_related("actor"),
            "avisos": notificacion.avisos.all(),
            "evidencias": notificacion.evidencias.all(),
            "intentos": notificacion.intentos_papel.all(),
            "form": form if notificacion.canal == Canal.PAPEL else None,
            "is_comunicacion": notificacion.clase == Clase.COMUNICACION,
        },
    )


@login_required
def gestion_evidencia(request, pk: int, tipo: str):
    _staff_list_allowed(request)
    notificacion = selectors.notificacion_get_for_staff(request.user, pk)
    if notificacion is None:
        raise Http404
    ev = notificacion.evidencias.select_related("firma_version").filter(tipo=tipo).first()
    if ev is None:
        raise Http404
    return _evidencia_response(ev)


@login_required
def gestion_expediente(request, expediente_id: int):
    """Every notification of a case file, and "send the pending ones now"."""
    from expedientes.selectors import expediente_for_staff

    _staff_list_allowed(request)
    expediente = expediente_for_staff(request.user, expediente_id)
    if expediente is None:
        raise Http404
    if request.method == "POST":
        made = services.pendientes_process(expediente_id=expediente.pk)
        messages.success(request, _("Notificaciones puestas a disposición: %(n)s.") % {"n": made})
        return redirect("notificaciones:gestion_expediente", expediente_id=expediente.pk)
    return render(
        request,
        "notificaciones/gestion/expediente.html",
        {
            "expediente": expediente,
            "notificaciones": expediente.notificaciones.select_related("destinatario").order_by(
                "created_at"
            ),
            "pendientes": expediente.notificaciones_pendientes.filter(
                estado="pendiente", notificaciones__isnull=True
            ),
        },
    )


def _remesas_allowed(request) -> None:
    _staff_list_allowed(request)
    if not request.user.has_perm("notificaciones.add_remesa"):
        raise Http404


@login_required
def remesas(request):
    _remesas_allowed(request)
    items = Remesa.objects.filter(created_by=request.user)
    if request.user.has_perm("notificaciones.view_remesa"):
        items = selectors.remesas_for_staff(request.user)
    return render(request, "notificaciones/gestion/remesas.html", {"remesas": items[:50]})


@login_required
def remesa_nueva(request):
    _remesas_allowed(request)
    units = selectors.staff_units(request.user)
    form = RemesaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not units:
            form.add_error(None, _("No tiene ninguna unidad asignada para emitir actos."))
        else:
            try:
                remesa = services.remesa_create(
                    titulo=form.cleaned_data["titulo"],
                    asunto=form.cleaned_data["asunto"],
                    texto=form.cleaned_data["texto"],
                    recursos=form.cleaned_data["recursos"],
                    unidad=units[0],
                    interesado_ids=form.cleaned_data["nifs"],
                    actor=request.user,
                )
                services.remesa_start(remesa=remesa)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                return redirect("notificaciones:remesa", pk=remesa.pk)
    return render(request, "notificaciones/gestion/remesa_nueva.html", {"form": form})


@login_required
def remesa_detalle(request, pk: int):
    _remesas_allowed(request)
    remesa = selectors.remesas_for_staff(request.user).filter(pk=pk).first()
    if remesa is None:
        raise Http404
    return render(
        request,
        "notificaciones/gestion/remesa.html",
        {
            "remesa": remesa,
            "progress": services.remesa_progress(remesa),
            "fallidos": remesa.destinatarios.exclude(error="").select_related("interesado")[:100],
            "en_curso": remesa.estado == EstadoRemesa.EN_CURSO,
        },
    )
