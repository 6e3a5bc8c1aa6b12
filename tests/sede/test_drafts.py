"""Drafts: every step saves, resume later (another session), repeatable groups without
JavaScript, expiry after SEDE_DRAFT_EXPIRY_DAYS by the beat task, access both ways."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sede.models import Adjunto, Borrador
from sede.services import Upload, adjunto_add, borradores_expire
from sede.tasks import borradores_expire_task
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.filing_support import login, make_pdf
from tests.sede.test_submit import new_draft

pytestmark = pytest.mark.django_db


def step_url(borrador, step_id):
    return reverse("sede:filing_step", args=[borrador.public_id, step_id])


class TestSaveAndResume:
    def test_an_invalid_step_is_saved_anyway_and_shows_its_errors(
        self, catalogo, client_as, ciudadana
    ):
        client = client_as(ciudadana)
        borrador = new_draft(ciudadana, catalogo["instancia-general"])
        response = client.post(
            step_url(borrador, "solicitud"), {"asunto": "Hola", "expone": "", "action": "next"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Hay 3 problemas en el formulario" in html
        assert 'href="#f-asunto"' in html and 'id="f-asunto_error"' in html
        borrador.refresh_from_db()
        assert borrador.data["asunto"] == "Hola"  # saved: nothing typed is lost

    def test_resume_in_a_new_session_after_the_old_one_expired(
        self, catalogo, client_as, ciudadana
    ):
        client = client_as(ciudadana)
        borrador = new_draft(ciudadana, catalogo["instancia-general"])
        client.post(
            step_url(borrador, "solicitud"),
            {"asunto": "Ruido nocturno", "expone": "Hay ruido cada noche.", "action": "save"},
        )
        client.logout()  # the session ends (expiry, closed browser...)
        fresh = login(Client(), ciudadana)
        resume = fresh.get(reverse("sede:filing_resume", args=[borrador.public_id]))
        assert resume["Location"] == step_url(borrador, "solicitud")
        page = fresh.get(resume["Location"]).content.decode()
        assert 'value="Ruido nocturno"' in page and "Hay ruido cada noche." in page

    def test_back_saves_and_goes_to_the_previous_step(self, catalogo, client_as, ciudadana):
        client = client_as(ciudadana)
        borrador = new_draft(ciudadana, catalogo["instancia-general"])
        response = client.post(
            step_url(borrador, "solicitud"), {"asunto": "Algo", "action": "back"}
        )
        assert response["Location"] == step_url(borrador, "solicitante")
        borrador.refresh_from_db()
        assert borrador.data["asunto"] == "Algo"


class TestRepeatableGroupsWithoutJavaScript:
    def test_add_another_and_remove(self, catalogo, client_as, ciudadana):
        client = client_as(ciudadana)
        borrador = new_draft(ciudadana, catalogo["aes"])
        url = step_url(borrador, "convivencia")
        page = client.get(url).content.decode()
        assert 'name="count-miembros" value="0"' in page
        page = client.post(url, {"count-miembros": "0", "action": "add:/miembros"}).content.decode()
        assert 'name="miembros-0-nombre"' in page and 'name="count-miembros" value="1"' in page
        page = client.post(
            url,
            {
                "count-miembros": "1",
                "miembros-0-nombre": "Ane",
                "action": "add:/miembros",
            },
        ).content.decode()
        assert 'name="miembros-1-nombre"' in page and 'value="Ane"' in page
        assert "error-summary" not in page  # adding is not submitting
        page = client.post(
            url,
            {
                "count-miembros": "2",
                "miembros-0-nombre": "Ane",
                "miembros-1-nombre": "Jon",
                "action": "remove:/miembros:0",
            },
        ).content.decode()
        borrador.refresh_from_db()
        assert borrador.data["miembros"] == [{"nombre": "Jon"}]
        assert 'name="miembros-1-nombre"' not in page


class TestExpiry:
    def test_drafts_expire_after_the_configured_days_of_inactivity(
        self, catalogo, ciudadana, settings
    ):
        settings.SEDE_DRAFT_EXPIRY_DAYS = 30
        borrador = new_draft(ciudadana, catalogo["aes"])
        adjunto = adjunto_add(borrador=borrador, upload=Upload("a.pdf", make_pdf()))
        assert borrador.expires_at - timezone.now() > timedelta(days=29)
        with time_machine.travel(timezone.now() + timedelta(days=29)):
            assert borradores_expire() == 0
        with time_machine.travel(timezone.now() + timedelta(days=31)):
            assert borradores_expire_task.delay().get() == 1
        assert not Borrador.objects.filter(pk=borrador.pk).exists()
        assert not Adjunto.objects.filter(pk=adjunto.pk).exists()

    def test_every_save_pushes_the_expiry_back(self, catalogo, client_as, ciudadana):
        borrador = new_draft(ciudadana, catalogo["instancia-general"])
        with time_machine.travel(timezone.now() + timedelta(days=20)):
            client_as(ciudadana).post(
                step_url(borrador, "solicitud"), {"asunto": "Sigo", "action": "save"}
            )
        with time_machine.travel(timezone.now() + timedelta(days=40)):
            assert borradores_expire() == 0

    def test_attachment_files_go_with_the_draft(
        self, catalogo, ciudadana, django_capture_on_commit_callbacks
    ):
        borrador = new_draft(ciudadana, catalogo["aes"])
        adjunto = adjunto_add(borrador=borrador, upload=Upload("a.pdf", make_pdf()))
        assert default_storage.exists(adjunto.file)
        with (
            time_machine.travel(timezone.now() + timedelta(days=31)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            borradores_expire()
        assert not default_storage.exists(adjunto.file)


class TestAccessBothWays:
    """Another citizen gets 404 on my draft, and I get 404 on theirs."""

    URLS = ["filing_resume", "filing_review", "filing_sign", "filing_solicitud", "filing_delete"]

    def test_drafts_are_private_both_ways(self, catalogo, client_as, ciudadana, otra_ciudadana):
        mine = new_draft(ciudadana, catalogo["instancia-general"])
        theirs = new_draft(otra_ciudadana, catalogo["instancia-general"])
        for owner, other, borrador in (
            (ciudadana, otra_ciudadana, mine),
            (otra_ciudadana, ciudadana, theirs),
        ):
            intruder = login(Client(), other)
            for name in self.URLS:
                url = reverse(f"sede:{name}", args=[borrador.public_id])
                assert intruder.get(url).status_code == 404, name
            assert intruder.get(step_url(borrador, "solicitud")).status_code == 404
            assert (
                intruder.post(step_url(borrador, "solicitud"), {"asunto": "X"}).status_code == 404
            )
            assert (
                intruder.post(reverse("sede:filing_submit", args=[borrador.public_id])).status_code
                == 404
            )
            assert (
                intruder.post(reverse("sede:filing_delete", args=[borrador.public_id])).status_code
                == 404
            )
            owner_client = login(Client(), owner)
            assert owner_client.get(step_url(borrador, "solicitud")).status_code == 200
        assert Borrador.objects.count() == 2

    def test_the_owner_can_delete_a_draft(self, catalogo, client_as, ciudadana):
        borrador = new_draft(ciudadana, catalogo["instancia-general"])
        client = client_as(ciudadana)
        assert (
            client.get(reverse("sede:filing_delete", args=[borrador.public_id])).status_code == 200
        )
        response = client.post(reverse("sede:filing_delete", args=[borrador.public_id]))
        assert response.status_code == 302
        assert not Borrador.objects.exists()

    def test_anonymous_visitors_are_sent_to_identify(self, catalogo, client, ciudadana):
        borrador = new_draft(ciudadana, catalogo["instancia-general"])
        response = client.get(step_url(borrador, "solicitud"))
        assert response.status_code == 302 and "/identidad/acceso/" in response["Location"]


def test_the_expiry_runs_hourly_from_celery_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sede-drafts-expire"]
    assert entry["task"] == borradores_expire_task.name
    assert entry["schedule"] <= 24 * 3600
