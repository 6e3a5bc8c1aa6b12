"""SICRES 4.0 exchange file (``Fichero_Intercambio_SICRES_4``) for an asiento (REG-7..9).

Element names, order and lengths follow ``SICRES4_INTERCAMBIO_APL.xsd``. Readings that the
XSD does not settle (documented here, change them in one place):

* ``Modo_Registro``: 01 for an electronic submission (sede, API, SIR), 02 for one made on
  paper at an office.
* ``Tipo_Persona``: 1 persona física, 2 persona jurídica.
* ``Fecha_Hora_Registro`` and ``Fecha_Hora_Presentacion`` are both the registry instant;
  the REG-2 effective instant travels as the general metadata ``Fecha_Hora_Efectiva``.
* ``Tipo_Anotacion`` 02 (envío) unless told otherwise (``registro.sir`` sends them).
"""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.storage import default_storage
from lxml import etree

from identidad.validators import kind_of_nif

from .constants import Canal, Direccion, RolInteresado
from .models import Asiento
from .selectors import asiento_documentos, asiento_partes

MADRID = ZoneInfo("Europe/Madrid")
APPLICATION = "BilbaoSede 0.1"
ELECTRONIC_CHANNELS = {Canal.SEDE, Canal.API, Canal.SIR}
DOC_TYPE = {"dni": "N", "nie": "E", "cif": "C"}


def sicres_datetime(value: datetime) -> str:
    """``yyyyMMddHHmmss`` + UTC offset, local time of Madrid: ``20200917124020+0200``."""
    return value.astimezone(MADRID).strftime("%Y%m%d%H%M%S%z")


def identificador_intercambio(codigo_entidad: str, year: int, sequence: int) -> str:
    """REG-9: ``<CodigoEntidadRegistralOrigen>_<YY>_<8-digit sequence>``."""
    return f"{codigo_entidad}_{year % 100:02}_{sequence:08}"


def identificador_fichero(identificador: str, orden: int, nombre: str) -> str:
    """``Identificador_Fichero`` of the ``orden``-th annex: ``<Identificador_Intercambio>_01_
    <4-digit sequence>[.ext]`` (regweb3's reading; the sequence is REG-10's)."""
    extension = nombre.rsplit(".", 1)[-1].lower() if "." in nombre else ""
    ext = f".{extension[:5]}" if extension.isalnum() else ""
    return f"{identificador}_01_{orden:04}{ext}"


def _sub(parent, name: str, text: str | None = None, *, max_length: int | None = None):
    element = etree.SubElement(parent, name)
    if text is not None:
        value = str(text)
        element.text = value[:max_length] if max_length else value
    return element


def _persona(parent, name: str, parte) -> None:
    interesado = parte.interesado
    persona = _sub(parent, name)
    ident = _sub(persona, "Datos_Identificacion")
    kind = kind_of_nif(parte.nif)
    juridica = kind == "cif"
    _sub(ident, "Tipo_Persona", "2" if juridica else "1")
    _sub(ident, "Tipo_Documento_Identificacion", DOC_TYPE.get(kind or "", "X"))
    _sub(ident, "Documento_Identificacion", parte.nif, max_length=256)
    if juridica:
        _sub(ident, "Razon_Social", interesado.razon_social or parte.nombre, max_length=80)
    else:
        _sub(ident, "Nombre", interesado.nombre or parte.nombre, max_length=30)
        if interesado.apellido1:
            _sub(ident, "Primer_Apellido", interesado.apellido1, max_length=30)
        if interesado.apellido2:
            _sub(ident, "Segundo_Apellido", interesado.apellido2, max_length=30)
    if interesado.email or interesado.telefono or interesado.direccion:
        contacto = _sub(persona, "Datos_Contacto")
        if interesado.direccion or interesado.codigo_postal:
            postal = _sub(contacto, "Direccion_Postal")
            if interesado.direccion:
                _sub(postal, "Direccion", interesado.direccion, max_length=160)
            if interesado.codigo_postal:
                _sub(postal, "Codigo_Postal", interesado.codigo_postal, max_length=5)
        if interesado.email:
            _sub(contacto, "Correo_Electronico", interesado.email, max_length=160)
        if interesado.telefono:
            _sub(contacto, "Telefono_Movil", interesado.telefono, max_length=20)


def _metadatos(parent, name: str, pairs: list[tuple[str, str]]) -> None:
    listado = _sub(parent, name)
    for campo, valor in pairs:
        _sub(listado, "Campo", campo, max_length=80)
        _sub(listado, "Valor", valor)


def fichero_tree(
    asiento: Asiento,
    *,
    identificador: str,
    entidad_destino: str,
    entidad_destino_nombre: str = "",
    include_content: bool = True,
    prueba: bool = False,
    tipo_anotacion: str = "02",
    partes: list | None = None,
    documentos: list | None = None,
    nombre_usuario: str | None = None,
) -> etree._Element:
    """The ``Fichero_Intercambio_SICRES_4`` element of ``asiento`` (:func:`build_fichero`
    serialises it). ``partes``, ``documentos`` and ``nombre_usuario`` (the registering
    user's username): the entry's, when the caller read them already (else read here)."""
    root = etree.Element("Fichero_Intercambio_SICRES_4")
    oficina = asiento.oficina

    origen = _sub(root, "De_Origen_o_Remitente")
    _sub(origen, "Codigo_Entidad_Registral_Origen", oficina.code, max_length=21)
    _sub(origen, "Decodificacion_Entidad_Registral_Origen", oficina.name_es, max_length=120)
    unidad_origen = asiento.unidad_origen
    if unidad_origen is not None:
        _sub(origen, "Codigo_Unidad_Tramitacion_Origen", unidad_origen.dir3, max_length=21)
        _sub(
            origen,
            "Decodificacion_Unidad_Tramitacion_Origen",
            unidad_origen.name_es,
            max_length=120,
        )

    destino = _sub(root, "De_Destino")
    _sub(destino, "Codigo_Entidad_Registral_Destino", entidad_destino, max_length=21)
    if entidad_destino_nombre:
        _sub(
            destino,
            "Decodificacion_Entidad_Registral_Destino",
            entidad_destino_nombre,
            max_length=120,
        )
    unidad_destino = asiento.unidad_destino
    if unidad_destino is not None:
        _sub(destino, "Codigo_Unidad_Tramitacion_Destino", unidad_destino.dir3, max_length=21)
        _sub(
            destino,
            "Decodificacion_Unidad_Tramitacion_Destino",
            unidad_destino.name_es,
            max_length=120,
        )

    partes = asiento_partes(asiento) if partes is None else partes
    representantes = [p for p in partes if p.rol == RolInteresado.REPRESENTANTE]
    for index, parte in enumerate(p for p in partes if p.rol == RolInteresado.INTERESADO):
        segment = _sub(root, "De_Interesado")
        _persona(segment, "Datos_Interesado", parte)
        if index == 0 and representantes:
            _persona(segment, "Datos_Representante", representantes[0])

    de_asiento = _sub(root, "De_Asiento")
    _sub(de_asiento, "Modo_Registro", "01" if asiento.canal in ELECTRONIC_CHANNELS else "02")
    _sub(de_asiento, "Tipo_Registro", "0" if asiento.direction == Direccion.ENTRADA else "1")
    _sub(de_asiento, "Numero_Registro_Entrada", asiento.numero, max_length=20)
    _sub(de_asiento, "Resumen", asiento.resumen, max_length=240)
    _sub(de_asiento, "Fecha_Hora_Registro", sicres_datetime(asiento.presented_at))
    _sub(de_asiento, "Fecha_Hora_Presentacion", sicres_datetime(asiento.presented_at))
    procedimiento = asiento.procedimiento
    if procedimiento is not None and procedimiento.sia_code:
        _sub(de_asiento, "Codigo_SIA", procedimiento.sia_code, max_length=80)
    _metadatos(
        de_asiento,
        "Otros_Metadatos_Generales",
        [
            ("Fecha_Hora_Efectiva", sicres_datetime(asiento.effective_at)),
            ("Huella_Asiento_SHA256", asiento.hash),
        ],
    )

    documentos = asiento_documentos(asiento) if documentos is None else documentos
    for orden, documento in enumerate(documentos, start=1):
        anexo = _sub(root, "De_Anexo")
        _sub(anexo, "Nombre_Fichero_Anexado", documento.nombre, max_length=80)
        _sub(
            anexo,
            "Identificador_Fichero",
            identificador_fichero(identificador, orden, documento.nombre),
            max_length=50,
        )
        _sub(anexo, "Tipo_Anexo", documento.tipo_anexo)
        _sub(anexo, "Tipo_MIME", documento.mime, max_length=80)
        if include_content:
            with default_storage.open(documento.file.name, "rb") as fh:
                _sub(anexo, "Anexo", base64.b64encode(fh.read()).decode("ascii"))
        _metadatos(
            anexo,
            "Otros_Metadatos_Generales",
            [
                ("Huella_SHA256", documento.sha256),
                ("Validez_Documento", documento.validez),
            ],
        )

    control = _sub(root, "De_Internos_Control")
    _sub(control, "Identificador_Intercambio", identificador, max_length=33)
    if asiento.registrado_por_id:
        if nombre_usuario is None:
            nombre_usuario = asiento.registrado_por.get_username()
        _sub(control, "Nombre_Usuario", nombre_usuario, max_length=80)
    _sub(control, "Aplicacion_Version_Emisora", APPLICATION, max_length=20)
    _sub(control, "Tipo_Anotacion", tipo_anotacion)
    _sub(control, "Documentacion_Fisica", asiento.documentacion_fisica)
    _sub(control, "Indicador_Prueba", "1" if prueba else "0")
    _sub(control, "Codigo_Entidad_Registral_Inicio", oficina.code, max_length=21)
    _sub(control, "Decodificacion_Entidad_Registral_Inicio", oficina.name_es, max_length=120)

    if asiento.expone or asiento.solicita:
        formulario = _sub(root, "De_Formulario_Generico")
        _sub(formulario, "Expone", asiento.expone, max_length=4000)
        _sub(formulario, "Solicita", asiento.solicita, max_length=4000)
    return root


def fichero_bytes(root: etree._Element) -> bytes:
    """The file as it travels (UTF-8, with the XML declaration)."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def build_fichero(asiento: Asiento, **kwargs) -> bytes:
    """The ``Fichero_Intercambio_SICRES_4`` XML of ``asiento`` (UTF-8 bytes); the keyword
    arguments of :func:`fichero_tree`. Deterministic: the same entry and identifier always
    give the same bytes (a re-send is identical)."""
    return fichero_bytes(fichero_tree(asiento, **kwargs))


def schema_path(name: str = "SICRES4_INTERCAMBIO_APL.xsd"):
    """Where the official XSDs live: ``REGISTRO_SIR_XSD_DIR`` (by default
    ``../shared/schemas/sicres/`` beside this checkout)."""
    return Path(settings.REGISTRO_SIR_XSD_DIR) / name
