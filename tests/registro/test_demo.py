"""registro.demo.load_demo: offices and demo entries, idempotent."""

import pytest

from identidad.demo_data import load_demo as identidad_demo
from registro.demo import load_demo
from registro.models import Asiento, Oficina
from registro.verify import verify_all

pytestmark = pytest.mark.django_db


def test_load_demo_creates_offices_and_entries_once():
    identidad_demo()
    load_demo()
    load_demo()
    assert Oficina.objects.filter(kind="sede").count() == 1
    assert Oficina.objects.filter(kind="presencial").count() == 1
    assert sorted(Asiento.objects.values_list("direction", flat=True)) == ["E", "S"]
    assert verify_all() == []
