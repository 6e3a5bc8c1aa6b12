"""Opening a case file from a registry entry, and attaching later entries to it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calendario.days import MADRID
from identidad.services import audit_record
from procedimientos.text import normalize

from ..constants import (
    EstadoElaboracion,
    EstadoExpediente,
    Fase,
    Origen,
    RolParte,
    TipoDocumental,
    TipoEntrada,
    TipoEvento,
)
from ..models import (
    Expediente,
    ExpedienteAsiento,
    ExpedienteParte,
    FlujoTramitacion,
    expediente_identificador,
)
from . import plazos
from ._common import event, lock
from .documentos import documento_capture, documento_link

_TIPO_DOCUMENTAL_ANEXO = {"01": TipoDocumental.SOLICITUD}


def flujo_for(procedimiento) -> FlujoTramitacion:
    """The procedure's workflow, or the default one."""
    flujo = FlujoTramitacion.objects.filter(procedimiento=procedimiento).first()
    if flujo is None:
        flujo = FlujoTramitacion.objects.filter(procedimiento__isnull=True).first()
    if flujo is None:
        flujo = FlujoTramitacion.objects.create(procedimiento=None)
    return flujo


def search_text_for(expediente: Expediente, partes, numeros=()) -> str:
    bits = [expediente.identificador or "", expediente.asunto, *numeros]
    for parte in partes:
        bits += [parte.nif, parte.nombre]
    return normalize(" ".join(bits))


def _capture_entry_documents(expediente: Expediente, asiento, *, visible: bool = True) -> list:
    documentos = []
    for doc in asiento.documentos.all():
        # Paper digitised at the desk: an authentic copy the council issued (EE03, REG-12).
        copia_papel = bool(doc.csv) and doc.validez == "02"
        documento = documento_capture(
            nombre=doc.nombre,
            mime=doc.mime,
            organo=expediente.unidad.dir3,
            origen=Origen.ADMINISTRACION if copia_papel else Origen.CIUDADANO,
            estado_elaboracion=(
                EstadoElaboracion.COPIA_PAPEL if copia_papel else EstadoElaboracion.ORIGINAL
            ),
            csv=doc.csv if copia_papel else "",
            tipo_documental=_TIPO_DOCUMENTAL_ANEXO.get(doc.tipo_anexo, TipoDocumental.OTROS),
            stored_name=doc.file.name,
            sha256=doc.sha256,
            size=doc.size,
            fecha_captura=asiento.presented_at,
            asiento_documento_id=doc.pk,
        )
        documento_link(
            expediente=expediente,
            documento=documento,
            visible_ciudadano=visible,
            at=asiento.presented_at,
        )
        documentos.append(documento)
    return documentos


@transaction.atomic
def expediente_open_from_asiento(*, asiento, procedimiento=None, opened_by=None):
    """Open the case file of a registry entry (design.md main flow, step 6).

    Called by the sede right after a filing is registered (``procedimiento`` from the entry)
    and by staff for a desk entry (they choose the procedure when the entry has none).
    Idempotent: an entry opens at most one file. Returns None when there is no procedure.
    """
    existing = Expediente.objects.filter(asiento_origen=asiento).first()
    if existing is not None:
        return existing
    procedimiento = procedimiento or asiento.procedimiento
    if procedimiento is None:
        return None
    if asiento.direction != "E":
        raise ValidationError(_("Solo una entrada del registro puede abrir un expediente."))
    unidad = asiento.unidad_destino or procedimiento.unit
    now = timezone.now()
    flujo = flujo_for(procedimiento)
    first_phase = flujo.codes[0] if flujo.codes else Fase.INICIACION
    try:
        with transaction.atomic():
            expediente = Expediente.objects.create(
                year=timezone.localtime(now, MADRID).year,
                procedimiento=procedimiento,
                unidad=unidad,
                flujo=flujo,
                asunto=(asiento.resumen or procedimiento.title_es)[:300],
                asiento_origen=asiento,
                opened_at=now,
                opened_by=opened_by if getattr(opened_by, "is_authenticated", False) else None,
                estado=EstadoExpediente.ABIERTO,
                fase=first_phase,
                representacion_id=asiento.representacion_id,
                representacion=asiento.representacion or {},
                plazo_inicio=asiento.effective_at,
                plazo_valor=procedimiento.max_term_value,
                plazo_unidad=procedimiento.max_term_unit,
                efecto_silencio=procedimiento.silence_effect,
            )
    except IntegrityError:
        # Another process opened it at the same time (unique asiento_origen): use theirs.
        return Expediente.objects.get(asiento_origen=asiento)
    expediente.identificador = expediente_identificador(
        dir3=unidad.dir3, year=expediente.year, pk=expediente.pk
    )
    partes = [
        ExpedienteParte(
            expediente=expediente,
            interesado_id=p.interesado_id,
            rol=RolParte.REPRESENTANTE if p.rol == "representante" else RolParte.INTERESADO,
            nif=p.nif,
            nombre=p.nombre,
            orden=p.orden,
        )
        for p in asiento.partes.all()
    ]
    ExpedienteParte.objects.bulk_create(partes, ignore_conflicts=True)
    ExpedienteAsiento.objects.create(
        expediente=expediente, asiento=asiento, tipo=TipoEntrada.INICIO, attached_at=now
    )
    _capture_entry_documents(expediente, asiento)
    expediente.search_text = search_text_for(expediente, partes, [asiento.numero])
    plazos.recompute(expediente)
    expediente.save()
    event(
        expediente,
        TipoEvento.APERTURA,
        _("Expediente abierto a partir del asiento %(numero)s.") % {"numero": asiento.numero},
        actor=opened_by,
        visible=True,
        at=now,
    )
    audit_record(
        actor=opened_by,
        action="expedientes.expediente.open",
        obj=expediente,
        detail={"asiento": asiento.numero, "identificador": expediente.identificador},
    )
    return expediente


@transaction.atomic
def expediente_attach_asiento(*, expediente: Expediente, asiento, tipo: str, actor=None):
    """Attach a later registry entry to the file (documents added, answers, allegations,
    appeals) and capture its documents. Answering a request goes through
    ``requerimiento_answer``, which calls this."""
    if tipo not in TipoEntrada.values or tipo == TipoEntrada.INICIO:
        raise ValidationError(_("Tipo de entrada no válido."))
    expediente = lock(expediente)
    if ExpedienteAsiento.objects.filter(expediente=expediente, asiento=asiento).exists():
        return expediente
    if expediente.estado != EstadoExpediente.ABIERTO and tipo != TipoEntrada.RECURSO:
        from ._common import require_open

        require_open(expediente)
    ExpedienteAsiento.objects.create(
        expediente=expediente, asiento=asiento, tipo=tipo, attached_at=timezone.now()
    )
    _capture_entry_documents(expediente, asiento)
    expediente.search_text = f"{expediente.search_text} {normalize(asiento.numero)}"
    expediente.version += 1
    expediente.save(update_fields=["search_text", "version", "updated_at"])
    event(
        expediente,
        TipoEvento.ENTRADA,
        _("Entrada %(numero)s: %(tipo)s.")
        % {"numero": asiento.numero, "tipo": TipoEntrada(tipo).label},
        actor=actor,
        visible=True,
    )
    return expediente
