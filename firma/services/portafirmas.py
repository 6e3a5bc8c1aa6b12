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
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
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
    FirmanteConfig,
    PasoFirma,
    PeticionDocumento,
    PeticionFirma,
)
from firma.selectors import acciones_actionable
from uploads import Limits, check_upload

from .avisos import _notify_step
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


def max_document_bytes() -> int:
    return int(getattr(settings, "FIRMA_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024))


def documento_spec_from_upload(
    *, nombre: str, data: bytes, declared_mime: str = ""
) -> DocumentoSpec:
    """A document someone uploads to a signature request (web or API), through the one upload
    policy: size, type by content (the type recorded is the one found), safe content (PDF
    active content, XML entities, polyglots …), the malware scanner. Raises
    ``uploads.UploadRefused`` with a message that says why."""
    checked = check_upload(
        nombre=nombre,
        data=data,
        declared_mime=declared_mime,
        limits=Limits.single(max_document_bytes()),
    )
    return DocumentoSpec(content=checked.data, name=checked.nombre, mime=checked.mime)


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
            from firma.stamping import StampingError, stamp_pdf

            code = csv_unique_code()
            try:
                stamped = stamp_pdf(
                    documento_read(version), code=csv_format(code), url=csv_verification_url(code)
                )
            except StampingError as exc:
                raise ValidationError(
                    _("%(name)s no es un PDF válido o está protegido.") % {"name": version.name}
                ) from exc
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
