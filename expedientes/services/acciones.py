"""Processing actions on a case file (EXP, CAT-6): assignment, phase, requests, reports,
resolution, closing and re-opening. Each one locks the file, refuses a wrong state with a
clear message and changes nothing then."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from identidad.roles import Role
from identidad.scope import units_below
from identidad.services import audit_record

from ..constants import (
    SUBSANACION_AMPLIACION_MAX,
    SUBSANACION_DIAS,
    EstadoExpediente,
    EstadoInforme,
    EstadoRequerimiento,
    EstadoResolucion,
    Fase,
    MotivoRequerimiento,
    MotivoSuspension,
    Origen,
    TipoDocumental,
    TipoEntrada,
    TipoEvento,
    TipoNotificacion,
)
from ..models import (
    DocumentoENI,
    Expediente,
    Informe,
    Requerimiento,
    Resolucion,
    Suspension,
)
from ..pdf import render_pdf
from . import plazos
from ._common import AccionNoPermitida, bump, event, lock, require_open
from .apertura import expediente_attach_asiento
from .documentos import documento_capture, documento_link, documento_version_add
from .notificaciones import notificacion_pendiente_create

PDF = "application/pdf"


def _resoluciones(expediente: Expediente):
    """The file's resolutions since it was last re-opened (an appeal needs a new one)."""
    from django.db.models import Max

    qs = expediente.resoluciones.all()
    reopened = expediente.eventos.filter(tipo=TipoEvento.REAPERTURA).aggregate(m=Max("at"))["m"]
    return qs.filter(drafted_at__gt=reopened) if reopened else qs


def _partes(expediente: Expediente) -> list:
    return list(expediente.partes.all())


def _idioma(expediente: Expediente) -> str:
    asiento = expediente.asiento_origen
    return getattr(asiento, "idioma", "es") or "es"


def _move_phase(expediente: Expediente, target: str) -> bool:
    """Move to ``target`` if the workflow has it and it is later than the current phase."""
    codes = expediente.flujo.codes
    if target not in codes:
        return False
    current = codes.index(expediente.fase) if expediente.fase in codes else -1
    if codes.index(target) <= current:
        return False
    expediente.fase = target
    return True


def _sealed_act(
    expediente: Expediente, *, titulo: str, texto: str, nombre: str, tipo: str, actor, pie=""
) -> DocumentoENI:
    """An act of the file as a PDF with CSV, sealed with the council seal, captured as an
    ENI document of the administration (DOC-1) and added to the file's index."""
    from firma.services import csv_issue

    pdf = render_pdf(
        "expedientes/pdf/acto.html",
        {
            "expediente": expediente,
            "partes": _partes(expediente),
            "titulo": titulo,
            "texto": texto,
            "pie": pie,
            "fecha": timezone.now(),
        },
        language=_idioma(expediente),
    )
    version = csv_issue(content=pdf, name=nombre, mime=PDF, stamp=True, seal=True, note=titulo)
    documento = documento_capture(
        nombre=nombre,
        mime=PDF,
        organo=expediente.unidad.dir3,
        origen=Origen.ADMINISTRACION,
        tipo_documental=tipo,
        stored_name=version.content.name,
        sha256=version.sha256,
        size=version.size,
        created_by=actor,
        tipo_firma=version.tipo_firma,
        csv=version.csv,
        firma_version=version,
    )
    documento_link(expediente=expediente, documento=documento, visible_ciudadano=True)
    return documento


# --- Assignment and phase ---------------------------------------------------------------


def _may_handle(user, unidad_id: int) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    roles = set(user.groups.values_list("name", flat=True))
    if not roles & {Role.CASE_HANDLER.value, Role.UNIT_HEAD.value}:
        return False
    return unidad_id in units_below(set(user.unidades.values_list("id", flat=True)))


@transaction.atomic
def expedientes_assign(*, expediente_ids: list[int], asignado_a, actor) -> int:
    """Bulk assignment: all the files or none (each must be open and in a unit the assignee
    handles). Locks the files in id order, so two bulk assignments cannot deadlock."""
    ids = sorted({int(i) for i in expediente_ids})
    if not ids:
        raise ValidationError(_("Seleccione al menos un expediente."))
    files = list(
        Expediente.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    )
    if len(files) != len(ids):
        raise ValidationError(_("Alguno de los expedientes seleccionados ya no existe."))
    for exp in files:
        require_open(exp)
        if asignado_a is not None and not _may_handle(asignado_a, exp.unidad_id):
            raise AccionNoPermitida(
                _("%(user)s no tramita expedientes de la unidad de %(id)s.")
                % {"user": asignado_a.get_full_name() or asignado_a, "id": exp.identificador}
            )
    label = (asignado_a.get_full_name() or asignado_a.get_username()) if asignado_a else "—"
    for exp in files:
        exp.asignado_a = asignado_a
        bump(exp, "asignado_a")
        event(exp, TipoEvento.ASIGNACION, _("Asignado a %(user)s.") % {"user": label}, actor=actor)
    audit_record(
        actor=actor,
        action="expedientes.expediente.assign",
        object_type="expedientes.expediente",
        object_id=",".join(str(i) for i in ids)[:100],
        detail={"asignado_a": getattr(asignado_a, "pk", None), "n": len(ids)},
    )
    return len(files)


@transaction.atomic
def expediente_phase_set(
    *, expediente: Expediente, fase: str, actor, expected_version: int | None = None
) -> Expediente:
    """Move the file forward to a later phase of its workflow (never back, never to the
    last phase: closing does that)."""
    exp = lock(expediente, expected_version=expected_version)
    require_open(exp)
    codes = exp.flujo.codes
    if fase not in codes or fase == codes[-1]:
        raise AccionNoPermitida(_("Esa fase no está disponible para este expediente."))
    if not _move_phase(exp, fase):
        raise AccionNoPermitida(_("Solo se puede avanzar a una fase posterior."))
    bump(exp, "fase")
    event(
        exp,
        TipoEvento.FASE,
        _("Fase: %(fase)s.") % {"fase": exp.fase_label},
        actor=actor,
        visible=True,
    )
    return exp


# --- Requerimiento de subsanación (CAT-6, REG-11) -----------------------------------------


@transaction.atomic
def requerimiento_issue(
    *,
    expediente: Expediente,
    texto: str,
    actor,
    motivo: str = MotivoRequerimiento.SUBSANACION,
    documento_afectado: DocumentoENI | None = None,
    expected_version: int | None = None,
) -> Requerimiento:
    """Ask the interesado to correct or complete the application within 10 working days
    (art. 68.1), with the warning that otherwise they will be deemed to withdraw. The term
    runs, and the resolution term is suspended (art. 22.1.a), from its notification."""
    texto = (texto or "").strip()
    if not texto:
        raise ValidationError(_("Indique qué debe subsanar o aportar la persona interesada."))
    exp = lock(expediente, expected_version=expected_version)
    require_open(exp)
    if exp.requerimientos.filter(estado=EstadoRequerimiento.PENDIENTE).exists():
        raise AccionNoPermitida(
            _("Ya hay un requerimiento pendiente de respuesta en este expediente.")
        )
    if _resoluciones(exp).exclude(estado=EstadoResolucion.RECHAZADA).exists():
        raise AccionNoPermitida(_("El expediente ya tiene una resolución en curso o firmada."))
    pie = _(
        "Dispone de %(dias)s días hábiles, contados desde el día siguiente a la notificación, "
        "para subsanar la falta o aportar los documentos indicados. Si no lo hace, se le tendrá "
        "por desistido de su petición, previa resolución (art. 68.1 de la Ley 39/2015). "
        "Puede responder desde Mi carpeta, en la sede electrónica."
    ) % {"dias": SUBSANACION_DIAS}
    documento = _sealed_act(
        exp,
        titulo=_("Requerimiento de subsanación"),
        texto=texto,
        pie=pie,
        nombre=f"requerimiento-{exp.requerimientos.count() + 1}.pdf",
        tipo=TipoDocumental.COMUNICACION,
        actor=actor,
    )
    req = Requerimiento.objects.create(
        expediente=exp,
        motivo=motivo,
        texto=texto,
        documento=documento,
        documento_afectado=documento_afectado,
        dias=SUBSANACION_DIAS,
        issued_at=timezone.now(),
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    notificacion_pendiente_create(
        expediente=exp,
        tipo=TipoNotificacion.REQUERIMIENTO,
        documento=documento,
        texto=texto,
        requerimiento=req,
    )
    moved = _move_phase(exp, Fase.INSTRUCCION)
    bump(exp, *(["fase"] if moved else []))
    event(
        exp,
        TipoEvento.REQUERIMIENTO,
        _("Requerimiento de subsanación emitido; pendiente de notificar."),
        actor=actor,
        visible=True,
    )
    audit_record(actor=actor, action="expedientes.requerimiento.issue", obj=req)
    return req


@transaction.atomic
def requerimiento_extend(
    *, requerimiento: Requerimiento, dias: int, actor, motivo: str = ""
) -> Requerimiento:
    """CAT-6 (art. 68.2): extend a request's term by up to 5 working days, at the
    interesado's request or ex officio — never in competitive procedures, never after the
    term ended (art. 32.3). The extension is notified (TIME-8)."""
    exp = lock(requerimiento.expediente_id)
    require_open(exp)
    req = Requerimiento.objects.select_for_update().get(pk=requerimiento.pk)
    if exp.flujo.concurrencia_competitiva:
        raise AccionNoPermitida(
            _(
                "En un procedimiento de concurrencia competitiva no se puede ampliar el plazo "
                "de subsanación (art. 68.2)."
            )
        )
    if not req.is_pending:
        raise AccionNoPermitida(_("El requerimiento ya no está pendiente."))
    if req.notificado_at is None:
        raise AccionNoPermitida(
            _("El plazo aún no ha empezado: el requerimiento no consta como notificado.")
        )
    if req.ampliacion_dias:
        raise AccionNoPermitida(_("El plazo de este requerimiento ya se amplió."))
    if (
        isinstance(dias, bool)
        or not isinstance(dias, int)
        or not 1 <= dias <= SUBSANACION_AMPLIACION_MAX
    ):
        raise ValidationError(
            _("La ampliación es de 1 a %(max)s días hábiles.") % {"max": SUBSANACION_AMPLIACION_MAX}
        )
    if timezone.now() > req.vence_at:
        raise AccionNoPermitida(
            _("El plazo ya ha vencido: no se puede ampliar (art. 32.3 de la Ley 39/2015).")
        )
    req.ampliacion_dias = dias
    req.vence_at = plazos.requerimiento_deadline(req)
    req.save(update_fields=["ampliacion_dias", "vence_at"])
    texto = _("Se amplía en %(dias)s días hábiles el plazo para atender el requerimiento.") % {
        "dias": dias
    }
    if motivo.strip():
        texto = f"{texto}\n\n{motivo.strip()}"
    documento = _sealed_act(
        exp,
        titulo=_("Ampliación del plazo de subsanación"),
        texto=texto,
        nombre=f"ampliacion-requerimiento-{req.pk}.pdf",
        tipo=TipoDocumental.ACUERDO,
        actor=actor,
    )
    notificacion_pendiente_create(
        expediente=exp,
        tipo=TipoNotificacion.AMPLIACION,
        documento=documento,
        texto=texto,
        requerimiento=req,
    )
    changed = plazos.recompute(exp)
    bump(exp, *changed)
    event(exp, TipoEvento.AMPLIACION, texto, actor=actor, visible=True)
    audit_record(actor=actor, action="expedientes.requerimiento.extend", obj=req)
    return req


def _end_suspension(exp: Expediente, suspension: Suspension | None, at: datetime) -> None:
    if suspension is None or suspension.ended_at is not None:
        return
    suspension.ended_at = max(at, suspension.started_at)
    suspension.save(update_fields=["ended_at"])
    event(
        exp,
        TipoEvento.REANUDACION,
        _("Se reanuda el plazo de resolución."),
        visible=True,
        at=suspension.ended_at,
    )


@transaction.atomic
def requerimiento_answer(*, requerimiento: Requerimiento, asiento, actor=None) -> Requerimiento:
    """The interesado answered (an entry registered through the sede or a desk). The entry
    and its documents join the file, the suspension ends at the entry's presentation and the
    resolution term is recomputed. A late answer is still admitted while no resolution has
    been signed (art. 73.3)."""
    exp = lock(requerimiento.expediente_id)
    require_open(exp)
    req = Requerimiento.objects.select_for_update().get(pk=requerimiento.pk)
    if req.estado not in (EstadoRequerimiento.PENDIENTE, EstadoRequerimiento.VENCIDO):
        raise AccionNoPermitida(_("Este requerimiento ya no admite respuesta."))
    if _resoluciones(exp).filter(estado=EstadoResolucion.FIRMADA).exists():
        raise AccionNoPermitida(_("El expediente ya está resuelto."))
    expediente_attach_asiento(expediente=exp, asiento=asiento, tipo=TipoEntrada.SUBSANACION)
    exp.refresh_from_db()
    req.estado = EstadoRequerimiento.CONTESTADO
    req.contestado_at = asiento.presented_at
    req.asiento_respuesta = asiento
    req.save(update_fields=["estado", "contestado_at", "asiento_respuesta"])
    _end_suspension(exp, getattr(req, "suspension", None), asiento.presented_at)
    changed = plazos.recompute(exp)
    bump(exp, *changed)
    event(
        exp,
        TipoEvento.RESPUESTA,
        _("Respuesta al requerimiento: asiento %(numero)s.") % {"numero": asiento.numero},
        actor=actor,
        visible=True,
    )
    audit_record(actor=actor, action="expedientes.requerimiento.answer", obj=req)
    return req


def requerimientos_vencidos_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """CAT-7 automated action: requests whose term ended unanswered → VENCIDO, the
    suspension ends at the end of the term granted (art. 22.1.a), and the handler is told to
    propose the withdrawal (art. 68.1). Nothing is resolved automatically."""
    now = now or timezone.now()
    done = 0
    ids = list(
        Requerimiento.objects.filter(
            estado=EstadoRequerimiento.PENDIENTE, vence_at__lt=now
        ).values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            req = Requerimiento.objects.select_related("expediente").get(pk=pk)
            exp = lock(req.expediente_id)
            req = Requerimiento.objects.select_for_update().get(pk=pk)
            if (
                req.estado != EstadoRequerimiento.PENDIENTE
                or not req.vence_at
                or req.vence_at >= now
            ):
                continue
            req.estado = EstadoRequerimiento.VENCIDO
            req.save(update_fields=["estado"])
            _end_suspension(exp, getattr(req, "suspension", None), req.vence_at)
            changed = plazos.recompute(exp)
            bump(exp, *changed)
            event(
                exp,
                TipoEvento.VENCIMIENTO,
                _(
                    "El plazo del requerimiento venció sin respuesta: procede proponer el "
                    "desistimiento (art. 68.1)."
                ),
            )
            audit_record(actor=None, action="expedientes.requerimiento.vencido", obj=req)
            done += 1
    return done


# --- Internal reports ---------------------------------------------------------------------


@transaction.atomic
def informe_request(
    *,
    expediente: Expediente,
    solicitado_a,
    asunto: str,
    preceptivo: bool,
    actor,
    expected_version: int | None = None,
) -> Informe:
    """Ask a colleague (any unit) for a report; they may see this file until they issue it
    (a per-object grant). A mandatory and determining report suspends the term (22.1.d)."""
    from guardian.shortcuts import assign_perm

    asunto = (asunto or "").strip()
    if not asunto:
        raise ValidationError(_("Indique el objeto del informe."))
    if not (getattr(solicitado_a, "is_active", False) and solicitado_a.is_staff):
        raise ValidationError(_("El informe se pide a personal del ayuntamiento en activo."))
    exp = lock(expediente, expected_version=expected_version)
    require_open(exp)
    now = timezone.now()
    informe = Informe.objects.create(
        expediente=exp,
        solicitado_a=solicitado_a,
        asunto=asunto[:300],
        preceptivo=bool(preceptivo),
        requested_at=now,
        requested_by=actor,
    )
    assign_perm("expedientes.consultar_expediente", solicitado_a, exp)
    changed = []
    if informe.preceptivo:
        Suspension.objects.create(
            expediente=exp, motivo=MotivoSuspension.INFORME, informe=informe, started_at=now
        )
        event(
            exp,
            TipoEvento.SUSPENSION,
            _("Plazo suspendido: informe preceptivo solicitado (art. 22.1.d)."),
            visible=True,
            at=now,
        )
        changed = plazos.recompute(exp)
    _move_phase(exp, Fase.INSTRUCCION)
    bump(exp, "fase", *changed)
    event(
        exp,
        TipoEvento.INFORME,
        _("Informe solicitado a %(user)s: %(asunto)s.")
        % {"user": solicitado_a.get_full_name() or solicitado_a, "asunto": asunto},
        actor=actor,
    )
    audit_record(actor=actor, action="expedientes.informe.request", obj=informe)
    return informe


@transaction.atomic
def informe_emit(*, informe: Informe, content: bytes, nombre: str, mime: str, actor) -> Informe:
    """The person asked issues the report: it joins the file (not shown to citizens), the
    suspension ends and the per-object grant is withdrawn."""
    from guardian.shortcuts import remove_perm

    exp = lock(informe.expediente_id)
    require_open(exp)
    informe = Informe.objects.select_for_update().get(pk=informe.pk)
    if informe.estado != EstadoInforme.SOLICITADO:
        raise AccionNoPermitida(_("Este informe ya se emitió."))
    if actor.pk != informe.solicitado_a_id:
        raise AccionNoPermitida(_("Solo puede emitir el informe la persona a quien se pidió."))
    if not content:
        raise ValidationError(_("Adjunte el informe."))
    documento = documento_capture(
        nombre=nombre,
        mime=mime,
        organo=exp.unidad.dir3,
        origen=Origen.ADMINISTRACION,
        tipo_documental=TipoDocumental.INFORME,
        content=content,
        created_by=actor,
    )
    documento_link(expediente=exp, documento=documento, visible_ciudadano=False)
    now = timezone.now()
    informe.estado = EstadoInforme.EMITIDO
    informe.emitted_at = now
    informe.documento = documento
    informe.save(update_fields=["estado", "emitted_at", "documento"])
    _end_suspension(exp, getattr(informe, "suspension", None), now)
    changed = plazos.recompute(exp)
    bump(exp, *changed)
    remove_perm("expedientes.consultar_expediente", actor, exp)
    event(
        exp, TipoEvento.INFORME, _("Informe emitido: %(a)s.") % {"a": informe.asunto}, actor=actor
    )
    audit_record(actor=actor, action="expedientes.informe.emit", obj=informe)
    return informe


# --- Resolution -------------------------------------------------------------------------------


def resolucion_texto(expediente: Expediente, *, sentido: str, texto: str, language: str) -> str:
    """The resolution's text from the workflow's template (placeholders in braces)."""
    from django.utils import translation

    from ..constants import SentidoResolucion

    flujo = expediente.flujo
    plantilla = (
        (flujo.plantilla_resolucion_eu if language == "eu" else flujo.plantilla_resolucion_es)
        or flujo.plantilla_resolucion_es
        or "{texto}"
    )
    with translation.override(language):
        values = {
            "identificador": expediente.identificador,
            "asunto": expediente.asunto,
            "procedimiento": expediente.procedimiento.title,
            "fecha_inicio": timezone.localtime(expediente.plazo_inicio).strftime("%d/%m/%Y"),
            "interesados": ", ".join(p.nombre for p in _partes(expediente)),
            "sentido": str(SentidoResolucion(sentido).label).lower(),
            "texto": texto,
        }
        try:
            return plantilla.format(**values)
        except (KeyError, IndexError, ValueError):
            return texto


@transaction.atomic
def resolucion_draft(
    *,
    expediente: Expediente,
    sentido: str,
    texto: str,
    actor,
    expected_version: int | None = None,
) -> Resolucion:
    """Draft the resolution from the workflow's template as a PDF (not yet signed, not shown
    to citizens). Refused while a request is pending or another resolution is in progress."""
    from ..constants import SentidoResolucion

    if sentido not in SentidoResolucion.values:
        raise ValidationError(_("Indique el sentido de la resolución."))
    texto = (texto or "").strip()
    if not texto:
        raise ValidationError(_("Escriba la parte dispositiva de la resolución."))
    exp = lock(expediente, expected_version=expected_version)
    require_open(exp)
    if exp.requerimientos.filter(estado=EstadoRequerimiento.PENDIENTE).exists():
        raise AccionNoPermitida(
            _("Hay un requerimiento pendiente: espere a la respuesta o a que venza el plazo.")
        )
    if (
        _resoluciones(exp)
        .filter(
            estado__in=[
                EstadoResolucion.BORRADOR,
                EstadoResolucion.EN_FIRMA,
                EstadoResolucion.FIRMADA,
            ]
        )
        .exists()
    ):
        raise AccionNoPermitida(_("El expediente ya tiene una resolución en curso o firmada."))
    if (
        sentido == SentidoResolucion.DESISTIMIENTO
        and not exp.requerimientos.filter(estado=EstadoRequerimiento.VENCIDO).exists()
    ):
        raise AccionNoPermitida(
            _("Solo procede el desistimiento si venció sin respuesta un requerimiento.")
        )
    language = _idioma(exp)
    cuerpo = resolucion_texto(exp, sentido=sentido, texto=texto, language=language)
    pdf = render_pdf(
        "expedientes/pdf/acto.html",
        {
            "expediente": exp,
            "partes": _partes(exp),
            "titulo": _("Resolución"),
            "texto": cuerpo,
            "fecha": timezone.now(),
        },
        language=language,
    )
    n = exp.resoluciones.count() + 1
    documento = documento_capture(
        nombre=f"resolucion-{n}.pdf",
        mime=PDF,
        organo=exp.unidad.dir3,
        origen=Origen.ADMINISTRACION,
        tipo_documental=TipoDocumental.RESOLUCION,
        content=pdf,
        created_by=actor,
    )
    documento_link(expediente=exp, documento=documento, visible_ciudadano=False)
    resolucion = Resolucion.objects.create(
        expediente=exp,
        sentido=sentido,
        texto=cuerpo,
        documento=documento,
        drafted_at=timezone.now(),
        drafted_by=actor,
    )
    moved = _move_phase(exp, Fase.RESOLUCION)
    bump(exp, *(["fase"] if moved else []))
    event(exp, TipoEvento.RESOLUCION, _("Borrador de resolución redactado."), actor=actor)
    audit_record(actor=actor, action="expedientes.resolucion.draft", obj=resolucion)
    return resolucion


@transaction.atomic
def resolucion_send_to_sign(*, resolucion: Resolucion, firmantes: list, actor) -> Resolucion:
    """Send the draft to the portafirmas: one step per signer, in order."""
    from firma.services import AccionSpec, peticion_create

    exp = lock(resolucion.expediente_id)
    require_open(exp)
    resolucion = Resolucion.objects.select_for_update().get(pk=resolucion.pk)
    if resolucion.estado != EstadoResolucion.BORRADOR:
        raise AccionNoPermitida(_("Solo un borrador de resolución se puede enviar a firmar."))
    if not firmantes:
        raise ValidationError(_("Indique quién firma la resolución."))
    version = resolucion.documento.actual.firma_version
    if version is None:
        from firma.services import DocumentoSpec

        with resolucion.documento.actual.content.open("rb") as fh:
            doc = DocumentoSpec(content=fh.read(), name=resolucion.documento.nombre, mime=PDF)
    else:
        doc = version
    peticion = peticion_create(
        created_by=actor,
        asunto=_("Resolución del expediente %(id)s") % {"id": exp.identificador},
        documentos=[doc],
        pasos=[[AccionSpec(firmante=f)] for f in firmantes],
    )
    resolucion.peticion_firma = peticion
    resolucion.estado = EstadoResolucion.EN_FIRMA
    resolucion.save(update_fields=["peticion_firma", "estado"])
    bump(exp)
    event(
        exp,
        TipoEvento.FIRMA,
        _("Resolución enviada al portafirmas (petición %(n)s).") % {"n": peticion.pk},
        actor=actor,
    )
    return resolucion


@transaction.atomic
def resolucion_sync(*, resolucion: Resolucion) -> Resolucion:
    """Bring the resolution up to date with its portafirmas request: once signed, the signed
    version (with its CSV) becomes the document's new version, it is shown to citizens and its
    notification is recorded as pending; if rejected, the draft can be redone.
    Idempotent (the sweep and the case file page call it)."""
    from firma.constants import EstadoPeticion

    exp = lock(resolucion.expediente_id)
    resolucion = Resolucion.objects.select_for_update().get(pk=resolucion.pk)
    if resolucion.estado != EstadoResolucion.EN_FIRMA or resolucion.peticion_firma_id is None:
        return resolucion
    peticion = resolucion.peticion_firma
    if peticion.estado == EstadoPeticion.RECHAZADA:
        resolucion.estado = EstadoResolucion.RECHAZADA
        resolucion.save(update_fields=["estado"])
        bump(exp)
        event(
            exp,
            TipoEvento.FIRMA,
            _("Resolución rechazada en el portafirmas: %(m)s.") % {"m": peticion.motivo_rechazo},
        )
        return resolucion
    if peticion.estado != EstadoPeticion.COMPLETADA:
        return resolucion
    pd = peticion.documentos.select_related("resultado").first()
    if pd is None or pd.resultado is None:
        return resolucion
    resolucion.documento.actual = documento_version_add(
        documento=resolucion.documento, firma_version=pd.resultado, note=_("Firmada")
    )
    exp.documentos.filter(documento=resolucion.documento).update(visible_ciudadano=True)
    resolucion.estado = EstadoResolucion.FIRMADA
    resolucion.signed_at = peticion.finished_at or timezone.now()
    resolucion.save(update_fields=["estado", "signed_at"])
    notificacion_pendiente_create(
        expediente=exp,
        tipo=TipoNotificacion.RESOLUCION,
        documento=resolucion.documento,
        resolucion=resolucion,
    )
    moved = _move_phase(exp, Fase.NOTIFICACION)
    bump(exp, *(["fase"] if moved else []))
    event(
        exp,
        TipoEvento.RESOLUCION,
        # Visible to the interested parties, so without the decision's sense: they learn it
        # from the notification (art. 43.2), not from the case file's history.
        _("Resolución firmada; pendiente de notificar."),
        visible=True,
    )
    audit_record(actor=None, action="expedientes.resolucion.signed", obj=resolucion)
    return resolucion


def resoluciones_sync_sweep() -> int:
    n = 0
    for res in Resolucion.objects.filter(estado=EstadoResolucion.EN_FIRMA).only("pk"):
        before = res.estado
        if resolucion_sync(resolucion=res).estado != before:
            n += 1
    return n


# --- Closing and re-opening ---------------------------------------------------------------


@transaction.atomic
def expediente_close(*, expediente: Expediente, actor, expected_version: int | None = None):
    """Close the file (E02) once its resolution is signed: the electronic index is built and
    sealed (EXP-2, EXP-3), the file passes to the archive with its series' retention (EXP-6)."""
    from .archivo import archive
    from .indice import indice_build

    exp = lock(expediente, expected_version=expected_version)
    require_open(exp)
    if not _resoluciones(exp).filter(estado=EstadoResolucion.FIRMADA).exists():
        raise AccionNoPermitida(_("Para cerrar el expediente debe constar la resolución firmada."))
    if exp.requerimientos.filter(estado=EstadoRequerimiento.PENDIENTE).exists():
        raise AccionNoPermitida(_("Hay un requerimiento pendiente de respuesta."))
    now = timezone.now()
    for s in exp.suspensiones.filter(ended_at__isnull=True):
        _end_suspension(exp, s, now)
    exp.estado = EstadoExpediente.CERRADO
    exp.cerrado_at = now
    exp.fase = exp.flujo.codes[-1] if exp.flujo.codes else Fase.FINALIZADO
    exp.proximo_vencimiento = None
    archive(exp, at=now)
    bump(
        exp,
        "estado",
        "cerrado_at",
        "fase",
        "proximo_vencimiento",
        "archivado_at",
        "conservar_hasta",
    )
    indice_build(expediente=exp, motivo="cierre")
    event(exp, TipoEvento.CIERRE, _("Expediente cerrado y archivado."), actor=actor, visible=True)
    audit_record(actor=actor, action="expedientes.expediente.close", obj=exp)
    return exp


@transaction.atomic
def expediente_reopen(*, expediente: Expediente, asiento, actor):
    """Re-open a closed file because an appeal was filed (the appeal's entry joins it)."""
    exp = lock(expediente)
    if exp.estado != EstadoExpediente.CERRADO:
        raise AccionNoPermitida(_("Solo se puede reabrir un expediente cerrado."))
    if exp.eliminado_at is not None:
        raise AccionNoPermitida(_("El expediente fue eliminado."))
    exp.estado = EstadoExpediente.ABIERTO
    exp.cerrado_at = None
    exp.archivado_at = None
    exp.conservar_hasta = None
    codes = exp.flujo.codes
    exp.fase = Fase.INSTRUCCION if Fase.INSTRUCCION in codes else codes[0]
    bump(exp, "estado", "cerrado_at", "archivado_at", "conservar_hasta", "fase")
    expediente_attach_asiento(expediente=exp, asiento=asiento, tipo=TipoEntrada.RECURSO)
    exp.refresh_from_db()
    notificacion_pendiente_create(
        expediente=exp,
        tipo=TipoNotificacion.REAPERTURA,
        texto=_("Expediente reabierto por el recurso %(n)s.") % {"n": asiento.numero},
    )
    event(
        exp,
        TipoEvento.REAPERTURA,
        _("Reabierto por el recurso registrado con el asiento %(n)s.") % {"n": asiento.numero},
        actor=actor,
        visible=True,
    )
    audit_record(actor=actor, action="expedientes.expediente.reopen", obj=exp)
    return exp


# --- REG-11: a registered document found unsafe after registration -------------------------


def documento_unsafe_flagged(*, asiento_documento_id: int, motivo: str = "") -> list[Requerimiento]:
    """REG-11 (RD 203/2021 art. 39.2): registro found malicious code in a document it had
    registered. The ENI document is marked, and in every open file holding it the interesado
    is asked, with a 10-day correction request, to present it again. The entry keeps its
    number (registro's rule). Returns the requests issued."""
    issued = []
    documentos = DocumentoENI.objects.filter(asiento_documento_id=asiento_documento_id)
    for documento in documentos:
        with transaction.atomic():
            if documento.inseguro_at is None:
                DocumentoENI.objects.filter(pk=documento.pk).update(inseguro_at=timezone.now())
            for member in documento.expedientes.select_related("expediente"):
                exp = member.expediente
                if exp.estado != EstadoExpediente.ABIERTO:
                    continue
                if exp.requerimientos.filter(documento_afectado=documento).exists():
                    continue
                texto = _(
                    "Tras su registro se ha detectado código malicioso en el documento "
                    "«%(nombre)s», que no puede incorporarse al expediente. Preséntelo de nuevo, "
                    "libre de código malicioso."
                ) % {"nombre": documento.nombre}
                if motivo:
                    texto = f"{texto}\n\n{motivo}"
                try:
                    with transaction.atomic():
                        issued.append(
                            requerimiento_issue(
                                expediente=exp,
                                texto=texto,
                                actor=None,
                                motivo=MotivoRequerimiento.DOCUMENTO_INSEGURO,
                                documento_afectado=documento,
                            )
                        )
                except AccionNoPermitida as exc:
                    event(
                        exp,
                        TipoEvento.REQUERIMIENTO,
                        _("Documento %(n)s marcado como inseguro; requerimiento no emitido: %(e)s")
                        % {"n": documento.nombre, "e": " ".join(exc.messages)},
                    )
    return issued


def documentos_inseguros_sweep(*, limit: int = 100) -> int:
    """REG-11, CAT-7 automated action: take registro's outbox of documents flagged as
    malicious after registration (``registro.selectors.documentos_unsafe_pending``), raise
    the 10-day correction request in each open case file that holds the document, and tell
    registro it was raised. A document in no open file (or whose file has a request pending)
    stays in the outbox and is tried again on the next run. Returns the requests issued."""
    from registro.selectors import documentos_unsafe_pending
    from registro.services import documento_correccion_raised

    issued = 0
    for doc in list(documentos_unsafe_pending()[:limit]):
        requests = documento_unsafe_flagged(asiento_documento_id=doc.pk)
        issued += len(requests)
        raised = Requerimiento.objects.filter(
            documento_afectado__asiento_documento_id=doc.pk
        ).exists()
        if raised:
            documento_correccion_raised(documento_id=doc.pk)
    return issued
