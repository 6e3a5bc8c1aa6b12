"""The calendar in the back office: staff edit it year by year (TIME-7)."""

from __future__ import annotations

from datetime import date

import pytest

from calendario.models import DiaInhabil
from calendario.terms import is_working_day

CHANGELIST = "/admin/calendario/diainhabil/"


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("gestora", "gestora@example.org", "x")
    client.force_login(user)
    return client


def test_staff_see_one_year_at_a_time(admin_client, calendar_2026):
    DiaInhabil.objects.create(
        date=date(2027, 1, 1), name_es="Año Nuevo", scope="state", source="BOE"
    )
    html = admin_client.get(CHANGELIST, {"date__year": 2026}).content.decode()
    assert "Jueves Santo" in html and "Ostegun Santua" in html
    assert "15 días inhábiles" in html
    assert "2027-01-01" not in html and "1 de enero de 2027" not in html


def test_confirming_the_bilbao_day_is_one_action(admin_client, calendar_2026):
    bilbao = DiaInhabil.objects.get(date=date(2026, 8, 21))
    response = admin_client.post(
        CHANGELIST,
        {"action": "mark_verified", "_selected_action": [bilbao.pk]},
    )
    assert response.status_code == 302
    bilbao.refresh_from_db()
    assert bilbao.verified is True


def test_an_edit_in_the_admin_changes_the_terms_at_once(admin_client, calendar_2026):
    bilbao = DiaInhabil.objects.get(date=date(2026, 8, 21))
    assert is_working_day(date(2026, 8, 21)) is False  # cached now
    response = admin_client.post(
        f"{CHANGELIST}{bilbao.pk}/change/",
        {
            "date": "2026-08-24",
            "name_es": bilbao.name_es,
            "name_eu": bilbao.name_eu,
            "scope": "bilbao",
            "source": "BOB",
            "notes": "",
            "verified": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert is_working_day(date(2026, 8, 21)) is True
    assert is_working_day(date(2026, 8, 24)) is False


def test_citizens_cannot_edit_the_calendar(client, ciudadana):
    client.force_login(ciudadana)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
