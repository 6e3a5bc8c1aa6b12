"""Reading SICRES 4.0 messages: ``read_fichero`` and ``read_control`` read each segment's
children in one pass (issue 18); they must read what lxml's ``findtext`` / ``find`` paths
read, field by field."""

from __future__ import annotations

import dataclasses

import pytest
from lxml import etree

from registro.sir.constants import TipoMensaje
from registro.sir.mensajes import parse_xml, read_control, read_fichero, validate
from tests.registro.sir_fixtures import *  # noqa: F403
from tests.registro.sir_support import REMOTE, control, remote_fichero

pytestmark = pytest.mark.django_db

# Each field of ``Fichero`` and the ElementPath it was read from (``findtext(...) or ""``).
FICHERO_PATHS = {
    "identificador": "De_Internos_Control/Identificador_Intercambio",
    "tipo_anotacion": "De_Internos_Control/Tipo_Anotacion",
    "origen": "De_Origen_o_Remitente/Codigo_Entidad_Registral_Origen",
    "origen_nombre": "De_Origen_o_Remitente/Decodificacion_Entidad_Registral_Origen",
    "destino": "De_Destino/Codigo_Entidad_Registral_Destino",
    "destino_nombre": "De_Destino/Decodificacion_Entidad_Registral_Destino",
    "unidad_destino": "De_Destino/Codigo_Unidad_Tramitacion_Destino",
    "inicio": "De_Internos_Control/Codigo_Entidad_Registral_Inicio",
    "numero_registro": "De_Asiento/Numero_Registro_Entrada",
    "fecha_registro": "De_Asiento/Fecha_Hora_Registro",
    "resumen": "De_Asiento/Resumen",
    "expone": "De_Formulario_Generico/Expone",
    "solicita": "De_Formulario_Generico/Solicita",
    "codigo_sia": "De_Asiento/Codigo_SIA",
}
PERSONA_PATHS = {
    "tipo_persona": "Datos_Identificacion/Tipo_Persona",
    "tipo_documento": "Datos_Identificacion/Tipo_Documento_Identificacion",
    "nombre": "Datos_Identificacion/Nombre",
    "apellido1": "Datos_Identificacion/Primer_Apellido",
    "apellido2": "Datos_Identificacion/Segundo_Apellido",
    "razon_social": "Datos_Identificacion/Razon_Social",
    "email": "Datos_Contacto/Correo_Electronico",
}
ANEXO_PATHS = {
    "nombre": "Nombre_Fichero_Anexado",
    "identificador_fichero": "Identificador_Fichero",
    "mime": "Tipo_MIME",
}


def _assert_read_as_paths_read(root) -> None:
    fichero = read_fichero(root)
    for name, path in FICHERO_PATHS.items():
        assert getattr(fichero, name) == (root.findtext(path) or ""), name
    assert fichero.documentacion_fisica == (
        root.findtext("De_Internos_Control/Documentacion_Fisica") or "3"
    )
    assert fichero.prueba == (root.findtext("De_Internos_Control/Indicador_Prueba") == "1")
    segments = root.findall("De_Interesado")
    assert len(fichero.interesados) == len(segments)
    for (interesado, representante), segment in zip(fichero.interesados, segments, strict=True):
        for persona, node in (
            (interesado, segment.find("Datos_Interesado")),
            (representante, segment.find("Datos_Representante")),
        ):
            assert (persona is None) == (node is None)
            if persona is None:
                continue
            for name, path in PERSONA_PATHS.items():
                assert getattr(persona, name) == (node.findtext(path) or ""), name
            documento = node.findtext("Datos_Identificacion/Documento_Identificacion") or ""
            assert persona.documento == documento.strip().upper()
    anexos = root.findall("De_Anexo")
    assert len(fichero.anexos) == len(anexos)
    for anexo, node in zip(fichero.anexos, anexos, strict=True):
        for name, path in ANEXO_PATHS.items():
            assert getattr(anexo, name) == (node.findtext(path) or ""), name
        assert anexo.tipo_anexo == (node.findtext("Tipo_Anexo") or "02")
        metadatos = node.find("Otros_Metadatos_Generales")
        campos = [e.text for e in metadatos.findall("Campo")]
        valores = [e.text for e in metadatos.findall("Valor")]
        assert anexo.huella_declarada == valores[campos.index("Huella_SHA256")]
        assert anexo.validez == valores[campos.index("Validez_Documento")]


def _with_everything(root) -> None:
    """A representative with contact data, comments and processing instructions among the
    children, no Expone/Solicita form, an empty optional element."""
    segment = root.find("De_Interesado")
    representante = etree.SubElement(segment, "Datos_Representante")
    ident = etree.SubElement(representante, "Datos_Identificacion")
    for tag, text in (
        ("Tipo_Persona", "2"),
        ("Tipo_Documento_Identificacion", "C"),
        ("Documento_Identificacion", " b12345674 "),
        ("Razon_Social", "Construcciones Ibaizabal SL"),
    ):
        etree.SubElement(ident, tag).text = text
    contacto = etree.SubElement(representante, "Datos_Contacto")
    etree.SubElement(contacto, "Correo_Electronico").text = "obras@ibaizabal.example"
    for parent in (root, root.find("De_Asiento"), root.find("De_Anexo"), ident):
        parent.insert(0, etree.Comment(" Resumen "))
        parent.insert(1, etree.ProcessingInstruction("note", "Resumen"))
    root.remove(root.find("De_Formulario_Generico"))
    root.find("De_Destino/Decodificacion_Unidad_Tramitacion_Destino").text = None


def test_read_fichero_reads_what_the_element_paths_read(register, oficina_sede):
    asiento = register()
    for tamper in (None, _with_everything):
        data = remote_fichero(
            asiento,
            identificador=f"{REMOTE}_26_00000001",
            destino=oficina_sede.code,
            tamper=tamper,
        )
        root = parse_xml(data)
        validate(root)  # what it reads has been validated first
        _assert_read_as_paths_read(root)
    fichero = read_fichero(root)
    (interesado, representante) = fichero.interesados[0]
    assert representante.documento == "B12345674"
    assert representante.email == "obras@ibaizabal.example"
    assert (fichero.expone, fichero.solicita) == ("", "")


def test_read_control_reads_what_the_element_paths_read():
    for message in (
        control(TipoMensaje.ACK, origen="O00001234", destino=REMOTE, identificador="X_26_1"),
        control(
            TipoMensaje.ERROR,
            origen="O00001234",
            destino=REMOTE,
            identificador=f"{REMOTE}_26_00000001",
            descripcion="Huella",
            codigo_error="0010",
            prueba=True,
            ficheros=(f"{REMOTE}_26_00000001_01_0001.pdf", f"{REMOTE}_26_00000001_01_0002"),
        ),
        control(
            TipoMensaje.CONFIRMACION,
            origen="O00001234",
            destino=REMOTE,
            identificador=f"{REMOTE}_26_00000001",
            numero_registro_destino="2026/E/00000077",
            fecha_registro_destino="20261204120000+0100",
        ),
    ):
        root = parse_xml(message)
        root.insert(0, etree.Comment(" Tipo_Mensaje "))
        read = dataclasses.asdict(read_control(root))
        for name, tag in (
            ("tipo", "Tipo_Mensaje"),
            ("origen", "Codigo_Entidad_Registral_Origen"),
            ("destino", "Codigo_Entidad_Registral_Destino"),
            ("identificador", "Identificador_Intercambio"),
            ("descripcion", "Descripcion_Mensaje"),
            ("numero_registro_destino", "Numero_Registro_Entrada_Destino"),
            ("fecha_registro_destino", "Fecha_Hora_Entrada_Destino"),
            ("codigo_error", "Codigo_Error"),
        ):
            assert read[name] == (root.findtext(tag) or ""), name
        assert read["prueba"] == (root.findtext("Indicador_Prueba") == "1")
        assert read["ficheros"] == tuple(e.text for e in root.findall("Identificador_Fichero"))
