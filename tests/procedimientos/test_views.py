"""Public catalogue pages: search (accent-insensitive, es/eu), filters, procedure page (CAT-2)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from identidad.constants import TipoUnidad
from identidad.models import Unidad
from procedimientos.models import Materia, Procedimiento
from procedimientos.text import normalize

LIST = "/catalogo/"
LIST_EU = "/eu/catalogo/"


def _titles(response) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


@pytest.fixture
def catalogue(make_proc, otra_area):
    social = Materia.objects.create(slug="servicios-sociales", name_es="Servicios sociales")
    make_proc(
        "licencia-obra",
        title_es="Licencia de obra menor",
        title_eu="Obra txikirako lizentzia",
        audience="todos",
        digitisation_level=2,
    )
    make_proc(
        "aes",
        title_es="Ayudas de Emergencia Social",
        title_eu="Gizarte Larrialdietarako Laguntzak",
        materia=social,
        unit=otra_area,
        digitisation_level=3,
        summary_es="Ayuda económica para el alquiler y la energía.",
    )
    make_proc(
        "padron-alta",
        title_es="Alta en el Padrón Municipal",
        title_eu="Erroldan alta ematea",
        materia=social,
        unit=otra_area,
        digitisation_level=0,
    )
    make_proc(
        "terrazas",
        title_es="Autorización de terrazas",
        title_eu="Terrazetarako baimena",
        audience="empresas",
        digitisation_level=1,
    )
    make_proc("retirado", title_es="Trámite retirado", active=False)


class TestSearch:
    @pytest.mark.parametrize("q", ["padron", "PADRÓN", "Padrón municipal", "pádron"])
    def test_spanish_search_ignores_accents_and_case(self, client, catalogue, q):
        response = client.get(LIST, {"q": q})
        assert _titles(response) == ["Alta en el Padrón Municipal"]

    @pytest.mark.parametrize(
        "q", ["larrialdietarako", "LARRIALDIETARAKO laguntzak", "lárrialdietarako"]
    )
    def test_basque_search_ignores_accents_and_case(self, client, catalogue, q):
        response = client.get(LIST_EU, {"q": q})
        assert response.status_code == 200
        with translation.override("eu"):
            assert _titles(response) == ["Gizarte Larrialdietarako Laguntzak"]
        assert "Gizarte Larrialdietarako Laguntzak" in response.content.decode()

    def test_it_finds_basque_words_from_the_spanish_page_too(self, client, catalogue):
        assert _titles(client.get(LIST, {"q": "lizentzia"})) == ["Licencia de obra menor"]

    def test_summary_words_match(self, client, catalogue):
        assert _titles(client.get(LIST, {"q": "energia alquiler"})) == [
            "Ayudas de Emergencia Social"
        ]

    def test_inactive_procedures_are_never_listed(self, client, catalogue):
        assert _titles(client.get(LIST, {"q": "retirado"})) == []
        assert client.get(reverse("procedimientos:detail", args=["retirado"])).status_code == 404

    def test_no_result_says_so(self, client, catalogue):
        response = client.get(LIST, {"q": "zzzz"})
        assert "No hay trámites que coincidan" in response.content.decode()


class TestFilters:
    def test_by_subject(self, client, catalogue):
        response = client.get(LIST, {"materia": "servicios-sociales"})
        assert sorted(_titles(response)) == [
            "Alta en el Padrón Municipal",
            "Ayudas de Emergencia Social",
        ]

    def test_by_audience_includes_procedures_for_everyone(self, client, catalogue):
        titles = _titles(client.get(LIST, {"audience": "empresas"}))
        assert sorted(titles) == ["Autorización de terrazas", "Licencia de obra menor"]

    def test_by_unit_dir3(self, client, catalogue):
        titles = _titles(client.get(LIST, {"unit": "LA0900001"}))
        assert sorted(titles) == ["Alta en el Padrón Municipal", "Ayudas de Emergencia Social"]

    def test_by_parent_unit_includes_its_sub_units(self, client, catalogue, ayuntamiento):
        assert len(_titles(client.get(LIST, {"unit": ayuntamiento.dir3}))) == 4

    def test_by_digitisation_level(self, client, catalogue):
        assert _titles(client.get(LIST, {"level": "3"})) == ["Ayudas de Emergencia Social"]

    def test_filters_combine_with_search(self, client, catalogue):
        response = client.get(LIST, {"q": "alta", "materia": "urbanismo"})
        assert _titles(response) == []

    def test_a_bad_filter_value_does_not_break_the_page(self, client, catalogue):
        response = client.get(LIST, {"level": "9", "q": "padron"})
        assert response.status_code == 200
        assert _titles(response) == ["Alta en el Padrón Municipal"]


def _bulk_procedures(materia, units, start: int, count: int) -> None:
    procs = []
    for n in range(start, start + count):
        title = f"Procedimiento sintético número {n}"
        procs.append(
            Procedimiento(
                code=f"sint-{n:04d}",
                title_es=title,
                title_eu=f"{n}. prozedura sintetikoa",
                materia=materia,
                unit=units[n % len(units)],
                digitisation_level=n % 5,
                search_text=normalize(title),
            )
        )
    Procedimiento.objects.bulk_create(procs)


@pytest.mark.django_db
def test_the_list_issues_a_constant_number_of_queries_with_500_procedures(
    client, django_assert_max_num_queries, materia, area
):
    units = [
        Unidad.objects.create(
            dir3=f"LA09990{i:02d}", name_es=f"Servicio {i}", kind=TipoUnidad.SERVICIO, parent=area
        )
        for i in range(10)
    ]
    _bulk_procedures(materia, units, 0, 25)
    with CaptureQueriesContext(connection) as small:
        client.get(LIST, {"page": "2"})
    _bulk_procedures(materia, units, 25, 475)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST, {"page": "3"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST, {"q": "sintetico", "level": "2", "page": "2"})
    assert response.context["page"].paginator.count == 100
    assert len(small.captured_queries) <= 6


class TestProcedurePage:
    def test_cat2_it_shows_term_silence_and_the_units_dir3(self, client, make_proc):
        make_proc(
            "vado", title_es="Licencia de vado", max_term_value=3, silence_effect="desestimatorio"
        )
        body = client.get(reverse("procedimientos:detail", args=["vado"])).content.decode()
        assert "Plazo máximo de resolución" in body
        assert "3 meses" in body
        assert "Desestimatorio (negativo)" in body
        assert "LA0900004" in body
        assert "código de ejemplo, no oficial" in body

    def test_the_start_button_appears_from_level_2(self, client, make_proc):
        make_proc("online", digitisation_level=2)
        make_proc("papel", digitisation_level=1)
        online = client.get(reverse("procedimientos:detail", args=["online"])).content.decode()
        assert 'href="/tramites/online/"' in online
        assert "Iniciar trámite" in online
        papel = client.get(reverse("procedimientos:detail", args=["papel"])).content.decode()
        assert "/tramites/papel/" not in papel
        assert "no se puede presentar todavía en línea" in papel

    def test_the_starter_pages_render_their_guide_in_spanish_and_basque(self, client, starter):
        es = client.get("/catalogo/aes/").content.decode()
        assert "Ayudas de Emergencia Social (AES)" in es
        assert "Quién puede solicitarlo" in es
        assert "Preguntas frecuentes" in es
        eu = client.get("/eu/catalogo/aes/").content.decode()
        assert "Gizarte Larrialdietarako Laguntzak (GLL)" in eu
        assert "Bilbon erroldatuta" in eu
        assert "Izapidea hasi" in eu  # the start button, translated

    def test_unknown_code_is_404(self, client, db):
        assert client.get("/catalogo/no-existe/").status_code == 404

    def test_the_list_page_in_basque(self, client, starter):
        body = client.get(LIST_EU).content.decode()
        assert 'lang="eu"' in body
        assert "Izapideen katalogoa" in body


def test_cat2_the_list_shows_each_term_silence_and_dir3(client, make_proc):
    make_proc(
        "vado", title_es="Licencia de vado", max_term_value=1, silence_effect="desestimatorio"
    )
    body = client.get(LIST).content.decode()
    assert "1 mes" in body
    assert "Desestimatorio (negativo)" in body
    assert "LA0900004" in body
