"""SICRES 4.0 messages: the data file (``Fichero_Intercambio_SICRES_4``, built by
``registro.sicres``) and the control message (``De_Control``), validated against the official
XSDs (REG-7, REG-8), and read back into plain data.

Parsing is hardened: entities are not resolved, no network, no DTD; the size is bounded by the
caller (``REGISTRO_SIR_MAX_MESSAGE_BYTES``). ``huge_tree`` is on because an annex travels as
one base64 text node that may exceed libxml2's 10 MB default.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
from dataclasses import dataclass, field

from django.utils import timezone
from lxml import etree

from ..sicres import schema_path, sicres_datetime
from .constants import MAX_DESCRIPCION_MENSAJE, TipoMensaje

FICHERO_ROOT = "Fichero_Intercambio_SICRES_4"
CONTROL_ROOT = "De_Control"
IDENTIFICADOR_RE = re.compile(r"^(?P<entidad>[A-Z0-9]{1,21})_(?P<yy>\d{2})_(?P<seq>\d{8})$")
# What follows the Identificador_Intercambio in an Identificador_Fichero (one pattern, not
# one compiled per message): ``_<NN>_<NNNN>[.ext]``.
FICHERO_SUFFIX_RE = re.compile(r"_\d{2}_(\d{4})(\.[A-Za-z0-9]{1,5})?$")


class InvalidMessageError(Exception):
    """A message that is not what SICRES 4.0 says (``codigo``: ``CodigoError``)."""

    def __init__(self, codigo: str, detalle: str, identificador: str = "") -> None:
        super().__init__(detalle)
        self.codigo = codigo
        self.detalle = detalle
        self.identificador = identificador


class XsdUnavailableError(Exception):
    """The official XSDs are not where ``REGISTRO_SIR_XSD_DIR`` says."""


@functools.cache
def _schema(name: str) -> etree.XMLSchema:
    path = schema_path(name)
    if not path.exists():
        raise XsdUnavailableError(str(path))
    return etree.XMLSchema(etree.parse(str(path)))


def fichero_schema() -> etree.XMLSchema:
    return _schema("SICRES4_INTERCAMBIO_APL.xsd")


def control_schema() -> etree.XMLSchema:
    return _schema("SICRES4_MENSAJE_APL.xsd")


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_blank_text=True
)


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML; ``InvalidMessageError`` (0002) if it is not well-formed or has a DTD."""
    from .constants import CodigoError

    try:
        root = etree.fromstring(data, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise InvalidMessageError(CodigoError.XML, str(exc)[:300]) from exc
    if root.getroottree().docinfo.internalDTD is not None or root.getroottree().docinfo.doctype:
        raise InvalidMessageError(CodigoError.XML, "DTD not allowed")
    return root


def validate(root: etree._Element) -> None:
    """XSD validation by root element; ``InvalidMessageError`` (0001) with the first errors."""
    from .constants import CodigoError

    schema = fichero_schema() if root.tag == FICHERO_ROOT else control_schema()
    if not schema.validate(root):
        errors = "; ".join(f"line {e.line}: {e.message}" for e in list(schema.error_log)[:3])
        raise InvalidMessageError(
            CodigoError.XSD,
            errors[:MAX_DESCRIPCION_MENSAJE],
            root.findtext("De_Internos_Control/Identificador_Intercambio")
            or root.findtext("Identificador_Intercambio")
            or "",
        )


# --- Control messages ---------------------------------------------------------------------


@dataclass(frozen=True)
class Control:
    tipo: str
    origen: str
    destino: str
    identificador: str
    descripcion: str = ""
    numero_registro_destino: str = ""
    fecha_registro_destino: str = ""
    prueba: bool = False
    ficheros: tuple[str, ...] = ()
    codigo_error: str = ""


def build_control(control: Control) -> bytes:
    """A ``De_Control`` message, checked against ``SICRES4_MENSAJE_APL.xsd`` before it leaves."""
    if control.tipo not in TipoMensaje.values:
        raise ValueError(f"Tipo_Mensaje {control.tipo!r}")
    root = etree.Element(CONTROL_ROOT)
    etree.SubElement(root, "Codigo_Entidad_Registral_Origen").text = control.origen
    etree.SubElement(root, "Codigo_Entidad_Registral_Destino").text = control.destino
    etree.SubElement(root, "Identificador_Intercambio").text = control.identificador
    etree.SubElement(root, "Tipo_Mensaje").text = control.tipo
    if control.descripcion:
        etree.SubElement(root, "Descripcion_Mensaje").text = control.descripcion[
            :MAX_DESCRIPCION_MENSAJE
        ]
    if control.numero_registro_destino:
        etree.SubElement(
            root, "Numero_Registro_Entrada_Destino"
        ).text = control.numero_registro_destino
    if control.fecha_registro_destino:
        etree.SubElement(root, "Fecha_Hora_Entrada_Destino").text = control.fecha_registro_destino
    etree.SubElement(root, "Indicador_Prueba").text = "1" if control.prueba else "0"
    for identificador_fichero in control.ficheros:
        etree.SubElement(root, "Identificador_Fichero").text = identificador_fichero
    if control.codigo_error:
        etree.SubElement(root, "Codigo_Error").text = control.codigo_error
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    validate(root)
    return data


def _texts(node) -> dict[str, str]:
    """The text of each child element of ``node`` by tag (the first one of a repeated tag),
    ``""`` for an empty one — what ``node.findtext(tag) or ""`` gives for each tag, read in
    one pass: each ``findtext`` goes through lxml's ElementPath, in Python (issue 18)."""
    texts: dict[str, str] = {}
    for child in node:
        tag = child.tag
        if type(tag) is str and tag not in texts:  # not a comment or processing instruction
            texts[tag] = child.text or ""
    return texts


def _children(node) -> dict[str, etree._Element]:
    """The first child element of ``node`` by tag (``node.find(tag)``), in one pass."""
    found: dict[str, etree._Element] = {}
    for child in node:
        tag = child.tag
        if type(tag) is str and tag not in found:
            found[tag] = child
    return found


def read_control(root: etree._Element) -> Control:
    texts = _texts(root)
    return Control(
        tipo=texts.get("Tipo_Mensaje", ""),
        origen=texts.get("Codigo_Entidad_Registral_Origen", ""),
        destino=texts.get("Codigo_Entidad_Registral_Destino", ""),
        identificador=texts.get("Identificador_Intercambio", ""),
        descripcion=texts.get("Descripcion_Mensaje", ""),
        numero_registro_destino=texts.get("Numero_Registro_Entrada_Destino", ""),
        fecha_registro_destino=texts.get("Fecha_Hora_Entrada_Destino", ""),
        prueba=(texts.get("Indicador_Prueba") or "0") == "1",
        ficheros=tuple(e.text or "" for e in root.iterchildren("Identificador_Fichero")),
        codigo_error=texts.get("Codigo_Error", ""),
    )


def now_sicres() -> str:
    return sicres_datetime(timezone.now())


# --- Data file ----------------------------------------------------------------------------


@dataclass
class Persona:
    tipo_persona: str
    tipo_documento: str
    documento: str
    nombre: str = ""
    apellido1: str = ""
    apellido2: str = ""
    razon_social: str = ""
    email: str = ""

    @property
    def display(self) -> str:
        if self.razon_social:
            return self.razon_social
        return " ".join(p for p in (self.nombre, self.apellido1, self.apellido2) if p)


@dataclass
class Anexo:
    nombre: str
    identificador_fichero: str
    secuencia: int
    tipo_anexo: str
    mime: str
    data: bytes
    sha256: str
    huella_declarada: str
    validez: str


@dataclass
class Fichero:
    """A received ``Fichero_Intercambio_SICRES_4``, read into plain data."""

    identificador: str
    tipo_anotacion: str
    origen: str
    origen_nombre: str
    destino: str
    destino_nombre: str
    unidad_destino: str
    inicio: str
    numero_registro: str
    fecha_registro: str
    resumen: str
    expone: str
    solicita: str
    documentacion_fisica: str
    prueba: bool
    codigo_sia: str
    interesados: list[tuple[Persona | None, Persona | None]] = field(default_factory=list)
    anexos: list[Anexo] = field(default_factory=list)

    @property
    def huella(self) -> str:
        """One hash over the files' identifiers and hashes (a retransmission has the same)."""
        text = "\n".join(f"{a.identificador_fichero} {a.sha256}" for a in self.anexos)
        return hashlib.sha256(f"{self.identificador}\n{text}".encode()).hexdigest()


def _persona(node) -> Persona | None:
    if node is None:
        return None
    parts = _children(node)
    ident = _texts(parts["Datos_Identificacion"])
    contacto = parts.get("Datos_Contacto")
    return Persona(
        tipo_persona=ident.get("Tipo_Persona", ""),
        tipo_documento=ident.get("Tipo_Documento_Identificacion", ""),
        documento=ident.get("Documento_Identificacion", "").strip().upper(),
        nombre=ident.get("Nombre", ""),
        apellido1=ident.get("Primer_Apellido", ""),
        apellido2=ident.get("Segundo_Apellido", ""),
        razon_social=ident.get("Razon_Social", ""),
        email=_texts(contacto).get("Correo_Electronico", "") if contacto is not None else "",
    )


def _metadatos(node) -> dict[str, str]:
    if node is None:
        return {}
    campos = [e.text or "" for e in node.iterchildren("Campo")]
    valores = [e.text or "" for e in node.iterchildren("Valor")]
    return dict(zip(campos, valores, strict=False))


_NO_TEXTS: dict[str, str] = {}


def read_fichero(root: etree._Element) -> Fichero:
    """Read a file already validated against the XSD (each segment read once: the XSD allows
    one of each but ``De_Interesado`` and ``De_Anexo``). Annexes are decoded and hashed here;
    ``InvalidMessageError`` for an undecodable annex or a malformed identifier."""
    from .constants import CodigoError

    segments = _children(root)
    control = _texts(segments["De_Internos_Control"])
    origen_texts = _texts(segments["De_Origen_o_Remitente"])
    destino_texts = _texts(segments["De_Destino"])
    asiento = _texts(segments["De_Asiento"])
    formulario = segments.get("De_Formulario_Generico")
    formulario_texts = _texts(formulario) if formulario is not None else _NO_TEXTS
    identificador = control.get("Identificador_Intercambio", "")
    origen = origen_texts.get("Codigo_Entidad_Registral_Origen", "")
    inicio = control.get("Codigo_Entidad_Registral_Inicio", "")
    match = IDENTIFICADOR_RE.match(identificador)
    if match is None or match["entidad"] not in {origen, inicio}:
        raise InvalidMessageError(
            CodigoError.IDENTIFICADOR,
            "Identificador_Intercambio must be <entidad origen o inicio>_<YY>_<8 digits>",
            identificador,
        )
    fichero = Fichero(
        identificador=identificador,
        tipo_anotacion=control.get("Tipo_Anotacion", ""),
        origen=origen,
        origen_nombre=origen_texts.get("Decodificacion_Entidad_Registral_Origen", ""),
        destino=destino_texts.get("Codigo_Entidad_Registral_Destino", ""),
        destino_nombre=destino_texts.get("Decodificacion_Entidad_Registral_Destino", ""),
        unidad_destino=destino_texts.get("Codigo_Unidad_Tramitacion_Destino", ""),
        inicio=inicio,
        numero_registro=asiento.get("Numero_Registro_Entrada", ""),
        fecha_registro=asiento.get("Fecha_Hora_Registro", ""),
        resumen=asiento.get("Resumen", ""),
        expone=formulario_texts.get("Expone", ""),
        solicita=formulario_texts.get("Solicita", ""),
        documentacion_fisica=control.get("Documentacion_Fisica") or "3",
        prueba=(control.get("Indicador_Prueba") or "0") == "1",
        codigo_sia=asiento.get("Codigo_SIA", ""),
    )
    for segment in root.iterchildren("De_Interesado"):
        personas = _children(segment)
        fichero.interesados.append(
            (
                _persona(personas.get("Datos_Interesado")),
                _persona(personas.get("Datos_Representante")),
            )
        )
    seen: set[str] = set()
    for node in root.iterchildren("De_Anexo"):
        texts = _texts(node)
        identificador_fichero = texts.get("Identificador_Fichero", "")
        seq = FICHERO_SUFFIX_RE.match(identificador_fichero, len(identificador))
        if (
            seq is None
            or not identificador_fichero.startswith(identificador)
            or identificador_fichero in seen
        ):
            raise InvalidMessageError(
                CodigoError.IDENTIFICADOR,
                f"Identificador_Fichero {identificador_fichero[:50]!r} is not "
                "<Identificador_Intercambio>_<NN>_<NNNN>[.ext] or is repeated",
                identificador,
            )
        seen.add(identificador_fichero)
        raw = texts.get("Anexo", "")
        try:
            data = base64.b64decode("".join(raw.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidMessageError(
                CodigoError.ANEXO, f"{identificador_fichero}: Anexo is not base64", identificador
            ) from exc
        metadatos = _metadatos(_children(node).get("Otros_Metadatos_Generales"))
        fichero.anexos.append(
            Anexo(
                nombre=texts.get("Nombre_Fichero_Anexado", ""),
                identificador_fichero=identificador_fichero,
                secuencia=int(seq.group(1)),
                tipo_anexo=texts.get("Tipo_Anexo") or "02",
                mime=texts.get("Tipo_MIME", ""),
                data=data,
                sha256=hashlib.sha256(data).hexdigest(),
                huella_declarada=(metadatos.get("Huella_SHA256") or "").strip().lower(),
                validez=metadatos.get("Validez_Documento") or "",
            )
        )
    return fichero


def fichero_recipients(root: etree._Element) -> tuple[str, str]:
    """(origin, destination) entity codes of a data file."""
    return (
        root.findtext("De_Origen_o_Remitente/Codigo_Entidad_Registral_Origen") or "",
        root.findtext("De_Destino/Codigo_Entidad_Registral_Destino") or "",
    )


def readdress(
    data: bytes,
    *,
    origen: str,
    origen_nombre: str,
    destino: str,
    destino_nombre: str,
    tipo_anotacion: str,
) -> bytes:
    """A received file re-addressed for a Reenvío (NTI-SICRES4 §V.2.iii): this registry
    becomes the origin, the new destination is set, the identifier and the Entidad Registral
    de Inicio are kept (a rejection still returns to whoever started the exchange)."""
    root = parse_xml(data)
    origen_node = root.find("De_Origen_o_Remitente")
    origen_node.find("Codigo_Entidad_Registral_Origen").text = origen
    name = origen_node.find("Decodificacion_Entidad_Registral_Origen")
    if name is None:
        name = etree.Element("Decodificacion_Entidad_Registral_Origen")
        origen_node.find("Codigo_Entidad_Registral_Origen").addnext(name)
    name.text = origen_nombre[:120]
    destino_node = root.find("De_Destino")
    for child in list(destino_node):
        destino_node.remove(child)
    etree.SubElement(destino_node, "Codigo_Entidad_Registral_Destino").text = destino
    if destino_nombre:
        etree.SubElement(
            destino_node, "Decodificacion_Entidad_Registral_Destino"
        ).text = destino_nombre[:120]
    root.find("De_Internos_Control/Tipo_Anotacion").text = tipo_anotacion
    validate(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
