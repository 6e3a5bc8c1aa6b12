"""Mi carpeta reads a citizen's filings through indexes: the own filings by user and by
interesado, those of the people one represents by interesado — never a scan of every filing
(issue 10: 3.4 s at 10⁶ filings when an OR with a correlated EXISTS defeated the indexes)."""

from __future__ import annotations

from django.urls import reverse

from bench.datasets import POWER_EVERY
from identidad.models import User
from tests.support.query_plans import assert_page_uses_indexes, sede_volume

__all__ = ["sede_volume"]

BIG = [
    "sede_presentacion",
    "sede_borrador",
    "registro_asiento",
    "expedientes_expediente",
    "expedientes_expedienteparte",
    "notificaciones_notificacion",
]
URL = reverse("sede:mi_carpeta")


def test_a_citizens_folder_reads_only_through_indexes(client, sede_volume):
    client.force_login(User.objects.get(username="bench-c5"))
    response = assert_page_uses_indexes(client, URL, tables=BIG, min_queries=2)
    assert response.content.decode().count("justificante.pdf") >= 10


def test_a_representatives_folder_reads_only_through_indexes(client, sede_volume):
    """bench-c2 holds a general power of bench-c1 (one in POWER_EVERY citizens grants one)."""
    assert POWER_EVERY > 2
    client.force_login(User.objects.get(username="bench-c2"))
    html = assert_page_uses_indexes(client, URL, tables=BIG, min_queries=2).content.decode()
    assert "Etxeberria 1<" in html  # a filing of the poderdante
    assert_page_uses_indexes(client, URL, data={"solicitudes": "2"}, tables=BIG)
