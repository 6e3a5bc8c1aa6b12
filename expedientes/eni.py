"""ENI XML (EXP-1, EXP-2, EXP-5; DOC-1..5): ``documento-e``, the index and ``expediente-e``,
as the official XSDs define them (validated in the tests against ../shared/schemas/eni/)."""

from __future__ import annotations

import base64
from datetime import datetime

from django.utils import timezone
from lxml import etree

from .constants import VERSION_NTI_DOCUMENTO, VERSION_NTI_EXPEDIENTE

NS_BASE = "http://administracionelectronica.gob.es/ENI/XSD/v1.0"
NS = {
    "enidoc": f"{NS_BASE}/documento-e",
    "enidocmeta": f"{NS_BASE}/documento-e/metadatos",
    "enifile": f"{NS_BASE}/documento-e/contenido",
    "enids": f"{NS_BASE}/firma",
    "eniexp": f"{NS_BASE}/expediente-e",
    "eniexpmeta": f"{NS_BASE}/expediente-e/metadatos",
    "eniexpind": f"{NS_BASE}/expediente-e/indice-e",
    "eniconexpind": f"{NS_BASE}/expediente-e/indice-e/contenido",
}
# The CSV regulation written in firmas (TF01): the council's act that regulates its CSV.
REGULACION_CSV = "Ley 40/2015, art. 42.b; Ayuntamiento de Bilbao"


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _sub(parent, prefix: str, name: str, text: str | None = None, **attrs):
    el = etree.SubElement(parent, _q(prefix, name), **attrs)
    if text is not None:
        el.text = text
    return el


def xml_datetime(value: datetime) -> str:
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def huella_b64(hex_digest: str) -> str:
    """ValorHuella: the digest in base64 (the hex SHA-256 stored, re-encoded)."""
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()


# --- documento-e -------------------------------------------------------------------------


def documento_metadatos(parent, documento) -> None:
    meta = _sub(parent, "enidocmeta", "metadatos")
    _sub(meta, "enidocmeta", "VersionNTI", VERSION_NTI_DOCUMENTO)
    _sub(meta, "enidocmeta", "Identificador", documento.identificador)
    _sub(meta, "enidocmeta", "Organo", documento.organo)
    _sub(meta, "enidocmeta", "FechaCaptura", xml_datetime(documento.fecha_captura))
    _sub(
        meta,
        "enidocmeta",
        "OrigenCiudadanoAdministracion",
        "true" if documento.origen == "1" else "false",
    )
    estado = _sub(meta, "enidocmeta", "EstadoElaboracion")
    _sub(estado, "enidocmeta", "ValorEstadoElaboracion", documento.estado_elaboracion)
    if documento.identificador_origen:
        _sub(estado, "enidocmeta", "IdentificadorDocumentoOrigen", documento.identificador_origen)
    _sub(meta, "enidocmeta", "TipoDocumental", documento.tipo_documental)


def documento_firmas(parent, version) -> None:
    """``firmas``: a CSV (TF01) when the version has one, and the signature type of a
    signature embedded in the content (PAdES: TF06) referenced to the content."""
    if not (version.csv or version.tipo_firma):
        return
    firmas = _sub(parent, "enids", "firmas")
    if version.tipo_firma and version.tipo_firma != "TF01":
        firma = _sub(firmas, "enids", "firma", Id=f"FIRMA_{version.pk}")
        _sub(firma, "enids", "TipoFirma", version.tipo_firma)
        contenido = _sub(firma, "enids", "ContenidoFirma")
        cert = _sub(contenido, "enids", "FirmaConCertificado")
        # The signature is inside the content itself (PAdES): refer to it.
        _sub(cert, "enids", "ReferenciaFirma", "#CONTENIDO")
    if version.csv:
        firma = _sub(firmas, "enids", "firma", Id=f"CSV_{version.pk}")
        _sub(firma, "enids", "TipoFirma", "TF01")
        contenido = _sub(firma, "enids", "ContenidoFirma")
        csv = _sub(contenido, "enids", "CSV")
        _sub(csv, "enids", "ValorCSV", version.csv)
        _sub(csv, "enids", "RegulacionGeneracionCSV", REGULACION_CSV)


def documento_xml(documento, *, content: bytes | None = None, reference: str | None = None):
    """The ``documento-e`` of a document's current version: the content inline (base64) or,
    in a remission package, as a reference to the file beside it."""
    version = documento.actual
    root = etree.Element(_q("enidoc", "documento"), nsmap=NS, Id=f"DOC_{documento.pk}")
    contenido = _sub(root, "enifile", "contenido", Id="CONTENIDO")
    if reference is not None:
        _sub(contenido, "enifile", "referenciaFichero", reference)
    else:
        if content is None:
            with version.content.open("rb") as fh:
                content = fh.read()
        _sub(contenido, "enifile", "ValorBinario", base64.b64encode(content).decode())
    _sub(contenido, "enifile", "NombreFormato", version.nombre_formato)
    documento_metadatos(root, documento)
    documento_firmas(root, version)
    return root


# --- índice and expediente-e -------------------------------------------------------------


def indice_contenido(*, fecha: datetime, entradas: list[dict]):
    """``IndiceContenido`` (EXP-2): each document's digest, function, date and order."""
    from django.conf import settings

    from .constants import FUNCION_RESUMEN_DEFAULT

    funcion = getattr(settings, "EXPEDIENTES_FUNCION_RESUMEN", "") or FUNCION_RESUMEN_DEFAULT
    # A local element of TipoIndice: in the indice-e namespace; its children are the
    # contenido schema's (elementFormDefault="qualified" in both).
    root = etree.Element(
        _q("eniexpind", "IndiceContenido"),
        nsmap={"eniexpind": NS["eniexpind"], "eniconexpind": NS["eniconexpind"]},
    )
    root.set("Id", "INDICE_CONTENIDO")
    _sub(root, "eniconexpind", "FechaIndiceElectronico", xml_datetime(fecha))
    for e in entradas:
        doc = _sub(root, "eniconexpind", "DocumentoIndizado")
        _sub(doc, "eniconexpind", "IdentificadorDocumento", e["identificador"])
        _sub(doc, "eniconexpind", "ValorHuella", e["huella"])
        _sub(doc, "eniconexpind", "FuncionResumen", funcion)
        _sub(doc, "eniconexpind", "FechaIncorporacionExpediente", e["incorporado"])
        _sub(doc, "eniconexpind", "OrdenDocumentoExpediente", str(e["orden"]))
    return root


def canonical(element) -> bytes:
    """Exclusive C14N of an element: the bytes the index seal covers."""
    return etree.tostring(element, method="c14n", exclusive=True)


def indice_xml(contenido, *, firma_b64: str, tipo_firma: str):
    """``indice`` = IndiceContenido + firmas (the seal over the canonical IndiceContenido)."""
    root = etree.Element(_q("eniexpind", "indice"), nsmap=NS, Id="INDICE")
    root.append(contenido)
    firmas = _sub(root, "enids", "firmas")
    firma = _sub(firmas, "enids", "firma", Id="FIRMA_INDICE", ref="#INDICE_CONTENIDO")
    _sub(firma, "enids", "TipoFirma", tipo_firma)
    contenido_firma = _sub(firma, "enids", "ContenidoFirma")
    cert = _sub(contenido_firma, "enids", "FirmaConCertificado")
    _sub(cert, "enids", "FirmaBase64", firma_b64)
    return root


def expediente_metadatos(parent, expediente, partes) -> None:
    meta = _sub(parent, "eniexpmeta", "metadatosExp")
    _sub(meta, "eniexpmeta", "VersionNTI", VERSION_NTI_EXPEDIENTE)
    _sub(meta, "eniexpmeta", "Identificador", expediente.identificador)
    _sub(meta, "eniexpmeta", "Organo", expediente.unidad.dir3)
    _sub(meta, "eniexpmeta", "FechaAperturaExpediente", xml_datetime(expediente.opened_at))
    _sub(
        meta,
        "eniexpmeta",
        "Clasificacion",
        expediente.procedimiento.sia_code
        or f"{expediente.unidad.dir3}_PRO_{expediente.procedimiento.code}",
    )
    _sub(meta, "eniexpmeta", "Estado", expediente.estado)
    for parte in partes:
        if parte.rol == "interesado":
            _sub(meta, "eniexpmeta", "Interesado", parte.nif)


def expediente_xml(expediente, indice_root, partes):
    """``expediente-e`` (EXP-5): the sealed index first, then the file's metadata."""
    root = etree.Element(_q("eniexp", "expediente"), nsmap=NS, Id="EXPEDIENTE")
    root.append(indice_root)
    expediente_metadatos(root, expediente, partes)
    return root


def tostring(element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def parse(data: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)
