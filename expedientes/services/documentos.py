"""ENI documents (DOC-1..5): capture, versions, membership in case files, authentic copies."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from calendario.days import MADRID

from ..constants import EstadoElaboracion, Origen, TipoDocumental
from ..models import (
    DocumentoENI,
    DocumentoVersionENI,
    Expediente,
    ExpedienteDocumento,
    documento_identificador,
)

# NombreFormato (DOC-5): the format's name in the Catálogo de estándares.
FORMATOS = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/xml": "XML",
    "text/xml": "XML",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "text/plain": "TXT",
}

# REG-12 (NTI-DIG IV.2): paper is digitised at 200 ppi or more.
MIN_PPI = 200


def nombre_formato(mime: str) -> str:
    return FORMATOS.get((mime or "").lower(), "OTROS")


def _version(
    documento: DocumentoENI,
    *,
    content: bytes | None,
    stored_name: str | None,
    sha256: str | None,
    size: int | None,
    mime: str,
    tipo_firma: str = "",
    csv: str = "",
    firma_version=None,
    note: str = "",
) -> DocumentoVersionENI:
    last = documento.versiones.aggregate(n=Max("numero"))["n"] or 0
    version = DocumentoVersionENI(
        documento=documento,
        numero=last + 1,
        mime=mime,
        nombre_formato=nombre_formato(mime),
        tipo_firma=tipo_firma,
        csv=csv,
        firma_version=firma_version,
        note=note[:255],
    )
    if content is not None:
        data = bytes(content)
        version.sha256 = hashlib.sha256(data).hexdigest()
        version.size = len(data)
        version.content.save(documento.nombre, ContentFile(data), save=False)
    else:
        # The bytes are already stored (registro's content-addressed blob or firma's
        # version): share them instead of copying.
        version.content.name = stored_name
        version.sha256 = sha256
        version.size = size
    version.save()
    documento.actual = version
    documento.save(update_fields=["actual"])
    return version


@transaction.atomic
def documento_capture(
    *,
    nombre: str,
    mime: str,
    organo: str,
    origen: str,
    tipo_documental: str,
    content: bytes | None = None,
    stored_name: str | None = None,
    sha256: str | None = None,
    size: int | None = None,
    estado_elaboracion: str = EstadoElaboracion.ORIGINAL,
    identificador_origen: str = "",
    fecha_captura=None,
    created_by=None,
    asiento_documento_id: int | None = None,
    tipo_firma: str = "",
    csv: str = "",
    firma_version=None,
) -> DocumentoENI:
    """Capture a document with its ENI metadata and first version (DOC-1..5).

    Give either ``content`` (bytes, stored now) or ``stored_name`` + ``sha256`` + ``size``
    (bytes already in the storage backend). Copies (EE02..EE04) must name the original.
    """
    if estado_elaboracion not in EstadoElaboracion.values:
        raise ValidationError(_("Estado de elaboración no válido."))
    if tipo_documental not in TipoDocumental.values:
        raise ValidationError(_("Tipo documental no válido."))
    if origen not in Origen.values:
        raise ValidationError(_("Origen no válido."))
    if (
        estado_elaboracion
        in (EstadoElaboracion.COPIA_CAMBIO_FORMATO, EstadoElaboracion.COPIA_PARCIAL)
        and not identificador_origen
    ):
        raise ValidationError(
            _("Una copia debe indicar el identificador del documento original (NTI-COP).")
        )
    if content is None and not (stored_name and sha256 and size is not None):
        raise ValidationError(_("El documento no tiene contenido."))
    fecha = fecha_captura or timezone.now()
    documento = DocumentoENI.objects.create(
        organo=organo,
        fecha_captura=fecha,
        origen=origen,
        estado_elaboracion=estado_elaboracion,
        identificador_origen=identificador_origen,
        tipo_documental=tipo_documental,
        nombre=(nombre or "documento")[:255],
        asiento_documento_id=asiento_documento_id,
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )
    documento.identificador = documento_identificador(
        dir3=organo, year=timezone.localtime(fecha, MADRID).year, pk=documento.pk
    )
    documento.save(update_fields=["identificador"])
    _version(
        documento,
        content=content,
        stored_name=stored_name,
        sha256=sha256,
        size=size,
        mime=mime,
        tipo_firma=tipo_firma,
        csv=csv,
        firma_version=firma_version,
    )
    return documento


@transaction.atomic
def documento_version_add(
    *,
    documento: DocumentoENI,
    content: bytes | None = None,
    firma_version=None,
    mime: str | None = None,
    tipo_firma: str = "",
    note: str = "",
) -> DocumentoVersionENI:
    """A new version of ``documento`` (its metadata stay). From bytes, or from a firma version
    (a document signed in the portafirmas keeps its CSV and TipoFirma)."""
    documento = DocumentoENI.objects.select_for_update().get(pk=documento.pk)
    if firma_version is not None:
        return _version(
            documento,
            content=None,
            stored_name=firma_version.content.name,
            sha256=firma_version.sha256,
            size=firma_version.size,
            mime=firma_version.mime,
            tipo_firma=firma_version.tipo_firma or tipo_firma,
            csv=firma_version.csv,
            firma_version=firma_version,
            note=note,
        )
    if content is None:
        raise ValidationError(_("El documento no tiene contenido."))
    return _version(
        documento,
        content=content,
        stored_name=None,
        sha256=None,
        size=None,
        mime=mime or documento.actual.mime,
        tipo_firma=tipo_firma,
        note=note,
    )


@transaction.atomic
def documento_metadata_correct(*, documento: DocumentoENI, actor, motivo: str, **changes):
    """DOC-1: metadata change only to correct an error; the old values and why are kept."""
    allowed = {"tipo_documental", "organo", "estado_elaboracion", "identificador_origen", "nombre"}
    if not (motivo or "").strip():
        raise ValidationError(_("Indique qué error se corrige."))
    if not changes or set(changes) - allowed:
        raise ValidationError(_("Solo se pueden corregir: %(f)s.") % {"f": ", ".join(allowed)})
    documento = DocumentoENI.objects.select_for_update().get(pk=documento.pk)
    before = {k: getattr(documento, k) for k in changes}
    for key, value in changes.items():
        setattr(documento, key, value)
    documento.correcciones = [
        *documento.correcciones,
        {
            "at": timezone.now().isoformat(),
            "by": getattr(actor, "pk", None),
            "antes": before,
            "motivo": motivo.strip()[:500],
        },
    ]
    documento.save(update_fields=[*changes, "correcciones"])
    return documento


def documento_link(
    *,
    expediente: Expediente,
    documento: DocumentoENI,
    visible_ciudadano: bool = True,
    at=None,
) -> ExpedienteDocumento:
    """Add ``documento`` at the end of the file's index (the caller holds the file's lock).
    A document already in the file is not added twice (EXP-4: it may be in several files)."""
    existing = ExpedienteDocumento.objects.filter(
        expediente=expediente, documento=documento
    ).first()
    if existing is not None:
        return existing
    last = expediente.documentos.aggregate(n=Max("orden"))["n"] or 0
    return ExpedienteDocumento.objects.create(
        expediente=expediente,
        documento=documento,
        orden=last + 1,
        incorporated_at=at or timezone.now(),
        visible_ciudadano=visible_ciudadano,
    )


@transaction.atomic
def documento_copia_papel(
    *,
    content: bytes,
    nombre: str,
    organo: str,
    resolution_ppi: int,
    created_by,
    tipo_documental: str = TipoDocumental.OTROS,
    identificador_origen: str = "",
) -> DocumentoENI:
    """An authentic electronic copy of a paper document (EE03, REG-12, DOC-5): the scanned
    PDF gets a CSV stamped on every page and the council's seal (firma), and is captured as
    a new document showing the copy metadata."""
    from firma.services import csv_issue

    if resolution_ppi < MIN_PPI:
        raise ValidationError(
            _("La digitalización debe tener al menos %(ppi)s ppp (NTI-DIG).") % {"ppi": MIN_PPI}
        )
    if not bytes(content[:5]) == b"%PDF-":
        raise ValidationError(_("La copia auténtica se emite a partir de un PDF."))
    version = csv_issue(
        content=bytes(content),
        name=nombre,
        mime="application/pdf",
        stamp=True,
        seal=True,
        note=_("Copia auténtica de documento en papel (%(ppi)s ppp)") % {"ppi": resolution_ppi},
    )
    return documento_capture(
        nombre=nombre,
        mime="application/pdf",
        organo=organo,
        origen=Origen.ADMINISTRACION,
        tipo_documental=tipo_documental,
        stored_name=version.content.name,
        sha256=version.sha256,
        size=version.size,
        estado_elaboracion=EstadoElaboracion.COPIA_PAPEL,
        identificador_origen=identificador_origen,
        created_by=created_by,
        tipo_firma=version.tipo_firma,
        csv=version.csv,
        firma_version=version,
    )
