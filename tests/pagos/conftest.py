import pytest

from tests.sede.filing_support import *  # noqa: F403

FIJA = {
    "rule": "fija",
    "concept_es": "Tasa por licencia de vado",
    "concept_eu": "Pasabide-lizentziaren tasa",
    "amount_cents": 2550,
}


@pytest.fixture
def con_tasa(catalogo):
    """The instancia general with a fixed fee of 25,50 € and identification only (CAT-5)."""
    procedimiento = catalogo["instancia-general"]
    procedimiento.signature_required = False
    procedimiento.tasa = FIJA
    procedimiento.save()
    return procedimiento


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    from django.core.cache import cache

    cache.clear()
