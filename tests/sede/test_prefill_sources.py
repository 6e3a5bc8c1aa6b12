"""The prefill sources, each through the one interface (procedimientos.formularios.prefill):
identification, representative, earlier filings, padrón and tax system (issue 16)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from apoderamientos.decision import person_interesado
from procedimientos.formularios.prefill import FUENTES, Dato
from sede.fuentes.municipales import RegistroMunicipal
from tests.sede.filing_support import make_power
from tests.sede.prefill_support import *  # noqa: F403
from tests.sede.prefill_support import FIXTURES, draft, file_it

pytestmark = pytest.mark.django_db


def values(source: str, *, person=None, interesado=None, procedimiento=None) -> Mapping:
    return FUENTES[source].values(person=person, interesado=interesado, procedimiento=procedimiento)


def test_the_sede_registers_its_sources_with_their_keys_in_both_languages():
    """What the form builder lists: every source with labelled keys (es and eu)."""
    for source in (
        "identificacion",
        "representante",
        "solicitudes-anteriores",
        "padron",
        "tributos",
    ):
        fuente = FUENTES[source]
        assert fuente.label_es and fuente.label_eu
        keys = fuente.keys()
        assert keys and all(es and eu for es, eu in keys.values())
    assert {"nombre", "apellido1", "nif", "email", "telefono"} <= set(
        FUENTES["identificacion"].keys()
    )
    assert {"domicilio", "convivientes"} <= set(FUENTES["padron"].keys())
    assert {"al_corriente", "referencias_catastrales"} <= set(FUENTES["tributos"].keys())


class TestIdentificacion:
    def test_it_gives_the_identified_persons_name_surnames_nif_email_and_phone(self, ciudadana):
        own = person_interesado(ciudadana)
        own.telefono = "600111222"
        own.save()
        got = values("identificacion", person=ciudadana, interesado=own)
        assert got["nif"] == "12345678Z"
        assert (got["nombre"], got["apellido1"], got["apellido2"]) == (
            "Miren",
            "Etxeberria",
            "Agirre",
        )
        assert got["email"] == "miren@example.org"
        assert got["telefono"] == "600111222"

    def test_acting_through_a_power_it_gives_the_interesados_data_not_the_agents(
        self, representante, empresa
    ):
        representante.email = "jon@example.org"
        representante.save()
        empresa.email = "info@abando.example"
        empresa.save()
        got = values("identificacion", person=representante, interesado=empresa)
        assert got["nif"] == "B95000006"
        assert got["razon_social"] == "Construcciones Abando S.L."
        assert got["email"] == "info@abando.example"
        assert not {"87654321X", "Jon", "jon@example.org"} & set(got.values())

    def test_the_representative_source_is_the_agent_only_when_acting_for_someone_else(
        self, representante, empresa
    ):
        jon = person_interesado(representante)
        assert values("representante", person=representante, interesado=jon) == {}
        got = values("representante", person=representante, interesado=empresa)
        assert got["nif"] == "87654321X" and got["nombre"] == "Jon"
        # At an office the official files for the citizen: never the official's data (HAB-2).
        assert values("representante", person=None, interesado=empresa) == {}


class TestMunicipales:
    def test_the_padron_gives_the_registered_address_and_the_household(
        self, registros_municipales, ciudadana
    ):
        got = values("padron", person=ciudadana, interesado=person_interesado(ciudadana))
        assert got["domicilio"]["calle"] == "Calle Iparraguirre"
        assert got["calle"] == "Calle Iparraguirre" and got["codigo_postal"] == "48009"
        assert [c["nombre"] for c in got["convivientes"]] == ["Unai", "Nahia"]
        assert got["numero_convivientes"] == 3

    def test_the_tax_system_gives_the_payment_status_and_the_cadastral_references(
        self, registros_municipales, otra_ciudadana, empresa
    ):
        ane = values(
            "tributos", person=otra_ciudadana, interesado=person_interesado(otra_ciudadana)
        )
        assert ane["al_corriente"] is False
        assert ane["referencia_catastral"] == "7654321WN5555S0003BZ"
        company = values("tributos", person=None, interesado=empresa)
        assert company["al_corriente"] is True

    def test_a_person_the_register_does_not_know_has_no_data(self, registros_municipales, empresa):
        assert values("padron", person=None, interesado=empresa) == {}

    def test_an_unconfigured_register_gives_nothing_and_a_missing_file_fails(
        self, registros_municipales, ciudadana
    ):
        interesado = person_interesado(ciudadana)
        registros_municipales.SEDE_PREFILL_PADRON_FILE = ""
        assert values("padron", person=ciudadana, interesado=interesado) == {}
        registros_municipales.SEDE_PREFILL_PADRON_FILE = str(FIXTURES / "no-existe.json")
        with pytest.raises(FileNotFoundError):
            values("padron", person=ciudadana, interesado=interesado)

    def test_a_web_service_client_plugs_in_through_the_backend_setting(
        self, registros_municipales, ciudadana
    ):
        registros_municipales.SEDE_PREFILL_TRIBUTOS_BACKEND = (
            "tests.sede.test_prefill_sources.ServicioTributos"
        )
        got = values("tributos", person=ciudadana, interesado=person_interesado(ciudadana))
        assert got == {
            "al_corriente": False,
            "referencias_catastrales": ["0847106VK4704F0011HP"],
            "referencia_catastral": "0847106VK4704F0011HP",
        }


class ServicioTributos(RegistroMunicipal):
    """What a real client looks like: it answers for a NIF (here, without a network)."""

    def lookup(self, nif: str) -> Mapping:
        return {"al_corriente": False, "referencias_catastrales": ["0847106VK4704F0011HP"]}


class TestSolicitudesAnteriores:
    def test_it_gives_the_last_value_submitted_with_the_filings_number(
        self, procedimiento, ciudadana
    ):
        first = file_it(
            draft(ciudadana, procedimiento), ciudadana, {"/contacto/telefono": "600000001"}
        )
        last = file_it(
            draft(ciudadana, procedimiento), ciudadana, {"/contacto/telefono": "600000002"}
        )
        got = values(
            "solicitudes-anteriores", person=ciudadana, interesado=person_interesado(ciudadana)
        )
        dato = got["/contacto/telefono"]
        assert isinstance(dato, Dato)
        assert dato.value == "600000002" and dato.reference == last.asiento.numero
        assert dato.reference != first.asiento.numero
        assert "/iban" not in got

    def test_another_citizens_filings_never_appear_both_ways(
        self, procedimiento, ciudadana, otra_ciudadana
    ):
        file_it(draft(ciudadana, procedimiento), ciudadana, {"/contacto/telefono": "600000001"})
        ane = person_interesado(otra_ciudadana)
        assert "/contacto/telefono" not in values(
            "solicitudes-anteriores", person=otra_ciudadana, interesado=ane
        )
        file_it(
            draft(otra_ciudadana, procedimiento),
            otra_ciudadana,
            {"/contacto/telefono": "699999999"},
        )
        mine = values(
            "solicitudes-anteriores", person=ciudadana, interesado=person_interesado(ciudadana)
        )
        assert mine["/contacto/telefono"].value == "600000001"

    def test_a_filing_another_representative_made_for_the_interesado_is_not_used(
        self, procedimiento, ciudadana, representante, otra_ciudadana
    ):
        """A representative's filing carries their own contact data: another agent of the
        same interesado (or the interesado) must not get it."""
        miren = person_interesado(ciudadana)
        make_power(poderdante=miren, apoderado=person_interesado(representante))
        make_power(poderdante=miren, apoderado=person_interesado(otra_ciudadana))
        by_jon = draft(representante, procedimiento, on_behalf_of=miren)
        file_it(by_jon, representante, {"/contacto/telefono": "644444444"})
        assert (
            values("solicitudes-anteriores", person=representante, interesado=miren)[
                "/contacto/telefono"
            ].value
            == "644444444"
        )
        assert "/contacto/telefono" not in values(
            "solicitudes-anteriores", person=otra_ciudadana, interesado=miren
        )
        assert "/contacto/telefono" not in values(
            "solicitudes-anteriores", person=ciudadana, interesado=miren
        )


def test_a_backend_name_with_a_typo_fails_the_system_check(registros_municipales):
    from sede.fuentes.checks import check_prefill_backends

    assert check_prefill_backends() == []
    registros_municipales.SEDE_PREFILL_PADRON_BACKEND = "sede.fuentes.municipales.FicheroPdron"
    registros_municipales.SEDE_PREFILL_TRIBUTOS_FILE = str(FIXTURES / "no-existe.json")
    assert [m.id for m in check_prefill_backends()] == ["sede.E001", "sede.W001"]


class FuenteSinFrase:
    """A source another app might register: no provenance phrase of its own."""

    id = "prueba"
    label_es = "Registro de prueba"
    label_eu = "Proba-erregistroa"

    def keys(self):
        return {"dato": ("Dato", "Datua")}

    def values(self, *, person, interesado, procedimiento):
        return {"dato": "valor"}


def test_a_source_without_its_own_phrase_is_named_by_its_label_in_each_language(monkeypatch):
    from django.utils import translation

    from procedimientos.formularios import prefill as registry
    from sede.filing.prefill import note

    monkeypatch.setitem(registry.FUENTES, "prueba", FuenteSinFrase())
    record = {"source": "prueba", "editable": True}
    with translation.override("es"):
        assert note(record) == (
            "Dato obtenido de: Registro de prueba. Puede cambiarlo si no es correcto."
        )
    with translation.override("eu"):
        assert (
            note(record) == "Datuaren iturria: Proba-erregistroa. Aldatu dezakezu, zuzena ez bada."
        )


def test_an_unknown_source_leaves_the_field_empty_and_is_logged(caplog):
    from sede.filing.engine import Definition
    from sede.filing.prefill import Contexto, initial

    schema = {
        "type": "object",
        "properties": {"x": {"type": "string", "x-prefill": {"source": "no-existe"}}},
    }
    data, records = initial(Definition(schema, None), Contexto(None, None, None))
    assert data == {} and records == {}
    assert "unknown source 'no-existe'" in caplog.text
