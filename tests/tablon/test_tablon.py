"""The electronic notice board (tablón de edictos, Ley 39/2015 art. 45; SEDE-2): staff publish
edicts for a period, each sealed with a CSV; the sede lists those in force (es/eu, search);
a daily sealed digest proves what was on the board, so the council can certify A→B."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from identidad.models import User
from identidad.roles import Role
from tablon import services
from tablon.models import Edicto, ResumenDiario

pytestmark = pytest.mark.django_db

MADRID = timezone.get_default_timezone()


def _staff(username, *roles):
    user = User.objects.create_user(username, password="x", is_staff=True)
    for role in roles:
        user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def jefa(db):
    return _staff("jefa-registro", Role.REGISTRY_HEAD)


def _publish(by, organo, start, days=3, **kw):
    values = {
        "kind": "edicto",
        "title_es": "Información pública del plan especial de Zorrotzaurre",
        "title_eu": "Zorrotzaurreko plan bereziaren jendaurreko informazioa",
        "body_es": "Se somete a información pública durante veinte días.",
        "body_eu": "Jendaurrean jartzen da hogei egunez.",
    }
    values.update(kw)
    return services.edicto_publish(
        by=by,
        organo=organo,
        published_from=start,
        published_until=start + timedelta(days=days),
        **values,
    )


def _at(y, m, d, h=9):
    return datetime(y, m, d, h, 0, tzinfo=MADRID)


class TestPublish:
    def test_an_edict_is_sealed_with_a_csv_verifiable_through_firma(
        self, council_seal, jefa, ayuntamiento
    ):
        from firma.services import csv_resolve, documento_read

        edicto = _publish(jefa, ayuntamiento, timezone.now())
        assert edicto.numero.endswith(f"{edicto.pk:06d}")
        version = csv_resolve(edicto.csv)
        assert version is not None and version.sha256 == edicto.sha256
        assert version.tipo_firma  # sealed (PAdES) by the council
        assert documento_read(version).startswith(b"%PDF")

    def test_a_period_that_ends_before_it_starts_is_refused(self, council_seal, jefa, ayuntamiento):
        from django.core.exceptions import ValidationError

        now = timezone.now()
        with pytest.raises(ValidationError):
            services.edicto_publish(
                by=jefa, organo=ayuntamiento, kind="edicto", title_es="T", body_es="B",
                published_from=now, published_until=now - timedelta(days=1),
            )  # fmt: skip
        assert Edicto.objects.count() == 0

    def test_a_publication_cannot_start_in_the_past(self, council_seal, jefa, ayuntamiento):
        with pytest.raises(services.PublicacionError):
            _publish(jefa, ayuntamiento, timezone.now() - timedelta(days=2))


class TestPublicBoard:
    def test_lists_only_what_is_in_force_and_searches_in_both_languages(
        self, client, council_seal, jefa, ayuntamiento
    ):
        now = timezone.now()
        vigente = _publish(jefa, ayuntamiento, now)
        _publish(jefa, ayuntamiento, now + timedelta(days=5), title_es="Anuncio futuro de obras")
        retirado = _publish(jefa, ayuntamiento, now, title_es="Convocatoria retirada")
        services.edicto_withdraw(edicto=retirado, by=jefa, reason="Error en el texto")

        page = client.get("/tablon/").content.decode()
        assert "Zorrotzaurre" in page
        assert "Anuncio futuro" not in page and "Convocatoria retirada" not in page
        assert vigente.numero in page

        # Accent- and case-insensitive, Spanish or Basque words.
        assert "Zorrotzaurre" in client.get("/tablon/?q=informacion+PUBLICA").content.decode()
        eu = client.get("/eu/tablon/?q=jendaurreko").content.decode()
        assert "Zorrotzaurreko plan bereziaren" in eu
        assert "Zorrotzaurre" not in client.get("/tablon/?q=licencia").content.decode()

        detail = client.get(f"/tablon/edicto/{vigente.public_id}/").content.decode()
        assert vigente.csv in detail and "Detalles técnicos" in detail
        pdf = client.get(f"/tablon/edicto/{vigente.public_id}/edicto.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    def test_a_scheduled_edict_is_not_reachable_before_its_start(
        self, client, council_seal, jefa, ayuntamiento
    ):
        futuro = _publish(jefa, ayuntamiento, timezone.now() + timedelta(days=1))
        assert client.get(f"/tablon/edicto/{futuro.public_id}/").status_code == 404
        assert client.get(f"/tablon/edicto/{futuro.public_id}/edicto.pdf").status_code == 404

    def test_a_basque_page_marks_spanish_only_text(self, client, council_seal, jefa, ayuntamiento):
        edicto = _publish(jefa, ayuntamiento, timezone.now(), title_eu="", body_eu="")
        eu = client.get("/eu/tablon/").content.decode()
        assert '<span lang="es">Información pública del plan especial' in eu
        detail = client.get(f"/eu/tablon/edicto/{edicto.public_id}/").content.decode()
        assert '<h1 lang="es">' in detail


class TestDailyDigestAndCertificate:
    def test_the_digests_prove_the_period_and_the_certificate_cites_them(
        self, council_seal, jefa, ayuntamiento
    ):
        with time_machine.travel(_at(2026, 3, 2, 8), tick=False):
            edicto = _publish(jefa, ayuntamiento, _at(2026, 3, 2, 9), days=3)  # 2→5 March 09:00
            otro = _publish(jefa, ayuntamiento, _at(2026, 3, 4, 12), days=1, title_es="Otro")
        with time_machine.travel(_at(2026, 3, 6, 1), tick=False):
            assert services.resumenes_pending() == 4  # 2, 3, 4 and 5 March
            assert services.resumenes_pending() == 0  # idempotent
            days = {r.date: r for r in ResumenDiario.objects.all()}
            assert [e["numero"] for e in days[date(2026, 3, 2)].entries] == [edicto.numero]
            assert {e["numero"] for e in days[date(2026, 3, 4)].entries} == {
                edicto.numero,
                otro.numero,
            }
            first_day = days[date(2026, 3, 2)].entries[0]
            assert first_day["from"].startswith("2026-03-02T09:00")
            last_day = days[date(2026, 3, 5)].entries[0]
            assert last_day["until"].startswith("2026-03-05T09:00")

            proof = services.publication_proof(edicto)
            assert proof["complete"] and proof["first"] == date(2026, 3, 2)
            assert proof["last"] == date(2026, 3, 5) and proof["missing"] == []

            from firma.services import csv_resolve

            code = services.certificado_publicacion_issue(edicto=edicto, by=jefa)
            assert csv_resolve(code).tipo_firma

    def test_a_missing_digest_blocks_the_certificate(self, council_seal, jefa, ayuntamiento):
        with time_machine.travel(_at(2026, 3, 2, 8), tick=False):
            edicto = _publish(jefa, ayuntamiento, _at(2026, 3, 2, 9), days=3)
        with time_machine.travel(_at(2026, 3, 6, 1), tick=False):
            services.resumen_diario_take(day=date(2026, 3, 2))
            services.resumen_diario_take(day=date(2026, 3, 3))
            proof = services.publication_proof(edicto)
            assert not proof["complete"]
            assert proof["missing"] == [date(2026, 3, 4), date(2026, 3, 5)]
            with pytest.raises(services.PublicacionError):
                services.certificado_publicacion_issue(edicto=edicto, by=jefa)

    def test_today_cannot_be_sealed_before_it_ends(self, council_seal):
        with pytest.raises(services.PublicacionError):
            services.resumen_diario_take(day=timezone.localdate())

    def test_the_beat_task_is_scheduled(self, settings):
        tasks = {v["task"] for v in settings.CELERY_BEAT_SCHEDULE.values()}
        assert "tablon.tasks.resumenes_diarios_task" in tasks


class TestStaffPages:
    def test_the_head_of_registry_publishes_from_the_staff_page(
        self, client, council_seal, jefa, ayuntamiento
    ):
        client.force_login(jefa)
        assert "/tablon/gestion/" in client.get("/gestion/").content.decode()
        start = timezone.localtime() + timedelta(minutes=1)
        response = client.post(
            "/tablon/gestion/nuevo/",
            {
                "kind": "anuncio",
                "organo": ayuntamiento.pk,
                "title_es": "Anuncio de licitación",
                "body_es": "Texto del anuncio.",
                "published_from": start.strftime("%Y-%m-%dT%H:%M"),
                "published_until": (start + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
            },
        )
        edicto = Edicto.objects.get()
        assert response.status_code == 302 and edicto.csv
        page = client.get(f"/tablon/gestion/{edicto.public_id}/").content.decode()
        assert edicto.csv in page
        client.post(f"/tablon/gestion/{edicto.public_id}/retirar/", {"reason": "Duplicado"})
        edicto.refresh_from_db()
        assert edicto.withdrawn_reason == "Duplicado"

    def test_a_bad_period_is_a_form_error(self, client, council_seal, jefa, ayuntamiento):
        client.force_login(jefa)
        start = timezone.localtime() + timedelta(minutes=1)
        page = client.post(
            "/tablon/gestion/nuevo/",
            {
                "kind": "edicto",
                "organo": ayuntamiento.pk,
                "title_es": "T",
                "body_es": "B",
                "published_from": start.strftime("%Y-%m-%dT%H:%M"),
                "published_until": start.strftime("%Y-%m-%dT%H:%M"),
            },
        )
        assert page.status_code == 200 and "posterior al inicio" in page.content.decode()
        assert Edicto.objects.count() == 0

    @pytest.mark.parametrize("who", ["citizen", "clerk", "staff_without_role", "anonymous"])
    def test_everyone_else_gets_404(self, client, council_seal, jefa, ayuntamiento, ciudadana, who):
        edicto = _publish(jefa, ayuntamiento, timezone.now())
        users = {
            "citizen": ciudadana,
            "clerk": _staff("clerk", Role.REGISTRY_CLERK),
            "staff_without_role": _staff("nobody"),
        }
        if who in users:
            client.force_login(users[who])
        expected = {302} if who == "anonymous" else {404}
        for url in (
            "/tablon/gestion/",
            "/tablon/gestion/nuevo/",
            f"/tablon/gestion/{edicto.public_id}/",
        ):
            assert client.get(url).status_code in expected
        r = client.post(f"/tablon/gestion/{edicto.public_id}/retirar/", {"reason": "x"})
        assert r.status_code in expected
        edicto.refresh_from_db()
        assert edicto.withdrawn_at is None
