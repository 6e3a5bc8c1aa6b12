"""Staff pages of case files (tray, case file page, actions) and the public list of
automated actions (CAT-7). Thin: parse, authorise, call one service or selector, render."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bilbao_sede.net import client_ip
from identidad.models import User
from identidad.roles import Role
from identidad.scope import staff_scope
from identidad.services import audit_record
from uploads import Limits, UploadRefused, check_upload

from . import forms, selectors, services
from .constants import EstadoInforme, EstadoResolucion, SentidoResolucion, TipoEvento
from .models import ActuacionAutomatizada, IndiceElectronico, Informe, NotificacionPendiente


def staff_view(permission: str | None = None):
    """Staff only (and holding ``permission`` when given); anyone else gets a 404."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user.is_active and user.is_staff):
                raise Http404
            if permission and not user.has_perm(permission):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _handlers(user):
    """Staff who handle files in ``user``'s units (assignment and report pickers)."""
    scope = staff_scope(user)
    qs = User.objects.filter(is_active=True, is_staff=True)
    if not scope.sees_all_units:
        qs = qs.filter(unidades__in=scope.unit_ids)
    return (
        qs.filter(groups__name__in=["tramitador", "jefatura_unidad"])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _firmantes():
    """Staff with a signing certificate configured (portafirmas)."""
    return User.objects.filter(
        is_active=True, is_staff=True, firmante_config__isnull=False
    ).order_by("first_name", "last_name")


def _fases() -> list[tuple[str, str]]:
    """The phases of every workflow, for the tray's filter (cached: workflows rarely
    change, and a stale list for a few minutes only hides a brand-new phase)."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    from .models import FlujoTramitacion

    key = f"expedientes:fases:{get_language()}"
    fases = cache.get(key)
    if fases is None:
        found: dict[str, str] = {}
        for flujo in FlujoTramitacion.objects.only("fases"):
            for f in flujo.fases:
                found.setdefault(f["code"], flujo.label(f["code"]))
        fases = list(found.items())
        cache.set(key, fases, 300)
    return fases


# --- Tray ----------------------------------------------------------------------------------


@staff_view("expedientes.view_expediente")
def bandeja(request):
    form = forms.TrayFilterForm(request.GET or None, fases=_fases())
    filters = selectors.TrayFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.TrayFilters(
            q=d["q"],
            estado=d["estado"] or "abiertos",
            fase=d["fase"],
            asignacion=d["asignacion"],
            vencidos=d["vencidos"],
        )
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = selectors.tray_page(request.user, filters, number)
    query = request.GET.copy()
    query.pop("page", None)
    can_assign = request.user.has_perm("expedientes.asignar_expediente")
    return render(
        request,
        "expedientes/bandeja.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_assign": can_assign,
            "handlers": _handlers(request.user) if can_assign else [],
        },
    )


@require_POST
@staff_view("expedientes.asignar_expediente")
def bandeja_asignar(request):
    ids = request.POST.getlist("ids")
    visible = set(
        selectors.staff_expedientes(request.user)
        .filter(pk__in=[i for i in ids if i.isdigit()])
        .values_list("pk", flat=True)
    )
    form = forms.BulkAsignarForm(request.POST, staff=_handlers(request.user), ids=visible)
    if not form.is_valid():
        messages.error(request, _("Seleccione expedientes y a quién asignarlos."))
    else:
        try:
            n = services.expedientes_assign(
                expediente_ids=form.cleaned_data["ids"],
                asignado_a=form.cleaned_data["asignado_a"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(n)s expedientes asignados.") % {"n": n})
    return redirect(request.POST.get("next") or "expedientes:bandeja")


@staff_view()
def informes(request):
    rows = (
        Informe.objects.filter(solicitado_a=request.user, estado=EstadoInforme.SOLICITADO)
        .select_related("expediente", "expediente__procedimiento")
        .order_by("requested_at")
    )
    return render(request, "expedientes/informes.html", {"informes": rows})


@staff_view("expedientes.add_expediente")
def abrir(request):
    from procedimientos.models import Procedimiento
    from registro.models import Asiento
    from registro.selectors import parse_numero

    scope = staff_scope(request.user)
    procedimientos = Procedimiento.objects.filter(active=True)
    if not scope.sees_all_units:
        procedimientos = procedimientos.filter(unit_id__in=scope.unit_ids)
    form = forms.AbrirForm(request.POST or None, procedimientos=procedimientos.order_by("title_es"))
    if request.method == "POST" and form.is_valid():
        parsed = parse_numero(form.cleaned_data["numero"])
        asiento = None
        if parsed is not None and parsed[1] == "E":
            qs = Asiento.objects.filter(year=parsed[0], direction="E", seq=parsed[2])
            if not scope.sees_all_units:
                qs = qs.filter(Q(unidad_id__in=scope.unit_ids))
            asiento = qs.first()
        if asiento is None:
            form.add_error("numero", _("No hay ninguna entrada con ese número en sus unidades."))
        else:
            try:
                exp = services.expediente_open_from_asiento(
                    asiento=asiento,
                    procedimiento=form.cleaned_data["procedimiento"],
                    opened_by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("Expediente %(id)s abierto.") % {"id": exp.identificador}
                )
                return redirect("expedientes:detalle", pk=exp.pk)
    return render(request, "expedientes/abrir.html", {"form": form})


# --- Case file page ------------------------------------------------------------------------


def _get_for_staff(request, pk: int):
    exp = selectors.expediente_for_staff(request.user, pk)
    if exp is None:
        raise Http404
    return exp


def _action_forms(request, detalle, handles: bool) -> dict:
    exp = detalle.expediente
    if not (handles and exp.is_open):
        return {}
    v = {"version": exp.version}
    codes = exp.flujo.codes
    current = codes.index(exp.fase) if exp.fase in codes else -1
    fases = [(c, exp.flujo.label(c)) for c in codes[current + 1 : -1]]
    firmantes = _firmantes()
    handlers = _handlers(request.user)
    resolucion = detalle.resolucion_actual
    out: dict[str, Any] = {
        "requerimiento_form": forms.RequerimientoForm(initial=v),
        "informe_form": forms.InformeForm(initial=v),
        "aportar_form": forms.AsientoForm(initial=v),
        "fase_form": forms.FaseForm(initial=v, fases=fases) if fases else None,
        "resolucion_form": forms.ResolucionForm(
            initial={
                **v,
                "sentido": SentidoResolucion.DESISTIMIENTO
                if detalle.requerimiento_vencido and not detalle.requerimiento_pendiente
                else SentidoResolucion.ESTIMATORIA,
            }
        ),
        "firma_form": forms.FirmaForm(initial=v, firmantes=firmantes)
        if resolucion is not None and resolucion.estado == EstadoResolucion.BORRADOR
        else None,
        "ampliacion_form": forms.AmpliacionForm(initial=v)
        if detalle.requerimiento_pendiente and detalle.requerimiento_pendiente.notificado_at
        else None,
    }
    # Shown to the roles that hold expedientes.asignar_expediente (staff.py); the action
    # itself checks the permission.
    if staff_scope(request.user).has_role(Role.UNIT_HEAD, Role.ADMINISTRATOR):
        out["asignar_form"] = forms.AsignarForm(
            initial={**v, "asignado_a": exp.asignado_a_id}, staff=handlers
        )
    return out


@staff_view()
def detalle(request, pk: int):
    exp = _get_for_staff(request, pk)
    handles = selectors.may_handle(request.user, exp)
    detalle = selectors.expediente_detail(exp)
    signing = [r for r in detalle.resoluciones if r.estado == EstadoResolucion.EN_FIRMA]
    if signing:  # signed (or rejected) in the portafirmas since: bring it up to date
        for res in signing:
            services.resolucion_sync(resolucion=res)
        exp = _get_for_staff(request, pk)
        detalle = selectors.expediente_detail(exp)
    audit_record(
        actor=request.user,
        action="expedientes.expediente.view",
        obj=exp,
        detail={"identificador": exp.identificador},
        ip=client_ip(request),
    )
    context = {
        "d": detalle,
        "exp": exp,
        "handles": handles,
        "now": timezone.now(),
        "indices": list(exp.indices.order_by("-created_at")[:5])
        if any(e.tipo == TipoEvento.INDICE for e in detalle.eventos)
        else [],
        "can_tray": staff_scope(request.user).has_role(
            Role.CASE_HANDLER, Role.UNIT_HEAD, Role.ADMINISTRATOR
        ),
        "mi_informe": next(
            (
                i
                for i in detalle.informes
                if i.solicitado_a_id == request.user.pk and i.estado == EstadoInforme.SOLICITADO
            ),
            None,
        ),
        **_action_forms(request, detalle, handles),
    }
    return render(request, "expedientes/detalle.html", context)


@staff_view()
def documento(request, pk: int, doc: int):
    member = selectors.documento_for_staff(request.user, pk, doc)
    if member is None:
        raise Http404
    version = member.documento.actual
    audit_record(
        actor=request.user,
        action="expedientes.documento.read",
        obj=member.documento,
        detail={"expediente": member.expediente.identificador},
        ip=client_ip(request),
    )
    return FileResponse(
        version.content.open("rb"),
        as_attachment=True,
        filename=member.documento.nombre,
        content_type=version.mime,
    )


@staff_view()
def remision_zip(request, pk: int):
    exp = _get_for_staff(request, pk)
    try:
        data = services.remission_package(exp)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("expedientes:detalle", pk=pk)
    audit_record(
        actor=request.user, action="expedientes.expediente.export", obj=exp, ip=client_ip(request)
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{exp.identificador}.zip"'
    return response


# --- Actions -------------------------------------------------------------------------------


def _asiento_from(exp, numero: str):
    from registro.models import Asiento
    from registro.selectors import parse_numero

    parsed = parse_numero(numero)
    if parsed is None or parsed[1] != "E":
        raise ValidationError(_("Número de registro no válido."))
    asiento = Asiento.objects.filter(
        year=parsed[0], direction="E", seq=parsed[2], unidad_id=exp.unidad_id
    ).first()
    if asiento is None:
        raise ValidationError(_("No hay ninguna entrada con ese número dirigida a esta unidad."))
    return asiento


def _run(request, exp, action: str):
    """Validate the action's form and call its service; return a success message."""
    post, user = request.POST, request.user
    f: django_forms.Form
    if action == "requerimiento":
        f = forms.RequerimientoForm(post)
        if f.is_valid():
            services.requerimiento_issue(
                expediente=exp,
                texto=f.cleaned_data["texto"],
                actor=user,
                expected_version=f.cleaned_data["version"],
            )
            return _("Requerimiento emitido. Queda pendiente de notificar.")
    elif action == "ampliar":
        f = forms.AmpliacionForm(post)
        if f.is_valid():
            req = exp.requerimientos.filter(estado="pendiente").first()
            if req is None:
                raise ValidationError(_("No hay ningún requerimiento pendiente."))
            services.requerimiento_extend(
                requerimiento=req,
                dias=f.cleaned_data["dias"],
                actor=user,
                motivo=f.cleaned_data["motivo"],
            )
            return _("Plazo ampliado.")
    elif action == "practicada":
        f = forms.PracticadaForm(post)
        if f.is_valid():
            pendiente = NotificacionPendiente.objects.filter(
                pk=f.cleaned_data["pendiente"], expediente=exp
            ).first()
            if pendiente is None:
                raise Http404
            services.notificacion_pendiente_practicada(
                pendiente=pendiente, at=f.cleaned_data["fecha"], actor=user
            )
            return _("Notificación registrada como practicada.")
    elif action == "informe":
        f = forms.InformeForm(post)
        if f.is_valid():
            services.informe_request(
                expediente=exp,
                solicitado_a=f.cleaned_data["solicitado_a"],
                asunto=f.cleaned_data["asunto"],
                preceptivo=f.cleaned_data["preceptivo"],
                actor=user,
                expected_version=f.cleaned_data["version"],
            )
            return _("Informe solicitado.")
    elif action == "resolucion":
        f = forms.ResolucionForm(post)
        if f.is_valid():
            services.resolucion_draft(
                expediente=exp,
                sentido=f.cleaned_data["sentido"],
                texto=f.cleaned_data["texto"],
                actor=user,
                expected_version=f.cleaned_data["version"],
            )
            return _("Borrador de resolución redactado.")
    elif action == "firmar":
        f = forms.FirmaForm(
            post,
            firmantes=User.objects.filter(
                is_active=True, is_staff=True, firmante_config__isnull=False
            ),
        )
        if f.is_valid():
            res = exp.resoluciones.filter(estado=EstadoResolucion.BORRADOR).last()
            if res is None:
                raise ValidationError(_("No hay ningún borrador de resolución."))
            services.resolucion_send_to_sign(
                resolucion=res, firmantes=[f.cleaned_data["firmante"]], actor=user
            )
            return _("Resolución enviada al portafirmas.")
    elif action == "asignar":
        if not user.has_perm("expedientes.asignar_expediente"):
            raise Http404
        f = forms.AsignarForm(post, staff=_handlers(user))
        if f.is_valid():
            services.expedientes_assign(
                expediente_ids=[exp.pk], asignado_a=f.cleaned_data["asignado_a"], actor=user
            )
            return _("Asignación guardada.")
    elif action == "fase":
        codes = exp.flujo.codes
        f = forms.FaseForm(post, fases=[(c, c) for c in codes])
        if f.is_valid():
            services.expediente_phase_set(
                expediente=exp,
                fase=f.cleaned_data["fase"],
                actor=user,
                expected_version=f.cleaned_data["version"],
            )
            return _("Fase cambiada.")
    elif action == "aportar":
        f = forms.AsientoForm(post)
        if f.is_valid():
            asiento = _asiento_from(exp, f.cleaned_data["numero"])
            tipo = f.cleaned_data["tipo"]
            req = exp.requerimientos.filter(estado__in=["pendiente", "vencido"]).first()
            if tipo == "subsanacion" and req is not None:
                services.requerimiento_answer(requerimiento=req, asiento=asiento, actor=user)
            elif tipo == "recurso" and not exp.is_open:
                services.expediente_reopen(expediente=exp, asiento=asiento, actor=user)
            else:
                services.expediente_attach_asiento(
                    expediente=exp, asiento=asiento, tipo=tipo, actor=user
                )
            return _("Entrada incorporada al expediente.")
    elif action == "cerrar":
        f = forms.VersionForm(post)
        if f.is_valid():
            services.expediente_close(
                expediente=exp, actor=user, expected_version=f.cleaned_data["version"]
            )
            return _("Expediente cerrado; índice sellado.")
    elif action == "remitir":
        services.expediente_remit(expediente=exp, actor=user)
        return _("Índice cerrado para remisión.")
    else:
        raise Http404
    raise ValidationError([e for errs in f.errors.values() for e in errs])


@require_POST
@staff_view()
def accion(request, pk: int, action: str):
    exp = _get_for_staff(request, pk)
    if action == "emitir_informe":
        return _emitir_informe(request, exp)
    if action == "verificar_indice":
        return _verificar_indice(request, exp)
    if not (
        selectors.may_handle(request.user, exp)
        and request.user.has_perm("expedientes.tramitar_expediente")
    ):
        raise Http404
    try:
        message = _run(request, exp, action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect("expedientes:detalle", pk=pk)


def _emitir_informe(request, exp):
    form = forms.InformeEmitirForm(request.POST, request.FILES)
    informe = None
    if form.is_valid():
        informe = Informe.objects.filter(
            pk=form.cleaned_data["informe"], expediente=exp, solicitado_a=request.user
        ).first()
    if informe is None:
        messages.error(request, _("Adjunte el informe."))
        return redirect("expedientes:detalle", pk=exp.pk)
    upload = form.cleaned_data["fichero"]
    try:
        # The one upload policy (the ``uploads`` package): size, type by content, safe content
        # (active content, polyglots), malware scan — as every other way a document enters.
        checked = check_upload(nombre=upload.name, data=upload.read(), limits=Limits.registry())
    except UploadRefused as exc:
        messages.error(request, str(exc))
        return redirect("expedientes:detalle", pk=exp.pk)
    try:
        services.informe_emit(
            informe=informe,
            content=checked.data,
            nombre=checked.nombre,
            mime=checked.mime,
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("expedientes:detalle", pk=exp.pk)
    messages.success(request, _("Informe emitido. Gracias."))
    return redirect("expedientes:informes")


def _verificar_indice(request, exp):
    indice = IndiceElectronico.objects.filter(
        pk=request.POST.get("indice") or 0, expediente=exp
    ).first()
    if indice is None:
        raise Http404
    check = services.indice_verify(indice)
    if check.ok:
        messages.success(
            request,
            _("Índice íntegro: el sello es válido y ningún documento ha cambiado."),
        )
    else:
        problems = [f"{a.identificador} ({a.nombre}): {a.motivo}" for a in check.alteraciones]
        if check.firma_result == "invalid":
            problems.insert(0, _("el sello del índice no es válido"))
        messages.error(
            request, _("Índice alterado: %(p)s.") % {"p": "; ".join(str(p) for p in problems)}
        )
    return redirect("expedientes:detalle", pk=exp.pk)


# --- Public: automated actions (CAT-7) -----------------------------------------------------


def actuaciones_automatizadas(request):
    rows = ActuacionAutomatizada.objects.filter(active=True)
    return render(request, "expedientes/actuaciones_automatizadas.html", {"actuaciones": rows})
