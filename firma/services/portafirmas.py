"""Portafirmas (FIR-5): signature requests over documents, run through a circuit.

A circuit is a list of steps run in sequence; the actions of a step (sign or visto bueno)
run in parallel. A rejection stops the circuit. Signing happens in Celery: the service marks
the action as queued and enqueues the task on commit; the task signs each document once,
even when it runs twice. When the last step completes, each signed document gets a new
version whose CSV is the one stamped on its pages before the first signature.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from firma.constants import (
    PDF_MIME,
    EstadoAccion,
    EstadoPaso,
    EstadoPeticion,
    ModoFirma,
    TipoAccion,
)
from firma.csv import csv_format, csv_verification_url
from firma.models import (
    AccionFirma,
    DocumentoVersion,
    FirmaDocumento,
    FirmanteConfig,
    PasoFirma,
    PeticionDocumento,
    PeticionFirma,
)
from firma.selectors import acciones_actionable

from .documentos import csv_issue, csv_unique_code, documento_read

logger = logging.getLogger(__name__)


class AccionNoDisponibleError(Exception):
    """The action is not the user's, or it is not waiting for them now."""


@dataclass(frozen=True)
class AccionSpec:
    """One action of a circuit step, as the request's author describes it."""

    firmante: object  # settings.AUTH_USER_MODEL
    tipo: str = TipoAccion.FIRMA
    modo: str = ModoFirma.PROPIO
    en_nombre_de: str = ""


@dataclass(frozen=True)
class DocumentoSpec:
    """A document handed in as bytes (it gets a first version with its own CSV)."""

    content: bytes
    name: str
    mime: str


# --- Creating a request ---------------------------------------------------------------


def _check_circuit(pasos: list[list[AccionSpec]]) -> None:
    errors: list[str] = []
    if not pasos:
        errors.append(_("El circuito necesita al menos un paso."))
    for n, paso in enumerate(pasos, start=1):
        if not paso:
            errors.append(_("El paso %(n)s no tiene ninguna acción.") % {"n": n})
        seen = set()
        for spec in paso:
            user = spec.firmante
            if spec.tipo not in TipoAccion.values:
                errors.append(_("Tipo de acción desconocido: %(tipo)s.") % {"tipo": spec.tipo})
            if spec.modo not in ModoFirma.values:
                errors.append(_("Modo de firma desconocido: %(modo)s.") % {"modo": spec.modo})
            if not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
                errors.append(
                    _("%(user)s no es personal del ayuntamiento en activo.") % {"user": user}
                )
            if user.pk in seen:
                errors.append(
                    _("%(user)s aparece dos veces en el paso %(n)s.") % {"user": user, "n": n}
                )
            seen.add(user.pk)
            if spec.modo == ModoFirma.PROPIO and spec.en_nombre_de.strip():
                errors.append(
                    _("Indique el modo (delegación o suplencia) para firmar en nombre de otro.")
                )
            if spec.modo != ModoFirma.PROPIO and not spec.en_nombre_de.strip():
                errors.append(
                    _(
                        "Por delegación o suplencia hay que indicar la autoridad delegante "
                        "o el titular sustituido."
                    )
                )
            if (
                spec.tipo == TipoAccion.FIRMA
                and not FirmanteConfig.objects.filter(user_id=user.pk).exists()
            ):
                errors.append(
                    _("%(user)s no tiene configurado un certificado de firma.") % {"user": user}
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def peticion_create(
    *,
    created_by,
    asunto: str,
    documentos: list[DocumentoVersion | DocumentoSpec],
    pasos: list[list[AccionSpec]],
    descripcion: str = "",
    fecha_limite: datetime | None = None,
) -> PeticionFirma:
    """Open a signature request over ``documentos`` with the circuit ``pasos``.

    Documents that will be signed must be PDFs (PAdES). Their CSV is reserved now and stamped
    on every page of the copy the signers sign (FIR-8), so the signed version carries it.
    """
    if not asunto.strip():
        raise ValidationError(_("Indique el asunto."))
    if not documentos:
        raise ValidationError(_("La petición necesita al menos un documento."))
    if fecha_limite is not None and fecha_limite <= timezone.now():
        raise ValidationError(_("La fecha límite debe ser posterior a este momento."))
    _check_circuit(pasos)
    has_signatures = any(spec.tipo == TipoAccion.FIRMA for paso in pasos for spec in paso)

    versions: list[DocumentoVersion] = []
    for doc in documentos:
        if isinstance(doc, DocumentoSpec):
            doc = csv_issue(content=doc.content, name=doc.name, mime=doc.mime)
        versions.append(doc)
    if has_signatures:
        for version in versions:
            if version.mime != PDF_MIME:
                raise ValidationError(
                    _("Solo se pueden firmar documentos PDF: %(name)s no lo es.")
                    % {"name": version.name}
                )

    peticion = PeticionFirma.objects.create(
        asunto=asunto.strip()[:255],
        descripcion=descripcion,
        created_by=created_by,
        fecha_limite=fecha_limite,
    )
    for orden, version in enumerate(versions):
        pd = PeticionDocumento(
            peticion=peticion, orden=orden, documento=version.documento, borrador=version
        )
        if has_signatures:
            from firma.stamping import stamp_pdf

            code = csv_unique_code()
            stamped = stamp_pdf(
                documento_read(version), code=csv_format(code), url=csv_verification_url(code)
            )
            pd.csv_reservado = code
            pd.trabajo.save(version.name, ContentFile(stamped), save=False)
        pd.save()
    for orden, paso_specs in enumerate(pasos, start=1):
        paso = PasoFirma.objects.create(
            peticion=peticion,
            orden=orden,
            estado=EstadoPaso.EN_CURSO if orden == 1 else EstadoPaso.PENDIENTE,
        )
        AccionFirma.objects.bulk_create(
            AccionFirma(
                paso=paso,
                tipo=spec.tipo,
                firmante=spec.firmante,
                modo=spec.modo,
                en_nombre_de=spec.en_nombre_de.strip(),
            )
            for spec in paso_specs
        )
        if orden == 1:
            _notify_step(paso.pk)
    logger.info("firma: peticion %s created by user %s", peticion.pk, created_by.pk)
    return peticion


# --- Acting on the inbox --------------------------------------------------------------


def _lock_actionable(*, user, accion_ids: list[int]) -> list[AccionFirma]:
    ids = sorted({int(pk) for pk in accion_ids})
    acciones = list(
        acciones_actionable()
        .select_for_update(of=("self",))
        .filter(pk__in=ids, firmante=user)
        .order_by("pk")
    )
    if len(acciones) != len(ids) or not ids:
        raise AccionNoDisponibleError(ids)
    return acciones


@transaction.atomic
def acciones_sign(*, user, accion_ids: list[int]) -> list[AccionFirma]:
    """Batch: sign (queue) or approve every selected action of the user's inbox.

    Signing actions are queued and signed by Celery once this transaction commits; visto
    bueno actions are done at once. All or nothing: if one action is not waiting for the user,
    none is touched.
    """
    acciones = _lock_actionable(user=user, accion_ids=accion_ids)
    for accion in acciones:
        if accion.tipo == TipoAccion.FIRMA:
            _queue_signature(accion)
        else:
            _mark_done(accion)
    return acciones


@transaction.atomic
def accion_approve(*, user, accion_id: int) -> AccionFirma:
    """Visto bueno: the user approves; the circuit moves on when the step is complete."""
    (accion,) = _lock_actionable(user=user, accion_ids=[accion_id])
    if accion.tipo != TipoAccion.VISTO_BUENO:
        raise AccionNoDisponibleError([accion_id])
    _mark_done(accion)
    return accion


@transaction.atomic
def accion_reject(*, user, accion_id: int, motivo: str) -> AccionFirma:
    """Reject with a reason: the request stops and nobody else is asked to act."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ValidationError(_("Indique el motivo del rechazo."))
    (accion,) = _lock_actionable(user=user, accion_ids=[accion_id])
    now = timezone.now()
    peticion = PeticionFirma.objects.select_for_update().get(pk=accion.paso.peticion_id)
    AccionFirma.objects.filter(pk=accion.pk).update(
        estado=EstadoAccion.RECHAZADA, motivo_rechazo=motivo, done_at=now
    )
    AccionFirma.objects.filter(
        paso__peticion=peticion, estado__in=[EstadoAccion.PENDIENTE, EstadoAccion.EN_COLA]
    ).update(estado=EstadoAccion.ANULADA)
    PasoFirma.objects.filter(peticion=peticion).exclude(estado=EstadoPaso.COMPLETADO).update(
        estado=EstadoPaso.ANULADO
    )
    peticion.estado = EstadoPeticion.RECHAZADA
    peticion.motivo_rechazo = motivo
    peticion.finished_at = now
    peticion.save(update_fields=["estado", "motivo_rechazo", "finished_at"])
    logger.info("firma: peticion %s rejected by user %s", peticion.pk, user.pk)
    accion.refresh_from_db()
    return accion


def _queue_signature(accion: AccionFirma) -> None:
    from firma.tasks import accion_sign_task

    AccionFirma.objects.filter(pk=accion.pk, estado=EstadoAccion.PENDIENTE).update(
        estado=EstadoAccion.EN_COLA, error="", queued_at=timezone.now()
    )
    accion.estado = EstadoAccion.EN_COLA
    pk = accion.pk
    transaction.on_commit(lambda: accion_sign_task.delay(pk))


def _mark_done(accion: AccionFirma) -> None:
    accion.estado = EstadoAccion.HECHA
    accion.done_at = timezone.now()
    accion.save(update_fields=["estado", "done_at"])
    _advance(accion.paso_id)


def _advance(paso_id: int) -> None:
    """Close the step when all its actions are done; open the next or finish the request."""
    paso = PasoFirma.objects.select_for_update().get(pk=paso_id)
    if paso.estado != EstadoPaso.EN_CURSO:
        return
    if paso.acciones.exclude(estado=EstadoAccion.HECHA).exists():
        return
    paso.estado = EstadoPaso.COMPLETADO
    paso.save(update_fields=["estado"])
    siguiente = (
        PasoFirma.objects.filter(peticion_id=paso.peticion_id, orden__gt=paso.orden)
        .order_by("orden")
        .first()
    )
    if siguiente is not None:
        siguiente.estado = EstadoPaso.EN_CURSO
        siguiente.save(update_fields=["estado"])
        _notify_step(siguiente.pk)
        return
    _finish(paso.peticion_id)


def _finish(peticion_id: int) -> None:
    """The circuit is complete: each signed copy becomes a new version of its document."""
    peticion = PeticionFirma.objects.select_for_update().get(pk=peticion_id)
    for pd in peticion.documentos.select_related("borrador", "documento"):
        if not pd.firmas.exists():
            continue
        with pd.trabajo.open("rb") as fh:
            data = fh.read()
        pd.resultado = csv_issue(
            content=data,
            name=pd.borrador.name,
            mime=pd.borrador.mime,
            documento=pd.documento,
            code=pd.csv_reservado,
            tipo_firma=pd.firmas.order_by("-signed_at").first().tipo_firma,
            note=_("Firmado en portafirmas: %(asunto)s") % {"asunto": peticion.asunto},
        )
        pd.save(update_fields=["resultado"])
    peticion.estado = EstadoPeticion.COMPLETADA
    peticion.finished_at = timezone.now()
    peticion.save(update_fields=["estado", "finished_at"])
    logger.info("firma: peticion %s completed", peticion.pk)


# --- Signing (runs in Celery) -----------------------------------------------------------


def _signer_name(user) -> str:
    full = getattr(user, "full_name", "") or user.get_full_name()
    return full or user.get_username()


def leyenda_for(accion: AccionFirma) -> str:
    """The text of the visible signature: who signs and, if so, for whom (FIR-5).

    Ley 40/2015: delegated acts say so and name the delegating authority (12.3); under
    suplencia, the substituted holder and who actually signs (13.4).
    """
    name = _signer_name(accion.firmante)
    if accion.modo == ModoFirma.DELEGACION:
        return _("%(firmante)s, por delegación de %(autoridad)s") % {
            "firmante": name,
            "autoridad": accion.en_nombre_de,
        }
    if accion.modo == ModoFirma.SUPLENCIA:
        return _("%(firmante)s, por suplencia de %(titular)s") % {
            "firmante": name,
            "titular": accion.en_nombre_de,
        }
    return name


def appearance_for(accion: AccionFirma) -> dict:
    """The ``appearance`` argument of ``firma.signing.sign`` for this action."""
    appearance = {"signer_name": _signer_name(accion.firmante)}
    if accion.modo in (ModoFirma.DELEGACION, ModoFirma.SUPLENCIA):
        appearance.update({"on_behalf_of": accion.en_nombre_de, "mode": accion.modo})
    return appearance


def _signature_box(index: int) -> tuple[int, int, int, int]:
    """Where the ``index``-th visible signature of a document goes on its first page.

    Two per row, rows stacked upwards from just above the CSV stamp, so parallel and
    sequential signatures never cover each other or the CSV.
    """
    x = 36 + (index % 2) * 272
    y = 66 + (index // 2) * 76
    return (x, y, x + 262, y + 70)


@transaction.atomic
def accion_sign_execute(*, accion_id: int) -> AccionFirma | None:
    """Sign every document of the request for a queued action; idempotent.

    An action that is not queued (already signed, rejected, annulled) is left alone; a
    document this action already signed is not signed again. The request row is locked while
    signing, so parallel signers of one step append their signatures one after the other.
    """
    from firma.keys import get_signer
    from firma.signing import sign

    accion = (
        AccionFirma.objects.select_for_update(of=("self",))
        .select_related("firmante", "paso")
        .filter(pk=accion_id)
        .first()
    )
    if accion is None or accion.estado != EstadoAccion.EN_COLA:
        return accion
    peticion = PeticionFirma.objects.select_for_update().get(pk=accion.paso.peticion_id)
    if peticion.estado != EstadoPeticion.EN_CURSO:
        return accion
    config = FirmanteConfig.objects.filter(user_id=accion.firmante_id).first()
    if config is None:
        raise ValidationError(_("El firmante no tiene configurado un certificado de firma."))
    signer = get_signer(config.keystore_name)
    leyenda = leyenda_for(accion)
    appearance = appearance_for(accion)
    for pd in peticion.documentos.select_related("borrador").order_by("orden", "pk"):
        if FirmaDocumento.objects.filter(accion=accion, documento=pd).exists():
            continue
        with pd.trabajo.open("rb") as fh:
            data = fh.read()
        result = sign(
            data,
            fmt="pades",
            signer=signer,
            reason=peticion.asunto,
            appearance={
                **appearance,
                "box": _signature_box(pd.firmas.count()),
                **({"role": config.cargo} if config.cargo else {}),
            },
        )
        old_name = pd.trabajo.name
        pd.trabajo.save(pd.borrador.name, ContentFile(result.data), save=False)
        pd.save(update_fields=["trabajo"])
        storage = pd.trabajo.storage
        transaction.on_commit(lambda name=old_name, st=storage: st.delete(name))
        FirmaDocumento.objects.create(
            accion=accion,
            documento=pd,
            signed_at=getattr(result, "signed_at", None) or timezone.now(),
            signer_subject=str(getattr(result, "signer_subject", "") or "")[:500],
            tipo_firma=str(getattr(result, "tipo_firma", "") or "")[:4],
            policy_oid=str(getattr(result, "policy_oid", "") or "")[:100],
            leyenda=leyenda[:500],
        )
    accion.estado = EstadoAccion.HECHA
    accion.done_at = timezone.now()
    accion.error = ""
    accion.save(update_fields=["estado", "done_at", "error"])
    _advance(accion.paso_id)
    logger.info("firma: accion %s signed", accion.pk)
    return accion


@transaction.atomic
def accion_sign_failed(*, accion_id: int, error: str) -> None:
    """Signing failed: the action goes back to the inbox with the error shown."""
    AccionFirma.objects.filter(pk=accion_id, estado=EstadoAccion.EN_COLA).update(
        estado=EstadoAccion.PENDIENTE, error=error[:2000]
    )


def acciones_requeue_stuck(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Sweep: re-enqueue queued signatures whose task the broker lost (idempotent task)."""
    from firma.tasks import accion_sign_task

    cutoff = timezone.now() - older_than
    ids = list(
        AccionFirma.objects.filter(
            estado=EstadoAccion.EN_COLA,
            paso__peticion__estado=EstadoPeticion.EN_CURSO,
            queued_at__lt=cutoff,
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        accion_sign_task.delay(pk)
    return len(ids)


def _notify_step(paso_id: int) -> None:
    """When a step opens, tell its people by e-mail (after the commit, never before)."""

    def send() -> None:
        acciones = AccionFirma.objects.filter(
            paso_id=paso_id, estado=EstadoAccion.PENDIENTE
        ).select_related("firmante", "paso__peticion")
        for accion in acciones:
            if not accion.firmante.email:
                continue
            peticion = accion.paso.peticion
            subject = _("Petición de firma pendiente: %(asunto)s") % {"asunto": peticion.asunto}
            body = "\n\n".join(
                [
                    _("Tiene una petición de firma pendiente: %(asunto)s.")
                    % {"asunto": peticion.asunto},
                    _("Acción pendiente: %(tipo)s") % {"tipo": accion.get_tipo_display()},
                    _("Puede hacerlo desde su bandeja del portafirmas: %(url)s")
                    % {"url": f"{settings.SITE_URL}/firma/portafirmas/"},
                ]
            )
            try:
                send_mail(subject, body, None, [accion.firmante.email])
            except OSError:  # the mail server is down: the inbox and reminders still work
                logger.exception("firma: could not notify action %s", accion.pk)

    transaction.on_commit(send)


# --- Deadlines and reminders ---------------------------------------------------------


def _hours_setting(name: str, default: int) -> timedelta:
    return timedelta(hours=int(getattr(settings, name, default)))


def recordatorios_send(*, now: datetime | None = None) -> int:
    """E-mail each signer whose pending action is near or past the request's deadline.

    A reminder goes out when the deadline is less than FIRMA_REMINDER_BEFORE_HOURS (24) away,
    or past, and at most once every FIRMA_REMINDER_EVERY_HOURS (24) for the same action.
    Returns how many reminders were sent.
    """
    now = now or timezone.now()
    before = _hours_setting("FIRMA_REMINDER_BEFORE_HOURS", 24)
    every = _hours_setting("FIRMA_REMINDER_EVERY_HOURS", 24)
    candidates = (
        acciones_actionable()
        .filter(paso__peticion__fecha_limite__isnull=False)
        .filter(paso__peticion__fecha_limite__lte=now + before)
        .filter(Q(last_reminder_at__isnull=True) | Q(last_reminder_at__lte=now - every))
        .select_related("firmante", "paso__peticion")
    )
    sent = 0
    for accion in candidates:
        # Claim the reminder with a conditional update, so two sweeps never both send it.
        claimed = (
            AccionFirma.objects.filter(pk=accion.pk, last_reminder_at=accion.last_reminder_at)
            .filter(estado=EstadoAccion.PENDIENTE)
            .update(last_reminder_at=now, reminders_sent=F("reminders_sent") + 1)
        )
        if not claimed or not accion.firmante.email:
            continue
        _send_reminder(accion, now=now)
        sent += 1
    return sent


def _send_reminder(accion: AccionFirma, *, now: datetime) -> None:
    peticion = accion.paso.peticion
    fecha = timezone.localtime(peticion.fecha_limite).strftime("%d/%m/%Y %H:%M")
    if peticion.fecha_limite <= now:
        subject = _("Petición de firma vencida: %(asunto)s") % {"asunto": peticion.asunto}
        intro = _("El plazo para actuar en esta petición de firma venció el %(fecha)s.")
    else:
        subject = _("Petición de firma a punto de vencer: %(asunto)s") % {"asunto": peticion.asunto}
        intro = _("El plazo para actuar en esta petición de firma vence el %(fecha)s.")
    body = "\n\n".join(
        [
            intro % {"fecha": fecha},
            _("Acción pendiente: %(tipo)s") % {"tipo": accion.get_tipo_display()},
            _("Puede hacerlo desde su bandeja del portafirmas: %(url)s")
            % {"url": f"{settings.SITE_URL}/firma/portafirmas/"},
        ]
    )
    send_mail(subject, body, None, [accion.firmante.email])
