"""Mi carpeta: my drafts, my submissions (number, date, receipt), my representations —
only what is mine or what a power allows, paginated, with a bounded number of queries."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apoderamientos.decision import person_interesado
from registro.models import Asiento
from sede.models import Borrador, Presentacion
from sede.services import oficina_sede
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.filing_support import login, make_power

pytestmark = pytest.mark.django_db

URL = reverse("sede:mi_carpeta")


def bulk_drafts(user, procedimiento, n):
    formulario = procedimiento.formularios.get(status="publicado")
    now = timezone.now()
    return Borrador.objects.bulk_create(
        Borrador(
            user=user,
            procedimiento=procedimiento,
            formulario=formulario,
            idempotency_key=f"sede-{uuid.uuid4()}",
            expires_at=now,
            data={},
        )
        for _ in range(n)
    )


def bulk_submissions(user, procedimiento, n, start=1):
    """Submitted drafts with their registry entries, written directly (volume only)."""
    drafts = bulk_drafts(user, procedimiento, n)
    now = timezone.now()
    oficina = oficina_sede()
    asientos = Asiento.objects.bulk_create(
        Asiento(
            year=now.year,
            direction="E",
            seq=start + i,
            presented_at=now,
            effective_at=now,
            oficina=oficina,
            canal="sede",
            resumen="Instancia general",
            idempotency_key=d.idempotency_key,
        )
        for i, d in enumerate(drafts)
    )
    interesado = person_interesado(user)
    return Presentacion.objects.bulk_create(
        Presentacion(
            borrador=d,
            user=user,
            interesado=interesado,
            procedimiento=procedimiento,
            asiento=a,
            submitted_at=now,
        )
        for d, a in zip(drafts, asientos, strict=True)
    )


def test_it_lists_my_drafts_submissions_and_powers(catalogo, client_as, ciudadana, representante):
    ig = catalogo["instancia-general"]
    draft = bulk_drafts(ciudadana, ig, 1)[0]
    presentacion = bulk_submissions(ciudadana, ig, 1)[0]
    power = make_power(
        poderdante=person_interesado(ciudadana), apoderado=person_interesado(representante)
    )
    html = client_as(ciudadana).get(URL).content.decode()
    assert reverse("sede:filing_resume", args=[draft.public_id]) in html
    assert presentacion.asiento.numero in html
    assert reverse("sede:filing_receipt_pdf", args=[presentacion.public_id]) in html
    assert power.numero in html
    # The apoderado sees the power too (REA-7: poderdante and apoderado only).
    assert power.numero in client_as(representante).get(URL).content.decode()


def test_another_citizen_sees_none_of_it_both_ways(catalogo, ciudadana, otra_ciudadana):
    ig = catalogo["instancia-general"]
    mine = bulk_submissions(ciudadana, ig, 1, start=1)[0]
    theirs = bulk_submissions(otra_ciudadana, ig, 1, start=2)[0]
    my_draft = bulk_drafts(ciudadana, ig, 1)[0]
    their_draft = bulk_drafts(otra_ciudadana, ig, 1)[0]
    for user, own, other, own_d, other_d in (
        (ciudadana, mine, theirs, my_draft, their_draft),
        (otra_ciudadana, theirs, mine, their_draft, my_draft),
    ):
        client = login(Client(), user)
        html = client.get(URL).content.decode()
        assert own.asiento.numero in html and other.asiento.numero not in html
        assert str(own_d.public_id) in html and str(other_d.public_id) not in html
        for name in ("sede:filing_receipt", "sede:filing_receipt_pdf"):
            assert client.get(reverse(name, args=[other.public_id])).status_code == 404
            assert client.get(reverse(name, args=[own.public_id])).status_code == 200


def test_sections_are_paginated(catalogo, client_as, ciudadana):
    bulk_drafts(ciudadana, catalogo["instancia-general"], 23)
    client = client_as(ciudadana)
    first = client.get(URL).content.decode()
    assert first.count("/tramites/borrador/") == 10
    assert "Página 1 de 3 (23 en total)" in first
    assert "?borradores=2#borradores" in first
    last = client.get(URL, {"borradores": 3}).content.decode()
    assert "Página 3 de 3" in last
    assert last.count("/tramites/borrador/") == 3


def test_the_number_of_queries_does_not_grow_with_the_rows(
    catalogo, ciudadana, representante, django_assert_max_num_queries
):
    """Few rows or many, the page costs the same queries (no N+1): bounded."""
    ig = catalogo["instancia-general"]
    miren, jon = person_interesado(ciudadana), person_interesado(representante)
    bulk_drafts(ciudadana, ig, 2)
    bulk_submissions(ciudadana, ig, 2)
    make_power(poderdante=miren, apoderado=jon)
    client = login(Client(), ciudadana)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    bulk_drafts(ciudadana, ig, 120)
    bulk_submissions(ciudadana, ig, 120, start=10)
    for _ in range(12):
        make_power(poderdante=miren, apoderado=jon)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
    assert len(few.captured_queries) <= 25


def test_a_power_in_force_lets_the_apoderado_see_the_poderdantes_submissions(
    catalogo, ciudadana, representante, otra_ciudadana
):
    """REA-2/REA-7: "only what is mine or what a power allows" — and only while it lasts."""
    from apoderamientos.services import apoderamiento_revoke

    ig = catalogo["instancia-general"]
    presentacion = bulk_submissions(ciudadana, ig, 1)[0]
    url = reverse("sede:filing_receipt", args=[presentacion.public_id])
    jon = login(Client(), representante)
    assert jon.get(url).status_code == 404
    power = make_power(
        poderdante=person_interesado(ciudadana),
        apoderado=person_interesado(representante),
        procedimientos=[catalogo["aes"]],
    )
    assert jon.get(url).status_code == 404  # a power for another procedure does not cover it
    power.procedimientos.add(ig)
    assert jon.get(url).status_code == 200
    assert presentacion.asiento.numero in jon.get(URL).content.decode()
    assert login(Client(), otra_ciudadana).get(url).status_code == 404
    apoderamiento_revoke(apoderamiento=power, actor=ciudadana)
    assert jon.get(url).status_code == 404
