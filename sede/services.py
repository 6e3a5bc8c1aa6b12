"""Every write of the filing flow: drafts, attachments, signature and submission.

``borrador_submit`` makes ONE registry entry per draft (idempotent: the draft's key is the
registry's idempotency key), with the application PDF (TD14) and the attachments.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from identidad.constants import NivelGarantia
from identidad.models import Interesado, Unidad, User
from identidad.services import audit_record
from uploads import CheckedUpload, Limits, check_upload

from .constants import EstadoBorrador, MetodoFirma
from .filing import prefill
from .filing.adapters import oficina_sede
from .filing.documento import TIPO_DOCUMENTAL, render_solicitud_pdf, solicitud_filename
from .filing.engine import Definition
from .filing.expediente import (
    expediente_enqueue,
    expedientes_pendientes_sweep,
    presentacion_expediente_open,
)
from .filing.refusals import FilingRefused
from .filing.signature import check_signed_solicitud, seal
from .models import Adjunto, Borrador, Presentacion
from .pagos_flow import justificante_documento, pago_for_submission
from .selectors import borrador_errors, definition_of, slot_names

logger = logging.getLogger(__name__)

__all__ = [
    "FilingRefused",
    "Upload",
    "adjunto_add",
    "adjunto_remove",
    "borrador_delete",
    "borrador_errors",
    "borrador_prefill",
    "borrador_save",
    "borrador_start",
    "borrador_submit",
    "borradores_expire",
    "definition_of",
    "expedientes_pendientes_sweep",
    "oficina_sede",
    "presentacion_expediente_open",
    "slot_names",
    "solicitud_filename",
    "solicitud_prepare",
]


def _expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=int(settings.SEDE_DRAFT_EXPIRY_DAYS))


def own_interesado(user: User) -> Interesado | None:
    from apoderamientos.decision import person_interesado

    return person_interesado(user)


# --- Drafts ------------------------------------------------------------------------------


@transaction.atomic
def borrador_start(
    *,
    user: User,
    procedimiento,
    formulario,
    on_behalf_of: Interesado | None = None,
    oficina=None,
) -> Borrador:
    """Open a draft, prefilled from its sources (sede.filing.prefill). Acting for someone else needs
    a power that covers this procedure, or — with ``oficina`` — an authorised official's
    registration and the citizen's consent of today (apoderamientos decides either way)."""
    if oficina is not None and on_behalf_of is None:
        raise FilingRefused(_("Indique la persona en cuyo nombre presenta la solicitud."))
    own = own_interesado(user)
    if on_behalf_of is not None and own is not None and on_behalf_of.pk == own.pk:
        on_behalf_of = None
    if on_behalf_of is not None:
        from apoderamientos.decision import can_act

        decision = can_act(person=user, interesado=on_behalf_of, procedimiento=procedimiento)
        if not decision.allowed:
            raise FilingRefused(str(decision.reason))
    definition = Definition(formulario.schema, formulario.layout)
    # The prefill sources (sede.fuentes): the interesado's data, never the agent's; at an
    # office (assisted filing) the citizen's, never the official's.
    data, records = prefill.initial(
        definition,
        prefill.Contexto(
            person=None if oficina is not None else user,
            interesado=on_behalf_of or own,
            procedimiento=procedimiento,
        ),
    )
    borrador = Borrador.objects.create(
        user=user,
        procedimiento=procedimiento,
        formulario=formulario,
        on_behalf_of=on_behalf_of,
        oficina=oficina,
        data=data,
        prefill=records,
        current_step=definition.steps[0].id,
        idempotency_key=f"sede-{uuid.uuid4()}",
        expires_at=_expiry(),
    )
    audit_record(
        actor=user,
        action="sede.borrador.start",
        obj=borrador,
        detail={"oficina": oficina.code} if oficina is not None else None,
    )
    return borrador


def _forget_solicitud(borrador: Borrador) -> None:
    if borrador.solicitud_file:
        default_storage.delete(borrador.solicitud_file)
    borrador.solicitud_file = ""
    borrador.solicitud_sha256 = ""


@transaction.atomic
def borrador_save(*, borrador: Borrador, data: dict, step_id: str) -> Borrador:
    """Save the answers so far (every step saves; expiry counts from the last change)."""
    if borrador.estado != EstadoBorrador.BORRADOR:
        raise FilingRefused(_("Esta solicitud ya se ha presentado y no se puede cambiar."))
    # A read-only prefilled value stays as its source gave it, whatever was posted.
    data = prefill.enforce(definition_of(borrador), borrador.prefill or {}, data)
    if data != borrador.data:
        _forget_solicitud(borrador)
    borrador.data = data
    borrador.current_step = step_id
    borrador.expires_at = _expiry()
    borrador.save()
    return borrador


@transaction.atomic
def borrador_prefill(*, borrador: Borrador, pointers: list[str]) -> Borrador:
    """Ask the sources again for the prefilled fields among ``pointers`` still empty (a step
    about to be shown); saves only when something was filled."""
    if borrador.estado != EstadoBorrador.BORRADOR:
        return borrador
    data = copy.deepcopy(borrador.data)
    records = dict(borrador.prefill or {})
    ctx = prefill.contexto_of(borrador)
    if prefill.fill(definition_of(borrador), ctx, data, records, only=pointers):
        borrador.data = data
        borrador.prefill = records
        borrador.save(update_fields=["data", "prefill", "updated_at"])
    return borrador


@transaction.atomic
def borrador_delete(*, borrador: Borrador, actor: User | None = None) -> None:
    if borrador.estado != EstadoBorrador.BORRADOR:
        raise FilingRefused(_("Una solicitud presentada no se puede eliminar."))
    files = list(borrador.adjuntos.values_list("file", flat=True))
    solicitud = borrador.solicitud_file
    audit_record(actor=actor, action="sede.borrador.delete", obj=borrador)
    borrador.delete()
    transaction.on_commit(lambda: [default_storage.delete(n) for n in [*files, solicitud] if n])


@transaction.atomic
def borradores_expire(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Delete drafts not touched for SEDE_DRAFT_EXPIRY_DAYS (beat task). Returns how many."""
    now = now or timezone.now()
    expired = list(
        Borrador.objects.filter(estado=EstadoBorrador.BORRADOR, expires_at__lt=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not expired:
        return 0
    files = list(Adjunto.objects.filter(borrador_id__in=expired).values_list("file", flat=True))
    files += [
        f
        for f in Borrador.objects.filter(pk__in=expired).values_list("solicitud_file", flat=True)
        if f
    ]
    Borrador.objects.filter(pk__in=expired).delete()
    transaction.on_commit(lambda: [default_storage.delete(n) for n in files])
    return len(expired)


# --- Attachments -------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    nombre: str
    data: bytes
    mime: str = ""  # what the browser declared: checked against the content, never trusted


@transaction.atomic
def adjunto_add(
    *, borrador: Borrador, upload: Upload, slot: str = "", description: str = ""
) -> Adjunto:
    """Check (size, type by content, malware), hash and store one attachment.

    A file for a required-document slot replaces the one there before."""
    if borrador.estado != EstadoBorrador.BORRADOR:
        raise FilingRefused(_("Esta solicitud ya se ha presentado y no se puede cambiar."))
    slots = {str(i) for i in range(len(borrador.procedimiento.required_documents or []))}
    if slot and slot not in slots:
        raise FilingRefused(_("Ese documento no lo pide este trámite."))
    existing = list(borrador.adjuntos.exclude(slot__in=[slot] if slot else []))
    checked: CheckedUpload = check_upload(
        nombre=upload.nombre,
        data=upload.data,
        declared_mime=upload.mime,
        limits=Limits.sede(),
        already_count=len(existing),
        already_bytes=sum(a.size for a in existing),
    )
    if slot:
        for old in borrador.adjuntos.filter(slot=slot):
            default_storage.delete(old.file)
            old.delete()
    name = default_storage.save(
        f"sede/adjuntos/{borrador.public_id}/{checked.sha256}", ContentFile(checked.data)
    )
    adjunto = Adjunto.objects.create(
        borrador=borrador,
        slot=slot,
        description=(description or "").strip()[:200],
        nombre=checked.nombre,
        mime=checked.mime,
        size=len(checked.data),
        sha256=checked.sha256,
        file=name,
    )
    _forget_solicitud(borrador)
    borrador.expires_at = _expiry()
    borrador.save()
    return adjunto


@transaction.atomic
def adjunto_remove(*, borrador: Borrador, adjunto_id: int) -> None:
    if borrador.estado != EstadoBorrador.BORRADOR:
        raise FilingRefused(_("Esta solicitud ya se ha presentado y no se puede cambiar."))
    adjunto = borrador.adjuntos.get(pk=adjunto_id)  # DoesNotExist → 404 in the view
    name = adjunto.file
    adjunto.delete()
    _forget_solicitud(borrador)
    borrador.save()
    transaction.on_commit(lambda: default_storage.delete(name))


# --- Validation of the whole application ------------------------------------------------


def _render(borrador: Borrador, firma: dict | None = None, adjuntos: list | None = None) -> bytes:
    return render_solicitud_pdf(
        borrador=borrador,
        definition=definition_of(borrador),
        adjuntos=list(borrador.adjuntos.all()) if adjuntos is None else adjuntos,
        firma=firma,
    )


@transaction.atomic
def solicitud_prepare(*, borrador: Borrador) -> bytes:
    """The application PDF the citizen downloads to sign with their own certificate
    (path b). Rendered once and kept, so that the bytes signed are the bytes checked."""
    if borrador.solicitud_file and default_storage.exists(borrador.solicitud_file):
        with default_storage.open(borrador.solicitud_file, "rb") as fh:
            return fh.read()
    pdf = _render(borrador)
    digest = hashlib.sha256(pdf).hexdigest()
    borrador.solicitud_file = default_storage.save(
        f"sede/solicitudes/{borrador.public_id}/{digest}.pdf", ContentFile(pdf)
    )
    borrador.solicitud_sha256 = digest
    borrador.save(update_fields=["solicitud_file", "solicitud_sha256", "updated_at"])
    return pdf


def borrador_submit(
    *,
    borrador: Borrador,
    user: User,
    language: str,
    session_level: int,
    session_method: str = "",
    firma_method: str = MetodoFirma.NINGUNA,
    signed_pdf: bytes | None = None,
) -> Presentacion:
    """Register the application: ONE entry (a second call returns the first result)."""
    from apoderamientos.exceptions import RepresentacionDenegada
    from apoderamientos.services import representation_record
    from registro.constants import Canal, Direccion, TipoAnexo
    from registro.services import DocumentoNuevo, asiento_register

    with transaction.atomic():
        # The draft locked, with what the submission reads of it in the same query (the row
        # alone is locked: ``of`` also allows the nullable ``on_behalf_of`` join).
        borrador = (
            Borrador.objects.select_related("procedimiento__unit", "formulario", "on_behalf_of")
            .select_for_update(of=("self",))
            .get(pk=borrador.pk)
        )
        if borrador.estado == EstadoBorrador.PRESENTADO:
            return borrador.presentacion
        if borrador.user_id != user.pk:
            raise FilingRefused(_("Este borrador no es suyo."))
        procedimiento = borrador.procedimiento
        asistida = borrador.asistida
        # Assisted filing: the official checked the identity document in person (HAB-2).
        if not asistida and session_level < procedimiento.min_identification_level:
            raise FilingRefused(
                _("Este trámite exige un nivel de identificación %(nivel)s o superior.")
                % {"nivel": NivelGarantia(procedimiento.min_identification_level).label.lower()}
            )
        errors = borrador_errors(borrador, language)
        if errors:
            raise FilingRefused(_("La solicitud tiene datos que corregir."), errors)
        # The fee, when the procedure charges one: paid by a verified notification.
        pago = pago_for_submission(borrador)
        own = own_interesado(user)
        if own is None and not asistida:
            raise FilingRefused(_("No consta su NIF: identifíquese de nuevo."))
        interesado = borrador.on_behalf_of or own
        declared_nif = (borrador.data.get("solicitante") or {}).get("nif")
        if declared_nif and declared_nif != interesado.nif:
            raise FilingRefused(
                _(
                    "El NIF de la persona solicitante (%(nif)s) no es el suyo ni el de alguien "
                    "a quien represente en este trámite."
                )
                % {"nif": declared_nif}
            )
        representacion = None
        if borrador.on_behalf_of is not None:
            try:
                representacion = representation_record(
                    person=user, interesado=interesado, procedimiento=procedimiento
                )
            except RepresentacionDenegada as exc:
                raise FilingRefused(str(exc.decision.reason)) from exc

        adjuntos = list(borrador.adjuntos.all())  # listed in the PDF, then registered
        # CAT-5: the signature, when the procedure requires one.
        firma_detail: dict = {}
        if procedimiento.signature_required:
            if asistida:
                # HAB-2: the official signs for the citizen with their own identification;
                # the council seals the application stating who signed and on what ground.
                firma_method = MetodoFirma.HABILITADO
                firma_detail = {
                    "signer_name": user.get_full_name() or user.get_username(),
                    "signer_username": user.get_username(),
                    "method": session_method,
                    "habilitado": True,
                    "on_behalf_of": interesado.nif,
                    "consentimiento": representacion.consentimiento_id if representacion else None,
                    "at": timezone.now().isoformat(),
                }
                solicitud = seal(_render(borrador, firma_detail, adjuntos))
            elif firma_method == MetodoFirma.CLAVE_CONCERTADA:
                minimum = int(settings.SEDE_SIGNATURE_MIN_LEVEL)
                if session_level < minimum:
                    raise FilingRefused(
                        _(
                            "Para firmar con su identificación necesita un nivel %(nivel)s o "
                            "superior. Identifíquese con Giltza, Cl@ve o certificado, o firme "
                            "con su certificado."
                        )
                        % {"nivel": NivelGarantia(minimum).label.lower()}
                    )
                firma_detail = {
                    "signer_nif": user.nif,
                    "signer_name": user.full_name if hasattr(user, "full_name") else str(user),
                    "method": session_method,
                    "level": session_level,
                    "at": timezone.now().isoformat(),
                }
                solicitud = seal(_render(borrador, firma_detail, adjuntos))
            elif firma_method == MetodoFirma.CERTIFICADO and signed_pdf is not None:
                firma_detail = check_signed_solicitud(
                    borrador=borrador, user=user, signed=signed_pdf
                )
                solicitud = signed_pdf
            else:
                raise FilingRefused(_("Este trámite exige firmar la solicitud."))
        else:
            firma_method = MetodoFirma.NINGUNA
            solicitud = _render(borrador, adjuntos=adjuntos)

        data = borrador.data
        asunto = str(data.get("asunto") or "").strip()
        resumen = procedimiento.title_es + (f": {asunto}" if asunto else "")
        destino = procedimiento.unit
        if data.get("unidad_destino"):
            destino = Unidad.objects.filter(dir3=data["unidad_destino"]).first() or destino
        documentos = [
            DocumentoNuevo(
                nombre=solicitud_filename(borrador),
                content=solicitud,
                mime="application/pdf",
                tipo_anexo=TipoAnexo.FORMULARIO,
            )
        ]
        for adjunto in adjuntos:
            with default_storage.open(adjunto.file, "rb") as fh:
                documentos.append(
                    DocumentoNuevo(nombre=adjunto.nombre, content=fh.read(), mime=adjunto.mime)
                )
        if pago is not None:  # the payment proof travels with the application
            documentos.append(justificante_documento(pago, language))
        # The submission's bookkeeping (the submission row, the draft's state, the audit
        # row) is written in the registering transaction BEFORE the number is taken, and the
        # case file is opened AFTER the commit: the registry's counter lock then covers only
        # the counter and the entry (issue 10). ``submitted_at`` is the instant the sede
        # accepted the filing; the legal presentation instant is the entry's (REG-3).
        written: dict = {}

        def bookkeeping(asiento) -> None:
            presentacion = Presentacion.objects.create(
                borrador=borrador,
                user=user,
                interesado=interesado,
                procedimiento=procedimiento,
                asiento=asiento,
                submitted_at=asiento.presented_at,
                firma_method=firma_method,
                firma_detail={**firma_detail, "tipo_documental": TIPO_DOCUMENTAL},
                expediente_pendiente=True,
            )
            borrador.estado = EstadoBorrador.PRESENTADO
            borrador.save(update_fields=["estado", "updated_at"])
            audit_record(
                actor=user,
                action="sede.presentacion.submit",
                obj=presentacion,
                detail={"asiento_id": asiento.pk, "firma": firma_method},
            )
            written["presentacion"] = presentacion

        try:
            asiento = asiento_register(
                direction=Direccion.ENTRADA,
                oficina=borrador.oficina if asistida else oficina_sede(),
                canal=Canal.PRESENCIAL if asistida else Canal.SEDE,
                interesados=[interesado],
                representante=(own if borrador.on_behalf_of is not None and not asistida else None),
                representacion=representacion,
                resumen=resumen[:240],
                unidad_destino=destino,
                expone=str(data.get("expone") or "")[:4000],
                solicita=str(data.get("solicita") or "")[:4000],
                procedimiento=procedimiento,
                # The instancia general's form used for another procedure is not that
                # procedure's form: the registry records the procedure only.
                formulario=(
                    borrador.formulario
                    if borrador.formulario.procedimiento_id == procedimiento.pk
                    else None
                ),
                documentos=documentos,
                idioma=language,
                registrado_por=user,
                idempotency_key=borrador.idempotency_key,
                before_number=bookkeeping,
            )
        except ValidationError as exc:
            raise FilingRefused(" ".join(exc.messages)) from exc
        presentacion = written.get("presentacion")
        if presentacion is None or presentacion.asiento_id != asiento.pk:
            # The registry answered with an entry registered earlier under this draft's
            # idempotency key (our own writes were rolled back with the savepoint).
            presentacion = Presentacion.objects.get(asiento=asiento)
        presentacion.asiento = asiento
        if presentacion.expediente_pendiente:
            # Design.md step 6, after the commit (sede/filing/expediente.py): the entry
            # stays registered whatever happens there; the sweep opens what is left.
            presentacion_id = presentacion.pk
            transaction.on_commit(lambda: expediente_enqueue(presentacion_id=presentacion_id))
    committed = not transaction.get_connection().in_atomic_block
    if presentacion.expediente_pendiente and committed and settings.CELERY_TASK_ALWAYS_EAGER:
        # Eager (the demo): the case file was opened at the commit just now.
        presentacion.refresh_from_db(fields=["expediente_ref", "expediente_pendiente"])
    return presentacion
