"""The life of a notification: prepared → puesta a disposición → accepted / rejected /
rejected by expiry / practised on paper. Only these functions change its state; each change
appends a history row and, where the law wants proof, an acuse (NOT-9) sealed right after.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apoderamientos.decision import can_act
from identidad.services import audit_record

from .. import plazos
from ..backends import delivery_channels
from ..constants import Canal, Clase, Estado, MotivoCanal, ResultadoPapel, TipoEvidencia
from ..models import IntentoPapel, Notificacion, NotificacionEvento
from .canal import canal_for
from .evidencias import evidencia_record


def new_identificador(at: datetime | None = None) -> str:
    at = at or timezone.now()
    return f"N-{at:%Y}-{secrets.token_hex(6).upper()}"


def huellas_for(documentos) -> list[dict]:
    """NOT-9: name, ENI identifier and SHA-256 of each notified document, fixed now."""
    out = []
    for documento in documentos:
        version = documento.actual
        out.append(
            {
                "id": documento.pk,
                "identificador": documento.identificador or "",
                "nombre": documento.nombre,
                "sha256": version.sha256 if version else "",
            }
        )
    return out


def event(notificacion: Notificacion, descripcion: str, *, at, actor=None, **detalle):
    return NotificacionEvento.objects.create(
        notificacion=notificacion,
        at=at,
        estado=notificacion.estado,
        descripcion=descripcion[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        detalle=detalle,
    )


def _lock(notificacion_id: int) -> Notificacion:
    return (
        Notificacion.objects.select_for_update()
        .select_related("destinatario")
        .get(pk=notificacion_id)
    )


@transaction.atomic
def notificacion_prepare(
    *,
    destinatario,
    unidad,
    asunto: str,
    texto: str,
    recursos: str = "",
    plazo_dias_naturales: bool = False,
    documentos=(),
    expediente=None,
    pendiente=None,
    remesa=None,
    procedimiento=None,
    clase: str = Clase.NOTIFICACION,
    idioma: str = "es",
    canal: str | None = None,
    motivo_canal: str | None = None,
    actor=None,
    at: datetime | None = None,
) -> Notificacion:
    """A notification (or communication) ready to be made available; nothing is sent yet."""
    at = at or timezone.now()
    asunto, texto, recursos = asunto.strip(), texto.strip(), recursos.strip()
    errors = {}
    if not asunto:
        errors["asunto"] = _("Indique el asunto.")
    if not texto:
        errors["texto"] = _("La notificación debe contener el texto íntegro del acto (art. 40.2).")
    if clase == Clase.NOTIFICACION and not recursos:
        errors["recursos"] = _(
            "Indique si el acto pone fin a la vía administrativa y los recursos que proceden, "
            "el órgano ante el que presentarlos y su plazo (art. 40.2)."
        )
    if errors:
        raise ValidationError(errors)
    if canal is None:
        canal, motivo_canal = canal_for(destinatario, at)
    if procedimiento is None and expediente is not None:
        procedimiento = expediente.procedimiento
    documentos = list(documentos)
    notificacion = Notificacion.objects.create(
        clase=clase,
        identificador=new_identificador(at),
        destinatario=destinatario,
        expediente=expediente,
        pendiente=pendiente,
        remesa=remesa,
        procedimiento=procedimiento,
        unidad=unidad,
        asunto=asunto[:250],
        texto=texto,
        recursos=recursos,
        plazo_dias_naturales=plazo_dias_naturales,
        huellas=huellas_for(documentos),
        canal=canal,
        motivo_canal=motivo_canal or MotivoCanal.ELEGIDO,
        idioma=idioma,
        created_at=at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if documentos:
        notificacion.documentos.set(documentos)
    event(notificacion, _("Notificación preparada."), at=at, actor=actor)
    return notificacion


@transaction.atomic
def notificacion_make_available(
    *, notificacion: Notificacion, actor=None, at: datetime | None = None
) -> Notificacion:
    """Puesta a disposición in the sede (and any other configured channel), aviso queued.

    Electronic notifications (mandatory or chosen) are deemed rejected after ten natural days
    without access (NOT-6); paper ones are also available in the sede (art. 42.1) without that
    expiry — their delivery attempts are recorded with ``papel_intento_record``.
    """
    from .avisos import avisos_create

    at = at or timezone.now()
    notificacion = _lock(notificacion.pk)
    if notificacion.estado != Estado.PREPARADA:
        raise ValidationError(_("Esta notificación ya se puso a disposición."))
    notificacion.estado = Estado.PUESTA
    notificacion.puesta_at = at
    if notificacion.clase == Clase.NOTIFICACION and notificacion.canal == Canal.ELECTRONICO:
        notificacion.expira_at = plazos.expiry_instant(at)
    notificacion.save(update_fields=["estado", "puesta_at", "expira_at"])
    referencias = {ch.code: ch.make_available(notificacion) for ch in delivery_channels()}
    event(
        notificacion,
        _("Puesta a disposición en la sede electrónica."),
        at=at,
        actor=actor,
        canales=referencias,
    )
    if notificacion.clase == Clase.NOTIFICACION:
        evidencia_record(notificacion=notificacion, tipo=TipoEvidencia.PUESTA, at=at)
    avisos_create(notificacion=notificacion)
    audit_record(actor=actor, action="notificaciones.puesta", obj=notificacion)
    return notificacion


# --- Access by the addressee or a representative (NOT-5, NOT-7) ---------------------------


def access_decision(user, notificacion: Notificacion, at: datetime | None = None):
    """May ``user`` open ``notificacion`` now — and why (apoderamientos answers)."""
    return can_act(
        person=user,
        interesado=notificacion.destinatario,
        procedimiento=notificacion.procedimiento,
        instant=at or timezone.now(),
    )


def _refuse_if_final(notificacion: Notificacion) -> None:
    if notificacion.estado == Estado.PREPARADA:
        raise ValidationError(_("Esta notificación todavía no está a su disposición."))
    if notificacion.estado in Estado.finales():
        when = timezone.localtime(notificacion.practicada_at)
        raise ValidationError(
            _("Esta notificación ya no se puede abrir ni rechazar: %(estado)s el %(fecha)s.")
            % {
                "estado": notificacion.get_estado_display().lower(),
                "fecha": when.strftime("%d/%m/%Y %H:%M:%S"),
            }
        )


def _practise(
    notificacion: Notificacion,
    *,
    estado: str,
    at: datetime,
    evidencia: str | None,
    descripcion: str,
    actor=None,
    decision=None,
) -> Notificacion:
    notificacion.estado = estado
    notificacion.practicada_at = at
    fields = ["estado", "practicada_at"]
    if decision is not None:
        notificacion.abierta_por = actor
        notificacion.via = decision.via or ""
        notificacion.apoderamiento = decision.apoderamiento
        fields += ["abierta_por", "via", "apoderamiento"]
    notificacion.save(update_fields=fields)
    event(
        notificacion,
        descripcion,
        at=at,
        actor=actor,
        via=notificacion.via,
        apoderamiento=str(decision.apoderamiento) if decision and decision.apoderamiento else "",
    )
    if evidencia and notificacion.clase == Clase.NOTIFICACION:
        evidencia_record(notificacion=notificacion, tipo=evidencia, at=at)
    _report_to_expediente(notificacion, at=at, actor=actor)
    return notificacion


def _report_to_expediente(notificacion: Notificacion, *, at: datetime, actor=None) -> None:
    """The first practice of any addressee tells the case file (starts a request's term)."""
    if notificacion.pendiente_id is None or notificacion.clase != Clase.NOTIFICACION:
        return
    from expedientes.constants import EstadoNotificacionPendiente
    from expedientes.services.notificaciones import notificacion_pendiente_practicada

    pendiente = notificacion.pendiente
    if pendiente.estado != EstadoNotificacionPendiente.PENDIENTE:
        return
    notificacion_pendiente_practicada(
        pendiente=pendiente,
        at=at,
        rechazada=notificacion.estado in (Estado.RECHAZADA, Estado.EXPIRADA),
        referencia=notificacion.identificador,
        actor=actor,
    )


def _expire_if_due(notificacion: Notificacion, now: datetime) -> bool:
    if (
        notificacion.estado == Estado.PUESTA
        and notificacion.expira_at is not None
        and notificacion.expira_at <= now
    ):
        _practise(
            notificacion,
            estado=Estado.EXPIRADA,
            at=notificacion.expira_at,
            evidencia=TipoEvidencia.EXPIRACION,
            descripcion=_(
                "Rechazada por haber transcurrido diez días naturales desde la puesta a "
                "disposición sin acceder a su contenido (art. 43.2)."
            ),
        )
        return True
    return False


@transaction.atomic
def notificacion_open(*, notificacion_id: int, user, at: datetime | None = None) -> Notificacion:
    """Comparecencia: opening the content accepts the notification at that instant (NOT-5)."""
    at = at or timezone.now()
    notificacion = _lock(notificacion_id)
    if _expire_if_due(notificacion, at):
        return notificacion  # the caller sees it expired and says so
    _refuse_if_final(notificacion)
    decision = access_decision(user, notificacion, at)
    if not decision.allowed:
        raise PermissionDenied(decision.reason)
    if notificacion.clase == Clase.COMUNICACION:
        return _practise(
            notificacion,
            estado=Estado.LEIDA,
            at=at,
            evidencia=None,
            descripcion=_("Comunicación leída."),
            actor=user,
            decision=decision,
        )
    notificacion = _practise(
        notificacion,
        estado=Estado.ACEPTADA,
        at=at,
        evidencia=TipoEvidencia.ACCESO,
        descripcion=_("Accedida: notificación practicada (comparecencia en la sede)."),
        actor=user,
        decision=decision,
    )
    audit_record(actor=user, action="notificaciones.acceso", obj=notificacion)
    return notificacion


@transaction.atomic
def notificacion_reject(*, notificacion_id: int, user, at: datetime | None = None) -> Notificacion:
    """Explicit rejection: the notification is practised and the procedure goes on (41.5)."""
    at = at or timezone.now()
    notificacion = _lock(notificacion_id)
    if _expire_if_due(notificacion, at):
        return notificacion
    _refuse_if_final(notificacion)
    if notificacion.clase != Clase.NOTIFICACION:
        raise ValidationError(_("Las comunicaciones no se pueden rechazar."))
    decision = access_decision(user, notificacion, at)
    if not decision.allowed:
        raise PermissionDenied(decision.reason)
    notificacion = _practise(
        notificacion,
        estado=Estado.RECHAZADA,
        at=at,
        evidencia=TipoEvidencia.RECHAZO,
        descripcion=_("Rechazada expresamente: se tiene por efectuado el trámite (art. 41.5)."),
        actor=user,
        decision=decision,
    )
    audit_record(actor=user, action="notificaciones.rechazo", obj=notificacion)
    return notificacion


def notificaciones_expire(*, now: datetime | None = None, limit: int = 500) -> int:
    """NOT-6, Celery beat: reject every electronic notification whose ten days have passed.

    Exactly once: each row is taken with ``SELECT … FOR UPDATE SKIP LOCKED`` and changed only
    if still available, in its own transaction; the acuse has a one-per-kind constraint. Safe
    if the job runs twice, late (the rejection is dated at the expiry instant, not when the job
    runs) or on two workers at once.
    """
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                Notificacion.objects.select_for_update(skip_locked=True)
                .select_related("destinatario")
                .filter(estado=Estado.PUESTA, clase=Clase.NOTIFICACION, expira_at__lte=now)
                .order_by("expira_at", "pk")[:limit]
            )
            for notificacion in batch:
                if _expire_if_due(notificacion, now):
                    done += 1
        if len(batch) < limit:
            return done


# --- Paper (NOT-3, NOT-11) -----------------------------------------------------------------


def _check_second_attempt(first: IntentoPapel, at: datetime) -> None:
    """NOT-11 (art. 42.2): the second attempt within the three following days, at a time on
    the other side of 15:00 and at least three hours apart."""
    first_local, second_local = timezone.localtime(first.at), timezone.localtime(at)
    days = (second_local.date() - first_local.date()).days
    if days < 0 or days > 3 or (days == 0 and at <= first.at):
        raise ValidationError(
            _("El segundo intento debe hacerse dentro de los tres días siguientes al primero.")
        )
    if (first_local.hour < 15) == (second_local.hour < 15):
        raise ValidationError(
            _(
                "Si el primer intento fue antes de las 15:00, el segundo debe ser después de "
                "las 15:00, y viceversa (art. 42.2)."
            )
        )
    if abs((at - first.at).total_seconds()) < 3 * 3600 and days == 0:
        raise ValidationError(_("Entre los dos intentos deben pasar al menos tres horas."))


@transaction.atomic
def papel_intento_record(
    *,
    notificacion_id: int,
    at: datetime,
    resultado: str,
    agente: str,
    actor,
    receptor_nombre: str = "",
    receptor_nif: str = "",
    observaciones: str = "",
) -> IntentoPapel:
    """Record a delivery attempt on paper; a delivery (or refusal) practises the notification
    unless it was already practised in the sede — the term runs from the first (NOT-3)."""
    notificacion = _lock(notificacion_id)
    if notificacion.canal != Canal.PAPEL:
        raise ValidationError(_("Esta notificación no se practica en papel."))
    if at > timezone.now():
        raise ValidationError(_("La fecha del intento no puede ser futura."))
    if notificacion.puesta_at is None or at < notificacion.puesta_at:
        raise ValidationError(_("El intento no puede ser anterior a la notificación."))
    if resultado == ResultadoPapel.ENTREGADA and not receptor_nombre.strip():
        raise ValidationError(_("Indique quién recibe la notificación."))
    previous = list(notificacion.intentos_papel.order_by("numero"))
    if len(previous) >= 2:
        raise ValidationError(_("Ya constan dos intentos de entrega."))
    if previous and previous[0].resultado in ResultadoPapel.practica():
        raise ValidationError(_("La notificación ya fue entregada en papel."))
    if previous:
        _check_second_attempt(previous[0], at)
    intento = IntentoPapel.objects.create(
        notificacion=notificacion,
        numero=len(previous) + 1,
        at=at,
        resultado=resultado,
        agente=agente.strip()[:150],
        receptor_nombre=receptor_nombre.strip()[:200],
        receptor_nif=receptor_nif.strip()[:20],
        observaciones=observaciones.strip()[:300],
        recorded_by=actor,
    )
    event(
        notificacion,
        _("Intento de entrega en papel n.º %(n)s: %(resultado)s.")
        % {"n": intento.numero, "resultado": intento.get_resultado_display().lower()},
        at=at,
        actor=actor,
    )
    if resultado in ResultadoPapel.practica() and notificacion.estado == Estado.PUESTA:
        _practise(
            notificacion,
            estado=Estado.PAPEL,
            at=at,
            evidencia=TipoEvidencia.PAPEL,
            descripcion=_("Practicada en papel."),
            actor=actor,
        )
    audit_record(actor=actor, action="notificaciones.papel", obj=notificacion)
    return intento


@transaction.atomic
def notificacion_external_event(*, notificacion_id: int, at: datetime, rejected: bool, ref=""):
    """An access or rejection in another channel (DEHú): the first one prevails (NOT-10)."""
    notificacion = _lock(notificacion_id)
    if notificacion.estado != Estado.PUESTA:
        return notificacion
    return _practise(
        notificacion,
        estado=Estado.RECHAZADA if rejected else Estado.ACEPTADA,
        at=at,
        evidencia=TipoEvidencia.RECHAZO if rejected else TipoEvidencia.ACCESO,
        descripcion=_("Practicada en otro canal (%(ref)s).") % {"ref": ref or "DEHú"},
    )
