"""Remission of a case file (EXP-5): index closed for remission (E03), sealed, and the ENI
package — ``expediente-e`` (index + metadata) first, then each ``documento-e`` in index order."""

from __future__ import annotations

import io
import zipfile

from django.db import transaction
from django.utils.translation import gettext as _

from identidad.services import audit_record

from .. import eni
from ..constants import EstadoExpediente, MotivoIndice, TipoEvento
from ..models import Expediente, IndiceElectronico
from ._common import AccionNoPermitida, bump, event, lock
from .indice import indice_build


@transaction.atomic
def expediente_remit(*, expediente: Expediente, actor) -> IndiceElectronico:
    """Close the index for remission (E03) and seal it. An open file keeps being processed
    elsewhere only after it is re-opened; a closed file keeps its closing index too."""
    exp = lock(expediente)
    if exp.estado == EstadoExpediente.INDICE_REMISION:
        raise AccionNoPermitida(_("El índice de este expediente ya está cerrado para remisión."))
    if exp.eliminado_at is not None:
        raise AccionNoPermitida(_("El expediente fue eliminado."))
    if not exp.documentos.exists():
        raise AccionNoPermitida(_("El expediente no tiene documentos que remitir."))
    indice = indice_build(expediente=exp, motivo=MotivoIndice.REMISION)
    exp.estado = EstadoExpediente.INDICE_REMISION
    bump(exp, "estado")
    event(exp, TipoEvento.REMISION, _("Índice cerrado para remisión."), actor=actor)
    audit_record(actor=actor, action="expedientes.expediente.remit", obj=exp)
    return indice


def document_filename(orden: int, identificador: str) -> str:
    return f"{orden:04d}_{identificador}.xml"


def remission_package(expediente: Expediente) -> bytes:
    """The ZIP of the latest sealed index: ``expediente.xml`` first (EXP-5), then the
    documents in index order, each a ``documento-e`` with its content inline."""
    indice = expediente.indices.order_by("-created_at", "-pk").first()
    if indice is None:
        raise AccionNoPermitida(_("El expediente no tiene índice sellado: ciérrelo o remítalo."))
    partes = list(expediente.partes.all())
    indice_root = eni.parse(bytes(indice.xml_sellado))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "expediente.xml", eni.tostring(eni.expediente_xml(expediente, indice_root, partes))
        )
        members = {
            m.documento.identificador: m
            for m in expediente.documentos.select_related("documento__actual")
        }
        for entry in indice.entradas:
            m = members.get(entry["identificador"])
            if m is None:
                continue
            from ..models import DocumentoVersionENI

            version = DocumentoVersionENI.objects.get(pk=entry["version"])
            with version.content.open("rb") as fh:
                content = fh.read()
            documento = m.documento
            documento.actual = version
            zf.writestr(
                f"documentos/{document_filename(entry['orden'], entry['identificador'])}",
                eni.tostring(eni.documento_xml(documento, content=content)),
            )
    return buf.getvalue()
