"""Assisted filing at a district office (issue 14.2; HAB-1..3).

An authorised official identifies the citizen (document checked), records their express
consent (printed and signed, then digitised, or signed on a tablet), then files the procedure
for them through the SAME form engine as the sede (``sede:filing_*`` views, the draft is the
official's with ``oficina`` set); the official signs with their own identification, and the
receipt names both. Thin views: the rules live in ``apoderamientos.services`` and
``sede.services``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apoderamientos.consentimiento import (
    ConsentData,
    signature_png_from_data_url,
    signed_on_tablet,
)
from apoderamientos.constants import FirmaConsentimiento
from apoderamientos.exceptions import HabilitacionDenegada
from apoderamientos.models import ConsentimientoExpreso
from apoderamientos.services import consentimiento_register, habilitado_precheck
from bilbao_sede.net import client_ip
from identidad.constants import TipoPersona
from identidad.models import Interesado
from identidad.services import interesado_get_or_create
from procedimientos.models import Procedimiento
from registro.models import Oficina
from registro.selectors import oficinas_of_staff
from uploads import UploadRefused, check_upload

from .. import selectors, services
from ..filing.navigation import lang_of, step_url
from .forms import ConsentimientoForm, IdentificacionForm

SESSION_KEY = "sede_asistida"
PERMISSION = "apoderamientos.add_consentimientoexpreso"


def may_file_for_citizens(user) -> bool:
    """Authorised officials (the role's permission) who work at a district office."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(PERMISSION)
        and oficinas_of_staff(user).exists()
    )


def habilitado_only(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not may_file_for_citizens(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _state(request) -> tuple[dict, Interesado, Procedimiento, Oficina]:
    """The citizen identified in step 1 (kept in the official's session), or 404."""
    state = request.session.get(SESSION_KEY) or {}
    try:
        interesado = Interesado.objects.get(pk=state["interesado"])
        procedimiento = Procedimiento.objects.get(pk=state["procedimiento"], active=True)
        oficina = oficinas_of_staff(request.user).get(pk=state["oficina"])
    except (KeyError, ObjectDoesNotExist) as exc:
        raise Http404 from exc
    return state, interesado, procedimiento, oficina


def _consent_data(request, state, interesado, procedimiento, oficina) -> ConsentData:
    return ConsentData(
        staff=request.user,
        interesado=interesado,
        procedimiento=procedimiento,
        oficina_name=oficina.name,
        instant=timezone.now(),
        documento_identidad=state.get("documento_identidad", ""),
    )


@habilitado_only
@require_http_methods(["GET", "POST"])
def inicio(request):
    """Step 1: office, procedure and the citizen's identity (document checked)."""
    oficinas = oficinas_of_staff(request.user)
    form = IdentificacionForm(request.POST if request.method == "POST" else None, oficinas=oficinas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # HAB-3 and HAB-2 first: a refusal creates nothing and is audited.
            habilitado_precheck(
                staff=request.user,
                interesado=None,
                procedimiento=data["procedimiento"],
                obligado_electronico=data["obligado_electronico"],
                ip=client_ip(request),
            )
            selectors.procedimiento_for_assisted_filing(data["procedimiento"])
            interesado = interesado_get_or_create(
                nif=data["nif"],
                tipo=TipoPersona.FISICA,
                nombre=data["nombre"],
                apellido1=data["apellido1"],
                apellido2=data["apellido2"],
                email=data["email"],
            )
        except HabilitacionDenegada as exc:
            form.add_error(None, str(exc.decision.reason))
        except ObjectDoesNotExist:
            form.add_error("procedimiento", _("Este procedimiento no tiene formulario publicado."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session[SESSION_KEY] = {
                "interesado": interesado.pk,
                "procedimiento": data["procedimiento"].pk,
                "oficina": data["oficina"].pk,
                "documento_identidad": data["documento_identidad"],
            }
            return redirect("sede:asistida_consentimiento")
    return render(request, "sede/asistida/inicio.html", {"form": form})


@habilitado_only
@require_http_methods(["GET", "POST"])
def consentimiento(request):
    """Step 2: the express consent (HAB-2), then the draft through the sede's form engine."""
    state, interesado, procedimiento, oficina = _state(request)
    bound = request.method == "POST"
    form = ConsentimientoForm(request.POST if bound else None, request.FILES if bound else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("escaneo"):
                upload = data["escaneo"]
                check_upload(nombre=upload.name, data=upload.read())  # one upload policy
                upload.seek(0)
                documento, firma = upload, FirmaConsentimiento.PAPEL
            else:
                png = signature_png_from_data_url(data["firma_tableta"])
                consent_data = _consent_data(request, state, interesado, procedimiento, oficina)
                documento, firma = signed_on_tablet(consent_data, png), FirmaConsentimiento.TABLETA
            consent = consentimiento_register(
                staff=request.user,
                interesado=interesado,
                procedimiento=procedimiento,
                documento=documento,
                documento_identidad=state.get("documento_identidad", ""),
                firma=firma,
                ip=client_ip(request),
            )
            borrador = services.borrador_start(
                user=request.user,
                procedimiento=procedimiento,
                formulario=selectors.procedimiento_for_assisted_filing(procedimiento),
                on_behalf_of=interesado,
                oficina=oficina,
            )
        except UploadRefused as exc:
            form.add_error("escaneo", str(exc))
        except HabilitacionDenegada as exc:
            form.add_error(None, str(exc.decision.reason))
        except services.FilingRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(
                request,
                _("Consentimiento registrado. Rellene la solicitud en nombre de %(nombre)s.")
                % {"nombre": interesado.display_name},
            )
            request.session[f"{SESSION_KEY}_consent_{borrador.public_id}"] = consent.pk
            return redirect(step_url(borrador, borrador.current_step))
    return render(
        request,
        "sede/asistida/consentimiento.html",
        {
            "form": form,
            "interesado": interesado,
            "procedimiento": procedimiento,
            "oficina": oficina,
            **_consent_data(request, state, interesado, procedimiento, oficina).context(),
        },
    )


@habilitado_only
def consentimiento_imprimir(request):
    """Print view (A4) of the consent document to be signed on paper."""
    state, interesado, procedimiento, oficina = _state(request)
    context = _consent_data(request, state, interesado, procedimiento, oficina).context()
    return render(
        request,
        "sede/asistida/consentimiento_imprimir.html",
        {
            **context,
            "title": _("Consentimiento expreso para la actuación de personal habilitado"),
            "back_url": reverse("sede:asistida_consentimiento"),
        },
    )


@habilitado_only
def consentimiento_copia(request, pk: int):
    """The signed copy of a consent, for the official who took it (to hand the citizen)."""
    consent = (
        ConsentimientoExpreso.objects.filter(pk=pk, habilitacion__staff=request.user)
        .select_related("interesado")
        .first()
    )
    if consent is None or not consent.documento:
        raise Http404
    return FileResponse(
        consent.documento.open("rb"),
        as_attachment=False,
        filename=f"consentimiento-{consent.interesado.nif}.pdf"
        if consent.documento.name.endswith(".pdf")
        else consent.documento.name.rsplit("/", 1)[-1],
    )


def sign_as_habilitado(request, borrador):
    """The sign step of an assisted draft: the official signs with their own identification."""
    if request.method == "POST":
        return _submit(request, borrador)
    return render(
        request,
        "sede/asistida/firmar.html",
        {"borrador": borrador, "procedimiento": borrador.procedimiento},
    )


@require_POST
def _submit(request, borrador):
    from identidad.session import identification_level, identification_method

    try:
        presentacion = services.borrador_submit(
            borrador=borrador,
            user=request.user,
            language=lang_of(request),
            session_level=identification_level(request),
            session_method=identification_method(request) or "",
        )
    except services.FilingRefused as exc:
        messages.error(request, exc.message)
        return redirect("sede:filing_review", public_id=borrador.public_id)
    return redirect("sede:filing_receipt", public_id=presentacion.public_id)
