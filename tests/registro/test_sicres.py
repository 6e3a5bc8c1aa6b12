"""SICRES 4.0 exchange file (REG-7..9), validated against the official XSD."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from lxml import etree

from registro.constants import Direccion
from registro.models import Intercambio
from registro.sicres import build_fichero, schema_path, sicres_datetime
from registro.sir.services import intercambio_enviar, intercambio_fichero_bytes
from tests.registro.sir_fixtures import *  # noqa: F403


def intercambio_create(*, asiento, entidad_destino):
    intercambio = intercambio_enviar(asiento=asiento, entidad_destino=entidad_destino)
    return intercambio, intercambio_fichero_bytes(intercambio=intercambio, actor=None)


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    path = schema_path()
    if not path.exists():
        pytest.skip(
            f"SICRES 4.0 XSD not found at {path} (expected beside the project in "
            f"{settings.BASE_DIR.parent / 'shared'}): cannot validate the exchange file"
        )
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid(schema, data: bytes) -> etree._Element:
    doc = etree.fromstring(data)
    if not schema.validate(doc):
        raise AssertionError(str(schema.error_log))
    return doc


def test_reg7_an_entry_exports_as_a_valid_sicres4_file(schema, register, representante):
    asiento = register(
        representante=representante.interesado,
        representacion={"id": 3, "via": "apoderamiento", "reason": "Poder 2026/7"},
    )
    intercambio, data = intercambio_create(asiento=asiento, entidad_destino="O00001234")
    doc = assert_valid(schema, data)
    assert doc.tag == "Fichero_Intercambio_SICRES_4"
    assert doc.findtext("De_Asiento/Numero_Registro_Entrada") == asiento.numero
    assert doc.findtext("De_Asiento/Tipo_Registro") == "0"
    assert doc.findtext("De_Asiento/Resumen") == asiento.resumen
    assert (
        doc.findtext("De_Interesado/Datos_Interesado/Datos_Identificacion/Documento_Identificacion")
        == "12345678Z"
    )
    assert (
        doc.findtext(
            "De_Interesado/Datos_Representante/Datos_Identificacion/Documento_Identificacion"
        )
        == "87654321X"
    )
    assert doc.findtext("De_Destino/Codigo_Unidad_Tramitacion_Destino") == "LA0001234"
    assert doc.findtext("De_Anexo/Tipo_Anexo") == "02"
    assert doc.findtext("De_Formulario_Generico/Solicita") == "Licencia de obra menor."
    assert (
        doc.findtext("De_Internos_Control/Identificador_Intercambio") == intercambio.identificador
    )


def test_reg6_an_exit_is_tipo_registro_1(schema, register, urbanismo):
    asiento = register(direction=Direccion.SALIDA, unidad_origen=urbanismo, expone="", solicita="")
    _, data = intercambio_create(asiento=asiento, entidad_destino="O00001234")
    doc = assert_valid(schema, data)
    assert doc.findtext("De_Asiento/Tipo_Registro") == "1"
    assert doc.find("De_Formulario_Generico") is None


def test_reg7_dates_are_yyyymmddhhmmss_with_offset(register):
    asiento = register()
    value = sicres_datetime(asiento.presented_at)
    assert re.fullmatch(r"\d{14}[+-]\d{4}", value)
    assert len(value) == 19


def test_reg9_exchange_identifiers_follow_the_pattern_and_are_unique(schema, register):
    asiento = register()
    first, _ = intercambio_create(asiento=asiento, entidad_destino="O00001234")
    second, _ = intercambio_create(asiento=asiento, entidad_destino="O00004321")
    pattern = re.compile(rf"^{asiento.oficina.code}_\d{{2}}_\d{{8}}$")
    assert pattern.match(first.identificador) and pattern.match(second.identificador)
    assert first.identificador != second.identificador
    assert len(first.identificador) <= 33


def test_reg7_long_texts_are_cut_to_the_sicres_lengths(schema, register, empresa):
    empresa.razon_social = "Construcciones " + "muy " * 40 + "largas S.L."
    empresa.save()
    asiento = register(interesados=[empresa], expone="x" * 4000, solicita="y" * 4000)
    data = build_fichero(
        asiento, identificador="O00099999_26_00000001", entidad_destino="O00001234"
    )
    doc = assert_valid(schema, data)
    assert (
        len(doc.findtext("De_Interesado/Datos_Interesado/Datos_Identificacion/Razon_Social")) == 80
    )
    assert doc.findtext("De_Interesado/Datos_Interesado/Datos_Identificacion/Tipo_Persona") == "2"


def test_staff_download_the_exchange_file_and_citizens_get_404(
    schema, client, register, clerk, funcionario, ciudadana, transport
):
    """Issue 17 item 9: a GET never creates an exchange; sending is a POST."""
    from django.urls import reverse

    asiento = register()
    url = reverse("registro:sicres_export", args=[asiento.pk])
    client.force_login(ciudadana)
    assert client.get(url).status_code == 404
    client.force_login(funcionario)  # staff of the council with no registry role (17.6)
    assert client.get(url).status_code == 404
    client.force_login(clerk)
    assert client.get(url).status_code == 404  # nothing sent yet: nothing to download
    assert not Intercambio.objects.exists()
    send = reverse("registro:sir_enviar", args=[asiento.pk])
    assert client.post(send, {"entidad_destino": "bad code!"}).status_code == 200
    assert not Intercambio.objects.exists()
    assert client.post(send, {"entidad_destino": "O00001234"}).status_code == 302
    first = client.get(url)
    assert first.status_code == 200
    assert_valid(schema, first.content)
    assert client.get(url).content == first.content
    assert Intercambio.objects.count() == 1
