"""Catalogue search with verb forms and synonyms (issue 15 §6): PostgreSQL full-text search in
the Spanish and Basque configurations plus a synonym list; SQLite falls back to substrings and
the same synonyms (procedimientos/search.py)."""

import pytest
from django.db import connection

from procedimientos.models import Procedimiento
from procedimientos.search import alternatives
from procedimientos.selectors import CatalogoFiltro, procedimiento_public_list

pytestmark = pytest.mark.django_db


def _codes(q: str) -> set[str]:
    return set(procedimiento_public_list(CatalogoFiltro(q=q)).values_list("code", flat=True))


def _padron_codes() -> set[str]:
    return set(
        Procedimiento.objects.filter(title_es__icontains="padr").values_list("code", flat=True)
    )


def test_synonym_groups_bridge_words_in_both_languages():
    assert "padron" in alternatives("empadronarse")
    assert "residuos" in alternatives("basura")
    assert "hondakin" in alternatives("basura")
    assert alternatives("zorrotzaurre") == ["zorrotzaurre"]


class TestOnAnyDatabase:
    def test_empadronarse_finds_the_padron_procedures(self, starter):
        found = _codes("empadronarse")
        assert _padron_codes() <= found and _padron_codes()
        assert "recogida-voluminosos" not in found

    def test_basura_finds_waste_collection(self, starter):
        assert "recogida-voluminosos" in _codes("basura")
        assert "recogida-voluminosos" in _codes("zaborra")  # Basque

    def test_every_word_must_still_match(self, starter):
        assert _codes("basura padron") == set()
        assert "recogida-voluminosos" in _codes("basura colchones")

    def test_half_typed_words_still_match(self, starter):
        assert {"volante-empadronamiento", "certificado-empadronamiento"} <= _codes("empadro")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search: PostgreSQL only")
class TestPostgresFullText:
    """Stemming in the Spanish and Basque configurations: forms that no list names."""

    def test_verb_forms_and_plurals_match_by_stem(self, starter):
        # "empadronados" is in no synonym list: it matches "empadronamiento" by its stem.
        assert "certificado-empadronamiento" in _codes("empadronados")
        assert "recogida-voluminosos" in _codes("residuo")  # singular → "residuos"
        assert "recogida-voluminosos" in _codes("recoger muebles")

    def test_the_full_text_index_exists(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'procedimiento_search_fts'"
            )
            (definition,) = cursor.fetchone()
        assert "to_tsvector('spanish'" in definition and "to_tsvector('basque'" in definition

    def test_the_public_page_finds_them(self, client, starter):
        page = client.get("/catalogo/?q=empadronarse").content.decode()
        assert "Certificado de empadronamiento" in page
        assert (
            "Altzariak eta tresna handiak" in client.get("/eu/catalogo/?q=zabor").content.decode()
        )
