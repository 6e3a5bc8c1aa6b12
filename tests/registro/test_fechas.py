"""The registry book's instants: ``|fecha_hora`` writes exactly what ``|date`` wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines
from django.utils import translation

INSTANTS = [
    datetime(2026, 1, 5, 8, 0, 1, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # the last second before summer time
    datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),  # 03:00 in Bilbao
    datetime(2026, 10, 25, 0, 30, 0, tzinfo=UTC),  # 02:30 CEST, the hour that repeats
    datetime(2026, 10, 25, 1, 30, 0, tzinfo=UTC),  # 02:30 CET
    datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),  # New Year in Bilbao already
    datetime(2017, 1, 2, 7, 0, tzinfo=UTC) + timedelta(minutes=5 * 123_457),
]


def render(source: str, value) -> str:
    return engines["django"].from_string("{% load registro_fechas %}" + source).render({"v": value})


@pytest.mark.parametrize("language", ["es", "eu"])
@pytest.mark.parametrize("instant", INSTANTS)
def test_fecha_hora_is_the_date_filter_in_bilbao_time(instant, language):
    with translation.override(language):
        seconds = render('{{ v|date:"d/m/Y H:i:s" }}', instant)
        assert render("{{ v|fecha_hora }}", instant) == seconds
        assert render("{{ v|fecha_hora_minutos }}", instant) == render(
            '{{ v|date:"d/m/Y H:i" }}', instant
        )


def test_an_empty_instant_is_empty():
    assert render("{{ v|fecha_hora }}|{{ v|fecha_hora_minutos }}", None) == "|"
