"""Sessions expire after SESSION_COOKIE_AGE of inactivity, saved at most once a minute."""

from __future__ import annotations

import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _session_writes(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return sum(
        1 for q in captured.captured_queries if q["sql"].startswith('UPDATE "django_session')
    )


def test_an_active_session_is_saved_once_a_minute_and_its_expiry_moves(client, ciudadana):
    client.force_login(ciudadana)
    url = reverse("sede:mi_carpeta")
    key = client.session.session_key
    with time_machine.travel("2026-12-04 10:00:00+01:00", tick=False):
        client.get(url)
        first_expiry = Session.objects.get(session_key=key).expire_date
        assert _session_writes(client, url) == 0  # the same minute: no write
    with time_machine.travel("2026-12-04 10:01:30+01:00", tick=False):
        assert _session_writes(client, url) == 1
    assert Session.objects.get(session_key=key).expire_date > first_expiry


def test_an_idle_session_expires(client, ciudadana, settings):
    with time_machine.travel("2026-12-04 10:00:00+01:00", tick=False):
        client.force_login(ciudadana)
        client.get(reverse("sede:mi_carpeta"))
    later = f"2026-12-04 10:{settings.SESSION_COOKIE_AGE // 60 + 1:02d}:00+01:00"
    with time_machine.travel(later, tick=False):
        response = client.get(reverse("sede:mi_carpeta"))
    assert response.status_code == 302  # sent to identify again
