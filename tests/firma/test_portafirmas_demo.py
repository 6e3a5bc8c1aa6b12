"""The firma demo data loads, twice without duplicates, and is usable."""

import pytest
from django.contrib.auth import get_user_model

from firma.demo import VERIFY_DOC, load_demo
from firma.models import DocumentoVersion, PeticionFirma
from firma.selectors import csv_resolve, inbox_for

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_fills_the_inbox():
    user = get_user_model().objects.create_user("funcionaria", is_staff=True)
    load_demo()
    load_demo()
    assert PeticionFirma.objects.count() == 2
    assert inbox_for(user).count() == 2
    version = DocumentoVersion.objects.get(name=VERIFY_DOC)
    assert version.tipo_firma == "TF06"  # sealed with the council seal (FIR-7)
    assert csv_resolve(version.csv_display) == version
