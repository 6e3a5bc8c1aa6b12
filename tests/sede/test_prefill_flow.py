"""Prefill in the filing flow (issue 16): a new draft is filled from its sources, the step page
says where each value came from (es, eu) and shows read-only values as such, the server keeps
them whatever is posted, a failing source only leaves its fields empty, and nobody ever gets
another citizen's data — acting for two people included."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.urls import reverse

from apoderamientos.decision import person_interesado
from sede.models import Borrador
from sede.services import borrador_save
from tests.sede.filing_support import make_power
from tests.sede.prefill_support import *  # noqa: F403
from tests.sede.prefill_support import CODE, FIXTURES, draft, file_it

pytestmark = pytest.mark.django_db

OTHER_REF = "9872023VH5797S0001WX"


def start(client, **post) -> Borrador:
    response = client.post(reverse("sede:filing_start", args=[CODE]), post)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Borrador.objects.latest("pk")


def page(client, borrador, step="datos", lang="") -> str:
    url = reverse("sede:filing_step", args=[borrador.public_id, step])
    response = client.get(f"/{lang}{url}" if lang else url)
    assert response.status_code == 200
    return response.content.decode()


def helptext(html: str, name: str) -> str:
    """The help paragraph of the field ``name`` (the note is read out with the control)."""
    found = re.search(rf'<p class="field__help" id="f-{name}_helptext">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


def control(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, name
    return found.group(0)


def datos_post(html_values: dict) -> dict:
    post = {
        "solicitante-tipo_persona": "fisica",
        "solicitante-nif": "12345678Z",
        "solicitante-nombre": "Miren",
        "solicitante-apellido1": "Etxeberria",
        "contacto-email": "miren@example.org",
        "domicilio-calle": "Calle Iparraguirre",
        "domicilio-numero": "7",
        "domicilio-piso": "2º dcha.",
        "domicilio-codigo_postal": "48009",
        "domicilio-municipio": "Bilbao",
        "inmueble-referencia_catastral": "1234567VK1234N0001OE",
        "inmueble-al_corriente": "on",
        "action": "next",
    }
    post.update(html_values)
    return {k: v for k, v in post.items() if v is not None}


class TestNewDraft:
    def test_it_is_filled_from_each_source_and_the_provenance_is_kept_apart(
        self, procedimiento, client_as, ciudadana
    ):
        borrador = start(client_as(ciudadana))
        data = borrador.data
        assert data["solicitante"]["nif"] == "12345678Z"
        assert data["contacto"]["email"] == "miren@example.org"
        assert data["domicilio"]["calle"] == "Calle Iparraguirre"
        assert data["inmueble"] == {
            "referencia_catastral": "1234567VK1234N0001OE",
            "al_corriente": True,
        }
        assert [c["nombre"] for c in data["convivientes"]] == ["Unai", "Nahia"]
        # Only what the form has: a register's extra data never hides in the answers.
        assert "distrito" not in data["domicilio"]
        assert "fecha_nacimiento" not in data["convivientes"][0]
        assert "representante" not in data  # in her own name: nobody represents her
        sources = {p: r["source"] for p, r in borrador.prefill.items()}
        assert sources["/solicitante/nif"] == "identificacion"
        assert sources["/domicilio"] == "padron"
        assert sources["/inmueble/referencia_catastral"] == "tributos"
        assert borrador.prefill["/inmueble/al_corriente"]["editable"] is False
        # The answers (what is registered) carry no bookkeeping of the prefill.
        assert "padron" not in json.dumps(data) and "tributos" not in json.dumps(data)

    def test_the_step_says_where_each_value_came_from_in_spanish_and_basque(
        self, procedimiento, client_as, ciudadana
    ):
        client = client_as(ciudadana)
        borrador = start(client)
        es = page(client, borrador)
        assert "Dato de su identificación" in helptext(es, "solicitante-nif")
        assert "Dato del padrón municipal" in helptext(es, "domicilio-calle")
        assert "Puede cambiarlo si no es correcto" in helptext(es, "domicilio-calle")
        ref = helptext(es, "inmueble-referencia_catastral")
        assert "Dato del sistema tributario municipal" in ref
        assert "Este dato no se puede cambiar en este formulario" in ref
        # The note is read out with the control (WCAG 1.3.1): the control points at it.
        assert 'aria-describedby="f-domicilio-calle_helptext"' in control(es, "domicilio-calle")
        hogar = page(client, borrador, step="hogar")
        assert hogar.count("Dato del padrón municipal") == 1  # once, for the whole household
        assert "readonly" in control(hogar, "convivientes-0-nombre")
        assert 'value="add:/convivientes"' not in hogar
        eu = page(client, borrador, lang="eu")
        assert "Zure identifikazioko datua" in helptext(eu, "solicitante-nif")
        assert "Udal erroldako datua" in helptext(eu, "domicilio-calle")
        assert "Aldatu dezakezu, zuzena ez bada" in helptext(eu, "domicilio-calle")
        ref_eu = helptext(eu, "inmueble-referencia_catastral")
        assert "Udal zerga-sistemako datua" in ref_eu
        assert "Datu hau ezin da inprimaki honetan aldatu" in ref_eu

    def test_a_read_only_value_is_shown_read_only(self, procedimiento, client_as, ciudadana):
        client = client_as(ciudadana)
        html = page(client, start(client))
        assert "readonly" in control(html, "inmueble-referencia_catastral")
        assert 'value="1234567VK1234N0001OE"' in control(html, "inmueble-referencia_catastral")
        checkbox = control(html, "inmueble-al_corriente")
        assert "disabled" in checkbox and "checked" in checkbox
        assert "readonly" not in control(html, "domicilio-calle")


class TestReadOnly:
    def test_a_tampered_post_does_not_change_a_read_only_value(
        self, procedimiento, client_as, ciudadana
    ):
        """The server is the judge: a forged POST cannot change what the source gave."""
        client = client_as(ciudadana)
        borrador = start(client)
        url = reverse("sede:filing_step", args=[borrador.public_id, "datos"])
        response = client.post(
            url,
            datos_post({"inmueble-referencia_catastral": OTHER_REF, "inmueble-al_corriente": None}),
        )
        assert response.status_code == 302
        borrador.refresh_from_db()
        assert borrador.data["inmueble"] == {
            "referencia_catastral": "1234567VK1234N0001OE",
            "al_corriente": True,
        }
        # The household from the padrón: neither edited nor emptied by a forged group.
        hogar = reverse("sede:filing_step", args=[borrador.public_id, "hogar"])
        client.post(
            hogar,
            {"count-convivientes": "1", "convivientes-0-nombre": "Intrusa", "action": "next"},
        )
        borrador.refresh_from_db()
        assert [c["nombre"] for c in borrador.data["convivientes"]] == ["Unai", "Nahia"]

    def test_the_service_itself_restores_a_read_only_value(self, procedimiento, ciudadana):
        borrador = draft(ciudadana, procedimiento)
        data = json.loads(json.dumps(borrador.data))
        data["inmueble"]["referencia_catastral"] = OTHER_REF
        del data["inmueble"]["al_corriente"]
        borrador_save(borrador=borrador, data=data, step_id="datos")
        borrador.refresh_from_db()
        assert borrador.data["inmueble"]["referencia_catastral"] == "1234567VK1234N0001OE"
        assert borrador.data["inmueble"]["al_corriente"] is True

    def test_an_editable_value_changed_is_kept_and_no_longer_claims_its_source(
        self, procedimiento, client_as, ciudadana
    ):
        client = client_as(ciudadana)
        borrador = start(client)
        url = reverse("sede:filing_step", args=[borrador.public_id, "datos"])
        client.post(url, datos_post({"domicilio-calle": "Calle Ercilla"}))
        borrador.refresh_from_db()
        assert borrador.data["domicilio"]["calle"] == "Calle Ercilla"
        html = page(client, borrador)
        assert "padrón" not in helptext(html, "domicilio-calle")
        assert "Dato del padrón municipal" in helptext(html, "domicilio-numero")


class TestFailingSources:
    def test_a_missing_file_leaves_the_fields_empty_logged_and_the_form_works(
        self, procedimiento, client_as, ciudadana, registros_municipales, caplog
    ):
        registros_municipales.SEDE_PREFILL_PADRON_FILE = str(FIXTURES / "no-existe.json")
        client = client_as(ciudadana)
        with caplog.at_level(logging.WARNING, logger="sede.filing.prefill"):
            borrador = start(client)
        assert "domicilio" not in borrador.data and "convivientes" not in borrador.data
        assert borrador.data["inmueble"]["referencia_catastral"] == "1234567VK1234N0001OE"
        assert any("'padron' failed" in r.getMessage() for r in caplog.records)
        html = page(client, borrador)
        assert 'name="domicilio-calle"' in html and "padrón" not in html

    def test_a_source_that_times_out_leaves_its_fields_empty(
        self, procedimiento, ciudadana, registros_municipales
    ):
        registros_municipales.SEDE_PREFILL_TRIBUTOS_BACKEND = (
            "tests.sede.test_prefill_flow.TributosSinRespuesta"
        )
        borrador = draft(ciudadana, procedimiento)
        assert "inmueble" not in borrador.data
        assert borrador.data["domicilio"]["calle"] == "Calle Iparraguirre"

    def test_a_step_shown_later_asks_again_for_the_fields_still_empty(
        self, procedimiento, client_as, ciudadana, registros_municipales
    ):
        registros_municipales.SEDE_PREFILL_PADRON_FILE = str(FIXTURES / "no-existe.json")
        client = client_as(ciudadana)
        borrador = start(client)
        assert "domicilio" not in borrador.data
        registros_municipales.SEDE_PREFILL_PADRON_FILE = str(FIXTURES / "padron.json")
        html = page(client, borrador)
        borrador.refresh_from_db()
        assert borrador.data["domicilio"]["calle"] == "Calle Iparraguirre"
        assert "Dato del padrón municipal" in helptext(html, "domicilio-calle")


class TributosSinRespuesta:
    def lookup(self, nif):
        raise TimeoutError("the tax system did not answer in time")


class TestEarlierFilings:
    def test_the_step_names_the_earlier_filing_a_value_comes_from(
        self, procedimiento, client_as, ciudadana
    ):
        earlier = file_it(
            draft(ciudadana, procedimiento),
            ciudadana,
            {"/contacto/telefono": "600000001", "/iban": "ES9121000418450200051332"},
        )
        client = client_as(ciudadana)
        borrador = start(client)
        assert borrador.data["contacto"]["telefono"] == "600000001"
        assert borrador.data["iban"] == "ES9121000418450200051332"
        numero = earlier.asiento.numero
        es = helptext(page(client, borrador), "contacto-telefono")
        assert f"De su solicitud anterior nº {numero}" in es
        eu = helptext(page(client, borrador, lang="eu"), "contacto-telefono")
        assert f"Zure aurreko eskaeratik ({numero} zk.)" in eu

    def test_another_citizen_never_gets_them(
        self, procedimiento, client_as, ciudadana, otra_ciudadana
    ):
        file_it(
            draft(ciudadana, procedimiento),
            ciudadana,
            {"/contacto/telefono": "600000001", "/iban": "ES9121000418450200051332"},
        )
        client = client_as(otra_ciudadana)
        borrador = start(client)
        html = page(client, borrador)
        assert "telefono" not in borrador.data.get("contacto", {})
        assert "iban" not in borrador.data
        assert "600000001" not in html and "ES9121000418450200051332" not in html
        assert "Iparraguirre" not in html and "12345678Z" not in html


class TestRepresentation:
    def test_an_agent_acting_for_two_people_gets_each_ones_data_only(
        self, procedimiento, client_as, ciudadana, otra_ciudadana, representante
    ):
        miren, ane = person_interesado(ciudadana), person_interesado(otra_ciudadana)
        jon = person_interesado(representante)
        make_power(poderdante=miren, apoderado=jon)
        make_power(poderdante=ane, apoderado=jon)
        file_it(draft(ciudadana, procedimiento), ciudadana, {"/contacto/telefono": "600000001"})
        file_it(
            draft(otra_ciudadana, procedimiento),
            otra_ciudadana,
            {"/contacto/telefono": "699999999"},
        )
        file_it(
            draft(representante, procedimiento), representante, {"/contacto/telefono": "677777777"}
        )
        client = client_as(representante)

        for_miren = start(client, interesado=miren.pk)
        assert for_miren.data["solicitante"]["nif"] == "12345678Z"
        assert for_miren.data["contacto"]["telefono"] == "600000001"
        assert for_miren.data["domicilio"]["calle"] == "Calle Iparraguirre"
        assert for_miren.data["inmueble"]["referencia_catastral"] == "1234567VK1234N0001OE"
        assert for_miren.data["representante"]["nif"] == "87654321X"
        html = page(client, for_miren) + page(client, for_miren, step="hogar")
        for anes in ("11111111H", "699999999", "Calle Somera", "7654321WN5555S0003BZ"):
            assert anes not in html
        assert "677777777" not in html and "Gran Vía" not in html  # nor the agent's own

        for_ane = start(client, interesado=ane.pk)
        assert for_ane.data["solicitante"]["nif"] == "11111111H"
        assert for_ane.data["contacto"]["telefono"] == "699999999"
        assert for_ane.data["domicilio"]["calle"] == "Calle Somera"
        assert for_ane.data["inmueble"] == {
            "referencia_catastral": "7654321WN5555S0003BZ",
            "al_corriente": False,
        }
        html = page(client, for_ane) + page(client, for_ane, step="hogar")
        for mirens in ("12345678Z", "600000001", "Iparraguirre", "Unai"):
            assert mirens not in html

    def test_the_representative_block_names_its_own_source(
        self, procedimiento, client_as, representante, otra_ciudadana
    ):
        ane = person_interesado(otra_ciudadana)
        make_power(poderdante=ane, apoderado=person_interesado(representante))
        client = client_as(representante)
        borrador = start(client, interesado=ane.pk)
        assert borrador.data["solicitante"]["nombre"] == "Ane"
        assert borrador.data["representante"]["nombre"] == "Jon"
        html = page(client, borrador, step="representante")
        assert "Dato de su identificación como representante" in helptext(html, "representante-nif")
        eu = page(client, borrador, step="representante", lang="eu")
        assert "Ordezkari gisa duzun identifikazioko datua" in helptext(eu, "representante-nif")


def test_the_instancia_general_keeps_its_prefill_acting_for_someone_else(
    catalogo, client_as, representante, ciudadana
):
    """Forms without x-prefill keep the implicit prefill, now through the sources: the
    interesado as applicant, the agent as representative, notices to the agent."""
    representante.email = "jon@example.org"
    representante.save()
    miren = person_interesado(ciudadana)
    make_power(poderdante=miren, apoderado=person_interesado(representante))
    client = client_as(representante)
    response = client.post(
        reverse("sede:filing_start", args=["instancia-general"]), {"interesado": miren.pk}
    )
    assert response.status_code == 302
    borrador = Borrador.objects.latest("pk")
    assert borrador.data["solicitante"]["nif"] == "12345678Z"
    assert borrador.data["solicitante"]["nombre"] == "Miren"
    assert borrador.data["representante"]["nif"] == "87654321X"
    assert borrador.data["actua_por_representante"] is True
    assert borrador.data["notificacion"] == {"canal": "electronica", "email": "jon@example.org"}
    html = page(client, borrador, step="solicitante")
    assert "Dato de su identificación" in helptext(html, "solicitante-nif")
