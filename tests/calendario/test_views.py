"""The public calendar page /calendario/ (TIME-7, SEDE-2), in Spanish and Basque."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation


@pytest.fixture(autouse=True)
def _june_2026():
    with time_machine.travel("2026-06-01 10:00 +02:00", tick=False):
        yield


def page(client, language: str = "es", **params) -> str:
    with translation.override(language):
        url = reverse("calendario:index")
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_needs_no_login(client, calendar_2026):
    assert reverse("calendario:index") == "/calendario/"
    assert "Calendario de días inhábiles 2026" in page(client)


def test_time7_the_page_lists_the_year_and_says_it_is_the_only_calendar(client, calendar_2026):
    html = page(client)
    assert '<th scope="row"><time datetime="2026-04-02">2 de abril de 2026</time></th>' in html
    assert "Jueves Santo" in html and "Lunes de Pascua" in html
    assert "<caption>15 días festivos en 2026, además de los sábados y domingos</caption>" in html
    assert "único calendario de días inhábiles" in html
    assert "sábados y domingos" in html
    assert "Pendiente de confirmación" in html  # Bilbao, 21 Aug
    assert html.count("Pendiente de confirmación") == 1
    assert "Mientras figuren en este calendario se tratan como inhábiles." in html


def test_the_page_in_basque_shows_basque_names(client, calendar_2026):
    html = page(client, "eu")
    assert '<html lang="eu">' in html
    assert "Ostegun Santua" in html and "Aste Santuko astelehena" in html
    assert "Jueves Santo" not in html
    assert "egutegi bakarra" in html  # the "only calendar" note, translated
    assert "Berresteko zain" in html  # pending confirmation


def test_the_year_selector_works_without_javascript(client, calendar_2026):
    html = page(client)
    assert '<form method="get" action="/calendario/"' in html
    assert '<label for="id_year">Año</label>' in html
    assert '<option value="2026" selected>2026</option>' in html
    assert '<option value="2027">2027</option>' in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "<script" not in main


def test_a_year_without_holidays_says_only_weekends_are_non_working(client, calendar_2026):
    html = page(client, year="2027")
    assert "Calendario de días inhábiles 2027" in html
    assert "Aún no se ha publicado el calendario de días festivos de 2027" in html
    assert "<table" not in html


@pytest.mark.parametrize("year", ["1999", "abc"])
def test_an_unknown_year_shows_an_error_and_the_current_year(client, calendar_2026, year):
    html = page(client, year=year)
    assert 'class="error-summary" role="alert"' in html
    assert f"No hay calendario publicado para el año «{year}»." in html
    assert "Calendario de días inhábiles 2026" in html
