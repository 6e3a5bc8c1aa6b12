"""sede.demo.load_demo is idempotent and leaves a draft to resume in Miren's Mi carpeta."""

import pytest

from identidad.demo_data import load_demo as identidad_demo
from registro.models import Oficina
from sede.demo import load_demo
from sede.models import Borrador
from tests.sede.filing_support import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_load_demo_twice(catalogo):
    identidad_demo()
    load_demo()
    load_demo()
    assert Borrador.objects.filter(user__nif="12345678Z").count() == 1
    assert Oficina.objects.filter(kind="sede").count() == 1
