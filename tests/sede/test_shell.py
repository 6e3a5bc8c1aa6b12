"""The shell every page shares: language switch, official time (TIME-1), identity, Mi carpeta."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from identidad.constants import MetodoIdentificacion, NivelGarantia
from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY
from tests.sede.test_accessibility import parse

# Citizens log in through an identity provider (Giltza, OIDC); its session backend here.
CITIZEN_BACKEND = "identidad.backends.oidc.GiltzaOIDCBackend"


@pytest.fixture(autouse=True)
def _reset_language():
    """Requests to /eu/ leave Basque active in this thread: give later tests Spanish back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _login(client, user, method=MetodoIdentificacion.BAKQ, level=NivelGarantia.SUSTANCIAL):
    client.force_login(user, backend=CITIZEN_BACKEND)
    session = client.session
    session[SESSION_METHOD_KEY] = str(method)
    session[SESSION_LEVEL_KEY] = int(level)
    session.save()


def _switch(html: bytes) -> dict[str, dict]:
    page = parse(html)
    return {a["hreflang"]: a for a in page.links if a.get("hreflang")}


@pytest.mark.django_db
class TestLanguageSwitch:
    def test_plain_links_switch_to_basque_and_back_without_javascript(self, client):
        switch = _switch(client.get("/titularidad/").content)
        assert switch["eu"]["href"] == "/eu/titularidad/"
        assert switch["es"].get("aria-current") == "true"
        assert "aria-current" not in switch["eu"]
        # Following the link (a plain GET, what a browser without JavaScript does) shows Basque.
        basque = client.get(switch["eu"]["href"])
        assert parse(basque.content).html_lang == "eu"
        back = _switch(basque.content)["es"]["href"]
        assert back == "/titularidad/"
        assert parse(client.get(back).content).html_lang == "es"

    def test_the_switch_keeps_the_query_string(self, client):
        switch = _switch(client.get("/mapa/?x=1").content)
        assert switch["eu"]["href"] == "/eu/mapa/?x=1"

    def test_each_language_is_named_in_itself(self, client):
        for url in ("/", "/eu/"):
            switch = _switch(client.get(url).content)
            assert switch["es"]["lang"] == "es" and switch["eu"]["lang"] == "eu"
        html = client.get("/eu/").content.decode()
        assert ">Castellano</a>" in html and ">Euskara</a>" in html

    def test_spanish_stays_the_default_without_a_prefix(self, client):
        """prefix_default_language=False: a page without prefix is Spanish even after /eu/."""
        client.get("/eu/")
        assert parse(client.get("/").content).html_lang == "es"


@pytest.mark.django_db
class TestOfficialTime:
    """TIME-1: the sede shows its official date and time, server time in Europe/Madrid."""

    def _time(self, client, url="/"):
        page = parse(client.get(url).content)
        return [attrs for tag, attrs in page.tags if tag == "time"]

    def test_summer_time_is_shown_in_madrid_time(self, client):
        with time_machine.travel(dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC), tick=False):
            html = client.get("/").content.decode()
            times = self._time(client)
        assert times[0]["datetime"].startswith("2026-07-01T12:00:00")
        assert times[0]["datetime"].endswith("+02:00")
        assert "1 de julio de 2026 a las 12:00" in html
        assert "(CEST)" in html

    def test_winter_time_is_shown_in_madrid_time_whatever_the_active_time_zone(
        self, client, settings
    ):
        settings.TIME_ZONE = "UTC"
        with time_machine.travel(dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC), tick=False):
            html = client.get("/eu/").content.decode()
            times = self._time(client, "/eu/")
        assert times[0]["datetime"].startswith("2026-01-15T11:00:00")
        assert times[0]["datetime"].endswith("+01:00")
        assert "11:00 (CET)" in html

    def test_it_states_the_time_is_official_and_synchronised_with_the_armada_observatory(
        self, client
    ):
        html = client.get("/").content.decode()
        assert "Fecha y hora oficial de la sede" in html
        assert "Real Instituto y Observatorio de la Armada" in html
        assert "NTP" in html
        # In the Basque note the Spanish proper name is marked as Spanish (WCAG 3.1.2).
        basque = client.get("/eu/").content.decode()
        assert '<span lang="es">Real Instituto y Observatorio de la Armada</span>' in basque

    def test_the_time_source_note_is_configurable(self, client, settings):
        settings.SEDE_TIME_SOURCE = "Observatorio de pruebas"
        settings.SEDE_TIME_NTP_SERVER = "ntp.example.org"
        html = client.get("/eu/").content.decode()
        assert "Observatorio de pruebas" in html and "ntp.example.org" in html
        assert "Real Instituto" not in html

    def test_the_date_and_calendar_page_shows_the_time_and_links_to_the_calendar(self, client):
        page = parse(client.get("/fecha-y-calendario/").content)
        assert len([t for t, _a in page.tags if t == "time"]) == 2  # page body and footer
        assert "/calendario/" in {a.get("href") for a in page.links}


@pytest.mark.django_db
class TestMiCarpeta:
    SECTIONS = [
        "borradores",
        "solicitudes",
        "expedientes",
        "notificaciones",
        "apoderamientos",
        "pagos",
    ]

    @pytest.mark.parametrize("language", ["es", "eu"])
    def test_it_requires_login(self, client, language):
        with translation.override(language):
            url = reverse("sede:mi_carpeta")
            login = reverse("identidad:login")
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{login}?next={url}"

    def test_it_greets_the_user_by_name_and_shows_every_section_empty(self, client, ciudadana):
        _login(client, ciudadana)
        response = client.get("/mi-carpeta/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Hola, Miren Etxeberria Agirre." in html
        ids = set(parse(response.content).ids)
        assert set(self.SECTIONS) <= ids
        assert html.count("No hay elementos.") == len(self.SECTIONS)

    def test_without_a_payment_gateway_there_is_no_payments_section(
        self, client, ciudadana, settings
    ):
        settings.PAGOS_GATEWAY = ""
        _login(client, ciudadana)
        response = client.get("/mi-carpeta/")
        assert "pagos" not in set(parse(response.content).ids)
        assert "Mis pagos" not in response.content.decode()

    def test_it_is_in_basque_under_eu(self, client, ciudadana):
        _login(client, ciudadana)
        html = client.get("/eu/mi-carpeta/").content.decode()
        assert "Kaixo, Miren Etxeberria Agirre." in html
        assert "Nire jakinarazpenak" in html and "Ez dago elementurik." in html


@pytest.mark.django_db
class TestHeaderIdentity:
    def test_anonymous_visitors_get_a_login_link(self, client):
        links = {a.get("href") for a in parse(client.get("/").content).links}
        assert reverse("identidad:login") in links
        assert "Cerrar sesión" not in client.get("/").content.decode()

    def test_the_header_shows_name_method_and_level_of_assurance(self, client, ciudadana):
        _login(client, ciudadana, MetodoIdentificacion.CERTIFICADO, NivelGarantia.ALTO)
        html = client.get("/").content.decode()
        assert "Miren Etxeberria Agirre" in html
        assert "Certificado electrónico" in html
        assert "nivel alto" in html

    def test_another_user_sees_their_own_name_not_hers(self, client, ciudadana, otra_ciudadana):
        _login(client, otra_ciudadana)
        html = client.get("/").content.decode()
        assert "Ane Zubiri" in html
        assert "Miren" not in html

    def test_logout_is_a_post_form_that_ends_the_session(self, client, ciudadana):
        _login(client, ciudadana)
        page = parse(client.get("/").content)
        forms = [a for tag, a in page.tags if tag == "form" and a.get("action") == "/salir/"]
        assert forms and forms[0]["method"] == "post"
        response = client.post("/salir/", follow=True)
        assert response.redirect_chain[-1][0] == "/"
        html = response.content.decode()
        assert "Ha cerrado la sesión." in html  # in the role=status messages area
        assert '<div class="messages" role="status"' in html
        assert client.get("/mi-carpeta/").status_code == 302

    def test_logout_refuses_get(self, client, ciudadana):
        _login(client, ciudadana)
        assert client.get("/salir/").status_code == 405
        assert client.get("/mi-carpeta/").status_code == 200
