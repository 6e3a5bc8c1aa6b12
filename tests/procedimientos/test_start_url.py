"""The catalogue's "Iniciar trámite" button opens the filing flow in the page's language."""

import pytest
from django.utils import translation

from procedimientos.models import Procedimiento

pytestmark = pytest.mark.django_db


def test_the_start_link_keeps_the_language():
    proc = Procedimiento(code="INST-GEN")
    assert proc.start_url == "/tramites/INST-GEN/"
    with translation.override("eu"):
        assert proc.start_url == "/eu/tramites/INST-GEN/"
