"""Every citizen page of the sede shell renders in Spanish and in Basque (SEDE-2).

The Basque version must really be Basque: html lang="eu" and a known Basque text, not the
Spanish source falling through an untranslated catalogue.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.sede.test_accessibility import parse


@pytest.fixture(autouse=True)
def _reset_language():
    """Requests to /eu/ leave Basque active in this thread: give later tests Spanish back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


# url name -> (Spanish h1, Basque h1, a Spanish sentence, its Basque translation)
PAGES = {
    "home": (
        "Sede electrónica del Ayuntamiento de Bilbao",
        "Bilboko Udalaren egoitza elektronikoa",
        "¿Qué quiere hacer?",
        "Zer egin nahi duzu?",
    ),
    "titularidad": (
        "Titularidad de la sede",
        "Egoitzaren titulartasuna",
        "Acto de creación",
        "Sortze-egintza",
    ),
    "identificacion": (
        "Sistemas de identificación y firma admitidos",
        "Onartutako identifikazio- eta sinadura-sistemak",
        "Certificado electrónico cualificado",
        "Ziurtagiri elektroniko kualifikatua",
    ),
    "normas_registro": (
        "Normas del registro electrónico",
        "Erregistro elektronikoaren arauak",
        "Si presenta en un día inhábil",
        "Egun baliogabe batean aurkezten baduzu",
    ),
    "fecha_calendario": (
        "Fecha, hora y calendario de días inhábiles",
        "Data, ordua eta egun baliogabeen egutegia",
        "Cómo se cuentan los plazos",
        "Nola zenbatzen diren epeak",
    ),
    "accesibilidad": (
        "Declaración de accesibilidad",
        "Irisgarritasun-adierazpena",
        "Procedimiento de reclamación",
        "Erreklamazio-prozedura",
    ),
    "aviso_legal": (
        "Aviso legal y protección de datos",
        "Lege-oharra eta datuen babesa",
        "Protección de datos personales",
        "Datu pertsonalen babesa",
    ),
    "verificacion": (
        "Verificación de la sede, los sellos y los documentos",
        "Egoitzaren, zigiluen eta dokumentuen egiaztapena",
        "El certificado de la sede",
        "Egoitzaren ziurtagiria",
    ),
    "incidencias": (
        "Incidencias técnicas y ampliación de plazos",
        "Gorabehera teknikoak eta epeen luzapena",
        "Qué ocurre con sus plazos",
        "Zer gertatzen da zure epeekin",
    ),
    "quejas": (
        "Quejas y sugerencias",
        "Kexak eta iradokizunak",
        "Si no está de acuerdo con la respuesta",
        "Erantzunarekin ados ez bazaude",
    ),
    "mapa": (
        "Mapa de la sede",
        "Egoitzaren mapa",
        "Trámites y servicios",
        "Izapideak eta zerbitzuak",
    ),
}


def _url(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(f"sede:{name}")


def _h1(html: bytes) -> str:
    text = html.decode()
    start = text.index("<h1")
    return text[text.index(">", start) + 1 : text.index("</h1>", start)].strip()


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
class TestContentPages:
    def test_the_spanish_page_renders_in_spanish(self, client, name):
        h1_es, _h1_eu, text_es, text_eu = PAGES[name]
        response = client.get(_url(name, "es"))
        assert response.status_code == 200
        assert parse(response.content).html_lang == "es"
        assert _h1(response.content) == h1_es
        assert text_es in response.content.decode()
        assert text_eu not in response.content.decode()

    def test_the_basque_page_lives_under_eu_and_is_in_basque(self, client, name):
        _h1_es, h1_eu, text_es, text_eu = PAGES[name]
        url = _url(name, "eu")
        assert url.startswith("/eu/")
        response = client.get(url)
        assert response.status_code == 200
        assert parse(response.content).html_lang == "eu"
        assert _h1(response.content) == h1_eu
        assert text_eu in response.content.decode()
        assert text_es not in response.content.decode()
        # The shell around the page is translated too.
        assert "Joan eduki nagusira" in response.content.decode()
        assert "Egoitzaren data eta ordu ofiziala" in response.content.decode()


@pytest.mark.django_db
class TestHome:
    def test_it_links_to_the_main_entry_points_in_the_page_language(self, client):
        es = {a.get("href") for a in parse(client.get("/").content).links}
        assert {"/catalogo/", "/mi-carpeta/", "/verificar/", "/calendario/"} <= es
        eu = {a.get("href") for a in parse(client.get("/eu/").content).links}
        assert {"/eu/catalogo/", "/eu/mi-carpeta/", "/eu/verificar/", "/eu/calendario/"} <= eu

    def test_the_footer_links_to_every_sede2_page(self, client):
        """SEDE-2: owner, identification and signature, registry rules, calendar, accessibility."""
        hrefs = {a.get("href") for a in parse(client.get("/eu/").content).links}
        assert {_url(name, "eu") for name in PAGES} <= hrefs


@pytest.mark.django_db
class TestTitularidad:
    def test_it_names_the_owner_and_its_dir3_code(self, client):
        """SEDE-2, SEDE-3: owner of the sede."""
        html = client.get("/titularidad/").content.decode()
        assert "Ayuntamiento de Bilbao" in html
        assert "L01480209" in html

    def test_the_creation_act_is_a_marked_placeholder_until_the_council_sets_it(
        self, client, settings
    ):
        """SEDE-3: the BOB publication must be filled in by the council."""
        html = client.get("/titularidad/").content.decode()
        assert "Pendiente de completar por el Ayuntamiento." in html
        settings.SEDE_CREATION_ACT = "Decreto de Alcaldía 1/2027, BOB n.º 10, de 15-01-2027"
        html = client.get("/titularidad/").content.decode()
        assert "Decreto de Alcaldía 1/2027, BOB n.º 10, de 15-01-2027" in html
        assert "Pendiente de completar" not in html


@pytest.mark.django_db
class TestIdentificacion:
    def test_qualified_certificates_are_always_accepted_and_the_others_are_additional(self, client):
        """ID-1: qualified certificates in every procedure; Giltza/BakQ/Cl@ve are additional."""
        html = client.get("/identificacion-y-firma/").content.decode()
        for system in ("Certificado electrónico cualificado", "Giltza", "BakQ", "Cl@ve"):
            assert system in html
        assert "un certificado electrónico cualificado se admite siempre" in html
        assert "sello electrónico del Ayuntamiento" in html


@pytest.mark.django_db
class TestNormasRegistro:
    def test_it_explains_the_24x7_registry_and_the_non_working_day_rule(self, client):
        """REG-1 (24×7×365) and REG-2 (00:00 of the next working day) in plain language."""
        html = client.get("/normas-registro/").content.decode()
        assert "todos los días del año, las 24 horas" in html
        assert "a las 00:00 del primer día hábil" in html
        assert 'href="/calendario/"' in html


@pytest.mark.django_db
class TestIncidencias:
    def test_without_notices_it_says_there_is_no_incident(self, client):
        """SEDE-2: incident notices and term extensions."""
        html = client.get("/incidencias/").content.decode()
        assert "no hay ninguna incidencia técnica" in html

    def test_the_notices_in_force_are_listed(self, client, funcionario):
        from sede.incidencias import aviso_incidencia_create

        aviso_incidencia_create(
            by=funcionario,
            title_es="Registro parado",
            text_es="Registro parado el 1 de diciembre; plazos ampliados.",
        )
        html = client.get("/incidencias/").content.decode()
        assert "Registro parado el 1 de diciembre; plazos ampliados." in html
        assert "no hay ninguna incidencia técnica" not in html


@pytest.mark.django_db
class TestErrorPages:
    @pytest.mark.parametrize(
        ("language", "prefix", "title"),
        [("es", "", "Página no encontrada"), ("eu", "/eu", "Ez da orria aurkitu")],
    )
    def test_the_404_page_is_translated(self, client, language, prefix, title):
        response = client.get(f"{prefix}/no-existe/")
        assert response.status_code == 404
        page = parse(response.content)
        assert page.html_lang == language
        assert _h1(response.content) == title

    def test_the_404_language_switch_keeps_the_path(self, client):
        page = parse(client.get("/no-existe/").content)
        switch = {a.get("hreflang"): a.get("href") for a in page.links if a.get("hreflang")}
        assert switch == {"es": "/no-existe/", "eu": "/eu/no-existe/"}

    @pytest.mark.parametrize(
        ("language", "title"), [("es", "Error del servidor"), ("eu", "Zerbitzariaren errorea")]
    )
    def test_the_500_page_is_translated_and_needs_no_context(self, language, title):
        """Django renders 500.html without a request: it must stand alone."""
        with translation.override(language):
            response = server_error(RequestFactory().get("/"))
        assert response.status_code == 500
        page = parse(response.content)
        assert page.html_lang == language
        assert _h1(response.content) == title
        assert {"header", "main", "footer"} <= page.landmarks
        with translation.override(language):
            assert render_to_string("500.html") == response.content.decode()
