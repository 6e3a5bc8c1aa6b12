"""The electronic index (EXP-2, EXP-3): SHA-256 of every document in order, sealed with the
council's seal when the file is closed or sent; a verification that names altered documents."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import eni
from ..constants import TipoEvento
from ..models import DocumentoVersionENI, Expediente, IndiceElectronico
from ._common import event


def _read(version: DocumentoVersionENI) -> bytes:
    with version.content.open("rb") as fh:
        return fh.read()


def _entries(expediente: Expediente) -> list[dict]:
    entries = []
    members = expediente.documentos.select_related("documento__actual").order_by("orden")
    for m in members:
        version = m.documento.actual
        digest = hashlib.sha256(_read(version)).hexdigest()
        if digest != version.sha256:
            raise ValidationError(
                _(
                    "El contenido del documento %(id)s (%(nombre)s) no coincide con su huella "
                    "registrada: no se puede indizar un documento alterado."
                )
                % {"id": m.documento.identificador, "nombre": m.documento.nombre}
            )
        entries.append(
            {
                "identificador": m.documento.identificador,
                "nombre": m.documento.nombre,
                "huella": eni.huella_b64(digest),
                "orden": m.orden,
                "incorporado": eni.xml_datetime(m.incorporated_at),
                "version": version.pk,
            }
        )
    return entries


def _seal(data: bytes) -> tuple[str, str]:
    """CAdES detached signature (TF04) with the council seal over ``data``."""
    from firma.keys import get_signer
    from firma.signing import sign

    result = sign(data, fmt="cades-detached", signer=get_signer("sello"))
    return base64.b64encode(result.data).decode(), result.tipo_firma


def indice_build(*, expediente: Expediente, motivo: str) -> IndiceElectronico:
    """Build and seal the index of ``expediente`` (the caller holds the file's lock)."""
    now = timezone.now()
    entries = _entries(expediente)
    contenido = eni.indice_contenido(fecha=now, entradas=entries)
    firma_b64, tipo_firma = _seal(eni.canonical(contenido))
    root = eni.indice_xml(contenido, firma_b64=firma_b64, tipo_firma=tipo_firma)
    indice = IndiceElectronico.objects.create(
        expediente=expediente,
        motivo=motivo,
        created_at=now,
        entradas=entries,
        xml_sellado=eni.tostring(root),
        tipo_firma=tipo_firma,
    )
    event(
        expediente,
        TipoEvento.INDICE,
        _("Índice electrónico sellado (%(n)s documentos).") % {"n": len(entries)},
        at=now,
    )
    return indice


@dataclass
class Alteracion:
    identificador: str
    nombre: str
    motivo: str


@dataclass
class VerificacionIndice:
    firma_result: str
    firma_summary: str
    alteraciones: list[Alteracion] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        from firma.validation import INVALID

        return self.firma_result != INVALID and not self.alteraciones


def indice_verify(indice: IndiceElectronico) -> VerificacionIndice:
    """Check the seal over the index and every indexed document's current bytes against its
    digest; name every document that was altered, removed or added since (EXP-3)."""
    from firma.validation import validate

    root = eni.parse(bytes(indice.xml_sellado))
    contenido = root.find(eni._q("eniexpind", "IndiceContenido"))
    firma_b64 = root.findtext(f".//{eni._q('enids', 'FirmaBase64')}") or ""
    report = validate(base64.b64decode(firma_b64), detached_content=eni.canonical(contenido))
    result = VerificacionIndice(firma_result=report.result, firma_summary=report.summary)

    indexed = {}
    for doc in contenido.findall(eni._q("eniconexpind", "DocumentoIndizado")):
        ident = doc.findtext(eni._q("eniconexpind", "IdentificadorDocumento"))
        indexed[ident] = doc.findtext(eni._q("eniconexpind", "ValorHuella"))
    members = {
        m.documento.identificador: m.documento
        for m in indice.expediente.documentos.select_related("documento__actual")
    }
    versions = {e["identificador"]: e.get("version") for e in indice.entradas}
    for ident, huella in indexed.items():
        documento = members.get(ident)
        if documento is None:
            result.alteraciones.append(Alteracion(ident, "", _("ya no forma parte del expediente")))
            continue
        version = DocumentoVersionENI.objects.filter(pk=versions.get(ident)).first()
        version = version or documento.actual
        try:
            digest = hashlib.sha256(_read(version)).hexdigest()
        except (FileNotFoundError, OSError):
            result.alteraciones.append(
                Alteracion(ident, documento.nombre, _("su contenido no está disponible"))
            )
            continue
        if eni.huella_b64(digest) != huella:
            result.alteraciones.append(
                Alteracion(ident, documento.nombre, _("su contenido ha sido modificado"))
            )
    for ident, documento in members.items():
        if (
            ident not in indexed
            and documento.versiones.filter(created_at__lte=indice.created_at).exists()
        ):
            result.alteraciones.append(
                Alteracion(ident, documento.nombre, _("no figura en el índice"))
            )
    return result
