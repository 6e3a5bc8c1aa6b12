"""Web views: public CSV verification (FIR-8) and the staff portafirmas (FIR-5)."""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from bilbao_sede.net import client_ip

from . import selectors, services
from .constants import TipoAccion
from .forms import AccionFormSet, PeticionForm, RechazoForm, ValidarForm, VerificarForm
from .services import AccionNoDisponibleError

logger = logging.getLogger("firma.verificar")

# --- Public verification (/verificar/) --------------------------------------------------


def verify_reverse(name: str, **kwargs) -> str:
    """URL of a verification page: at /verificar/ when the project mounts it there (namespace
    "verificar"), else under /firma/verificar/."""
    for namespace in ("verificar", "firma:verificar"):
        try:
            return reverse(f"{namespace}:{name}", kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(name)


def _verify_urls(version=None) -> dict:
    urls = {"form_url": verify_reverse("form")}
    if version is not None:
        urls["document_url"] = verify_reverse("documento", code=version.csv_display)
    return urls


def _verify_rate(group, request) -> str:  # noqa: ARG001
    return getattr(settings, "FIRMA_VERIFY_RATE", "20/m")


def _rate_limited(view):
    """Per-IP limit on every verification page; over it, a clear 429 page (FIR-8)."""

    @ratelimit(group="firma.verificar", key="ip", rate=_verify_rate, block=False)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if getattr(request, "limited", False):
            return render(request, "firma/verificar_limite.html", _verify_urls(), status=429)
        return view(request, *args, **kwargs)

    return wrapped


def _not_found(request):
    """The one answer for every failed look-up: malformed or unknown codes look the same,
    and what was typed is not echoed back."""
    return render(
        request,
        "firma/verificar.html",
        {"form": VerificarForm(), "not_found": True, **_verify_urls()},
        status=404,
    )


def _audit_access(request, version, what: str) -> None:
    logger.info(
        "CSV verification: %s of version %s (documento %s) from %s",
        what,
        version.pk,
        version.documento_id,
        client_ip(request) or "?",
    )


@require_GET
@_rate_limited
def verificar(request):
    """The form where anyone types a CSV (no JavaScript)."""
    if "csv" not in request.GET:
        return render(request, "firma/verificar.html", {"form": VerificarForm(), **_verify_urls()})
    form = VerificarForm(request.GET)
    if not form.is_valid():
        return render(request, "firma/verificar.html", {"form": form, **_verify_urls()}, status=400)
    version = selectors.csv_resolve(form.cleaned_data["csv"])
    if version is None:
        return _not_found(request)
    return redirect(verify_reverse("codigo", code=version.csv_display))


@require_GET
@_rate_limited
def verificar_codigo(request, code: str):
    """What the QR code points to: the document's metadata and a link to its content."""
    version = selectors.csv_resolve(code)
    if version is None:
        return _not_found(request)
    _audit_access(request, version, "metadata")
    return render(
        request,
        "firma/verificar_resultado.html",
        {
            "version": version,
            "firmas": list(selectors.version_firmas(version)),
            "report": selectors.version_validation(version),
            **_verify_urls(version),
        },
    )


@require_GET
@_rate_limited
def verificar_documento(request, code: str):
    """Serve the verified document (always as a download, never rendered inline)."""
    version = selectors.csv_resolve(code)
    if version is None:
        return _not_found(request)
    _audit_access(request, version, "content")
    response = FileResponse(
        version.content.open("rb"),
        as_attachment=True,
        filename=version.name,
        content_type=version.mime,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Public: validate a signed document ------------------------------------------------


def _validate_rate(group, request) -> str:  # noqa: ARG001
    return getattr(settings, "FIRMA_VALIDATE_RATE", "10/m")


@ratelimit(group="firma.validar", key="ip", rate=_validate_rate, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def validar(request):
    """Upload a signed document and read the validation report (who, when, result, why)."""
    from firma.validation import validate

    report = None
    form = ValidarForm(request.POST, request.FILES) if request.method == "POST" else ValidarForm()
    if request.method == "POST":
        if getattr(request, "limited", False):
            return render(request, "firma/verificar_limite.html", _verify_urls(), status=429)
        if form.is_valid():
            contenido = form.cleaned_data.get("contenido")
            report = validate(
                form.cleaned_data["fichero"].read(),
                detached_content=contenido.read() if contenido else None,
            )
    return render(
        request,
        "firma/validar.html",
        {
            "form": form,
            "report": report,
            "result_labels": _result_labels(),
            "revocation_labels": _revocation_labels(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _revocation_labels() -> dict[str, str]:
    from firma.validation.report import REVOCATION_LABELS

    return {key: _(label) for key, label in REVOCATION_LABELS.items()}


def _result_labels() -> dict[str, str]:
    return {
        "valid": _("Válida"),
        "invalid": _("No válida"),
        "indeterminate": _("Indeterminada"),
        "cannot_validate": _("No se puede validar"),
    }


# --- Staff: portafirmas ---------------------------------------------------------------


def staff_required(view):
    """Logged-in staff only; anybody else logged in gets a 404, as if nothing were here."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@staff_required
@require_GET
def bandeja(request):
    """The signer's inbox: what waits for them now, with batch signing."""
    acciones = list(selectors.inbox_for(request.user))
    en_cola = list(selectors.acciones_signing(request.user))
    return render(
        request, "firma/portafirmas/bandeja.html", {"acciones": acciones, "en_cola": en_cola}
    )


@staff_required
@require_POST
def firmar_lote(request):
    """Sign (or approve) every selected action of the inbox."""
    ids = [pk for pk in request.POST.getlist("acciones") if pk.isdigit()]
    if not ids:
        messages.error(request, _("Seleccione al menos una petición."))
        return redirect("firma:bandeja")
    try:
        acciones = services.acciones_sign(user=request.user, accion_ids=[int(pk) for pk in ids])
    except AccionNoDisponibleError:
        messages.error(
            request,
            _(
                "Alguna de las peticiones seleccionadas ya no está pendiente. "
                "No se ha firmado nada."
            ),
        )
        return redirect("firma:bandeja")
    firmas = sum(1 for a in acciones if a.tipo == TipoAccion.FIRMA)
    vistos = len(acciones) - firmas
    if firmas:
        messages.success(
            request,
            _("Firmando %(n)s petición(es). El documento firmado aparecerá en unos segundos.")
            % {"n": firmas},
        )
    if vistos:
        messages.success(request, _("Visto bueno dado a %(n)s petición(es).") % {"n": vistos})
    return redirect("firma:bandeja")


@staff_required
@require_http_methods(["GET", "POST"])
def accion_detalle(request, pk: int):
    """One action of the signer: the request, its documents and circuit; act on it."""
    accion = get_object_or_404(selectors.acciones_of(request.user), pk=pk)
    rechazo = RechazoForm()
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "rechazar":
                rechazo = RechazoForm(request.POST)
                if rechazo.is_valid():
                    services.accion_reject(
                        user=request.user,
                        accion_id=accion.pk,
                        motivo=rechazo.cleaned_data["motivo"],
                    )
                    messages.success(request, _("Ha rechazado la petición."))
                    return redirect("firma:bandeja")
            elif op in ("firmar", "aprobar"):
                services.acciones_sign(user=request.user, accion_ids=[accion.pk])
                messages.success(
                    request,
                    _("Firmando. El documento firmado aparecerá en unos segundos.")
                    if accion.tipo == TipoAccion.FIRMA
                    else _("Ha dado su visto bueno."),
                )
                return redirect("firma:bandeja")
        except AccionNoDisponibleError:
            messages.error(request, _("Esta petición ya no está pendiente de usted."))
            return redirect("firma:accion", pk=accion.pk)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    accionable = selectors.inbox_for(request.user).filter(pk=accion.pk).exists()
    return render(
        request,
        "firma/portafirmas/accion.html",
        {
            "accion": accion,
            "peticion": accion.paso.peticion,
            "accionable": accionable,
            "rechazo": rechazo,
            **_peticion_context(accion.paso.peticion),
        },
        status=400 if rechazo.is_bound and rechazo.errors else 200,
    )


def _peticion_context(peticion) -> dict:
    pasos = list(peticion.pasos.prefetch_related("acciones__firmante").order_by("orden"))
    return {"pasos": pasos, "documentos": list(selectors.peticion_documentos(peticion))}


@staff_required
@require_GET
def peticiones(request):
    """Requests the user created or takes part in."""
    return render(
        request,
        "firma/portafirmas/peticiones.html",
        {"peticiones": selectors.peticiones_for(request.user)[:200]},
    )


@staff_required
@require_GET
def peticion_detalle(request, pk: int):
    peticion = get_object_or_404(selectors.peticiones_for(request.user), pk=pk)
    mis_acciones = [a for a in selectors.inbox_for(request.user) if a.paso.peticion_id == pk]
    return render(
        request,
        "firma/portafirmas/peticion.html",
        {"peticion": peticion, "mis_acciones": mis_acciones, **_peticion_context(peticion)},
    )


@staff_required
@require_GET
def peticion_documento(request, pk: int, doc: int):
    """A participant downloads a document of the request as it stands now."""
    peticion = get_object_or_404(selectors.peticiones_for(request.user), pk=pk)
    pd = get_object_or_404(selectors.peticion_documentos(peticion), pk=doc)
    data, name, mime = selectors.peticion_documento_content(pd)
    response = HttpResponse(data, content_type=mime)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def peticion_nueva(request):
    """Create a signature request: documents plus a circuit (rows grouped by step)."""
    if not selectors.can_create_peticiones(request.user):
        raise Http404
    bound = request.method == "POST"
    form = PeticionForm(request.POST, request.FILES) if bound else PeticionForm()
    formset = AccionFormSet(request.POST if bound else None, prefix="acciones")
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            peticion = services.peticion_create(
                created_by=request.user,
                asunto=form.cleaned_data["asunto"],
                descripcion=form.cleaned_data["descripcion"],
                fecha_limite=form.cleaned_data["fecha_limite"],
                documentos=form.cleaned_data["documentos"],
                pasos=formset.pasos(),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Petición de firma creada."))
            return redirect(reverse("firma:peticion", args=[peticion.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "firma/portafirmas/peticion_form.html",
        {"form": form, "formset": formset, "errors": errors},
        status=status,
    )
