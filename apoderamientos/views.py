"""Citizen pages (Mi carpeta › Apoderamientos) and staff desk pages. Thin: parse, call one
service or selector, render. Anything a person may not see is a 404 (REA-7)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bilbao_sede.net import client_ip
from identidad.constants import NivelGarantia, TipoUnidad
from identidad.decorators import level_required
from identidad.session import identification_level, identification_method

from . import selectors, services
from .constants import ESTADOS_FINALES, EstadoApoderamiento
from .decision import person_interesado
from .forms import (
    BastanteoForm,
    ExtendForm,
    GrantForm,
    OfficeRegisterForm,
    ReasonForm,
    StaffSearchForm,
)
from .models import Apoderamiento


def _own_or_404(request, pk: int) -> Apoderamiento:
    try:
        return selectors.apoderamiento_for_user(request.user, pk)
    except Apoderamiento.DoesNotExist as exc:
        raise Http404 from exc


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Citizens -------------------------------------------------------------------------


@login_required
def lista(request):
    own = person_interesado(request.user)
    powers = list(selectors.apoderamientos_for_user(request.user))
    now = timezone.now()
    for power in powers:
        power.current_state = EstadoApoderamiento(power.state_at(now))
    otorgados = [p for p in powers if own and any(x.pk == own.pk for x in p.poderdantes.all())]
    recibidos = [p for p in powers if own and p.apoderado_id == own.pk]
    return render(
        request,
        "apoderamientos/lista.html",
        {"otorgados": otorgados, "recibidos": recibidos},
    )


@login_required
@level_required(NivelGarantia.SUSTANCIAL)
def otorgar(request):
    """REA-3: apud acta grant on the sede, by a citizen identified at level sustancial+."""
    form = GrantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            power = services.apoderamiento_grant_apud_acta(
                user=request.user,
                identification_level=identification_level(request),
                identification_method=identification_method(request) or "",
                apoderado=form.apoderado(),
                tipo=form.cleaned_data["tipo"],
                procedimientos=form.cleaned_data["procedimientos"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Apoderamiento inscrito con el número %(numero)s. El apoderado debe "
                    "aceptarlo antes del %(fecha)s."
                )
                % {
                    "numero": power.numero,
                    "fecha": timezone.localtime(power.acceptance_last_instant).date(),
                },
            )
            return redirect("apoderamientos:detalle", pk=power.pk)
    return render(request, "apoderamientos/otorgar.html", {"form": form})


@login_required
def detalle(request, pk: int):
    power = _own_or_404(request, pk)
    own = person_interesado(request.user)
    now = timezone.now()
    state = EstadoApoderamiento(power.state_at(now))
    ended = state in ESTADOS_FINALES
    is_apoderado = own is not None and power.apoderado_id == own.pk
    is_poderdante = power.is_poderdante(own)
    return render(
        request,
        "apoderamientos/detalle.html",
        {
            "power": power,
            "state": state,
            "is_apoderado": is_apoderado,
            "is_poderdante": is_poderdante,
            "can_accept": is_apoderado and not ended and power.accepted_at is None,
            "can_renounce": is_apoderado and not ended,
            "can_revoke": is_poderdante and not ended,
            "can_extend": is_poderdante and not ended,
            "extend_form": ExtendForm(),
            "eventos": power.eventos.all(),
        },
    )


def _transition(request, pk: int, service, done: str):
    power = _own_or_404(request, pk)
    try:
        service(apoderamiento=power, actor=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.warning(request, _error_text(exc))
    else:
        messages.success(request, done % {"numero": power.numero})
    return redirect("apoderamientos:detalle", pk=power.pk)


@login_required
@require_POST
def aceptar(request, pk: int):
    return _transition(
        request, pk, services.apoderamiento_accept, _("Ha aceptado el apoderamiento %(numero)s.")
    )


def _confirm(request, pk: int, question: str, button: str):
    """GET: ask for confirmation (no JavaScript needed); the POST does the transition."""
    power = _own_or_404(request, pk)
    return render(
        request,
        "apoderamientos/confirmar.html",
        {"power": power, "question": question, "button": button},
    )


@login_required
@require_http_methods(["GET", "POST"])
def revocar(request, pk: int):
    if request.method == "GET":
        return _confirm(
            request,
            pk,
            _("La revocación se inscribe ahora y produce efectos desde este momento."),
            _("Revocar el apoderamiento"),
        )
    return _transition(
        request, pk, services.apoderamiento_revoke, _("Apoderamiento %(numero)s revocado.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def renunciar(request, pk: int):
    if request.method == "GET":
        return _confirm(
            request,
            pk,
            _("La renuncia se inscribe ahora y produce efectos desde este momento."),
            _("Renunciar al apoderamiento"),
        )
    return _transition(
        request,
        pk,
        services.apoderamiento_renounce,
        _("Ha renunciado al apoderamiento %(numero)s."),
    )


@login_required
def prorrogar(request, pk: int):
    power = _own_or_404(request, pk)
    form = ExtendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.apoderamiento_extend(
                apoderamiento=power,
                actor=request.user,
                valid_until=form.cleaned_data["valid_until"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Apoderamiento prorrogado."))
            return redirect("apoderamientos:detalle", pk=power.pk)
    return render(request, "apoderamientos/prorrogar.html", {"power": power, "form": form})


# --- Staff at the desk ----------------------------------------------------------------


def desk_staff_required(view):
    """Desk staff only; everyone else gets a 404, as if the page did not exist."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.is_desk_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@desk_staff_required
def oficina(request):
    form = StaffSearchForm(request.GET or None)
    results = None
    if request.GET and form.is_valid():
        results = services.apoderamientos_staff_search(
            staff=request.user,
            nif=form.cleaned_data["nif"],
            reason=form.cleaned_data["motivo"],
            ip=client_ip(request),
        )
        now = timezone.now()
        for power in results:
            power.current_state = EstadoApoderamiento(power.state_at(now))
    return render(
        request,
        "apoderamientos/oficina.html",
        {"form": form, "results": results, "motivo": request.GET.get("motivo", "")},
    )


@desk_staff_required
def oficina_nuevo(request):
    form = (
        OfficeRegisterForm(request.POST, request.FILES)
        if request.method == "POST"
        else OfficeRegisterForm()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        poderdantes = data["poderdante_nifs"]
        apoderado = data["apoderado_nif"]
        presentante = apoderado if data["presentante"] == "apoderado" else poderdantes[0]
        try:
            power = services.apoderamiento_register_at_office(
                staff=request.user,
                poderdantes=poderdantes,
                apoderado=apoderado,
                presentante=presentante,
                tipo=data["tipo"],
                procedimientos=data["procedimientos"],
                valid_until=data["valid_until"],
                granted_on=data["granted_on"],
                escritura=data["escritura"],
                oficina=request.user.unidades.filter(kind=TipoUnidad.OFICINA_DISTRITO).first(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Apoderamiento inscrito con el número %(numero)s.") % {"numero": power.numero},
            )
            query = urlencode({"motivo": _("Inscripción en oficina")})
            return redirect(f"{reverse('apoderamientos:oficina_detalle', args=[power.pk])}?{query}")
    return render(request, "apoderamientos/oficina_nuevo.html", {"form": form})


@desk_staff_required
def oficina_detalle(request, pk: int):
    """REA-7: staff see a power only after stating the reason, which is audited."""
    form = ReasonForm(request.GET or None)
    if not form.is_valid():
        return render(request, "apoderamientos/oficina_motivo.html", {"form": form, "pk": pk})
    try:
        power = services.apoderamiento_consult(
            staff=request.user,
            apoderamiento_id=pk,
            reason=form.cleaned_data["motivo"],
            ip=client_ip(request),
        )
    except Apoderamiento.DoesNotExist as exc:
        raise Http404 from exc
    state = EstadoApoderamiento(power.state_at(timezone.now()))
    return render(
        request,
        "apoderamientos/oficina_detalle.html",
        {
            "power": power,
            "state": state,
            "motivo": form.cleaned_data["motivo"],
            "bastanteo_form": BastanteoForm(),
            "needs_acceptance": power.accepted_at is None and state not in ESTADOS_FINALES,
            "needs_bastanteo": power.requires_bastanteo
            and power.bastanteo_at is None
            and state not in ESTADOS_FINALES,
            "eventos": power.eventos.all(),
        },
    )


@desk_staff_required
@require_POST
def oficina_bastanteo(request, pk: int):
    try:
        power = Apoderamiento.objects.get(pk=pk)
    except Apoderamiento.DoesNotExist as exc:
        raise Http404 from exc
    form = BastanteoForm(request.POST)
    if form.is_valid():
        try:
            services.apoderamiento_bastantear(
                apoderamiento=power, staff=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.warning(request, _error_text(exc))
        else:
            messages.success(request, _("Bastanteo registrado."))
    else:
        messages.warning(request, _("Indique el resultado del bastanteo."))
    query = urlencode({"motivo": _("Bastanteo de la escritura")})
    return redirect(f"{reverse('apoderamientos:oficina_detalle', args=[pk])}?{query}")


@desk_staff_required
@require_POST
def oficina_aceptar(request, pk: int):
    """REA-6: the apoderado accepts in person, before desk staff."""
    try:
        power = Apoderamiento.objects.get(pk=pk)
    except Apoderamiento.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.apoderamiento_accept(apoderamiento=power, actor=request.user)
    except ValidationError as exc:
        messages.warning(request, _error_text(exc))
    else:
        messages.success(request, _("Aceptación registrada."))
    query = urlencode({"motivo": _("Aceptación en oficina")})
    return redirect(f"{reverse('apoderamientos:oficina_detalle', args=[pk])}?{query}")
