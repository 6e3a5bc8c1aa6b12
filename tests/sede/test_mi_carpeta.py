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


def test_the_number_of_queries_does_not_grow_with_the_rows(catalogo, ciudadana, representante):
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
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    few, many = _statements(few), _statements(many)
    assert len(many) <= len(few), many
    # Issue 10: ≤ 10 queries, the session's included.
    assert len(many) <= 10, "\n".join(q[:150] for q in many)


def _statements(captured) -> list[str]:
    """The SQL a request ran, without the test transaction's savepoints."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    ]


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


def test_filings_page_by_key_with_no_gaps_and_no_repeats(catalogo, client_as, ciudadana):
    """Issue 10: the filings section pages by key (no COUNT of the big table). 25 filings
    with the same submission instant (ties broken by id) come out 10 + 10 + 5, each once."""
    import re

    ig = catalogo["instancia-general"]
    numbers = {p.asiento.numero for p in bulk_submissions(ciudadana, ig, 25)}
    client = client_as(ciudadana)
    seen, url, pages = [], URL, 0
    while url:
        html = client.get(url).content.decode()
        section = html.split('id="solicitudes"', 1)[1].split("</section>", 1)[0]
        rows = section.split("<tbody>", 1)[1].split("</tbody>")[0].split("</tr>")
        seen += [re.search(r"\d{4}/E/\d{8}", row).group(0) for row in rows if "/E/" in row]
        pages += 1
        following = re.search(r'href="\?(solicitudes=[^"#]+)#solicitudes"', section)
        url = f"{URL}?{following.group(1)}" if following else None
        if pages > 1:
            assert "Las más recientes" in section
    assert pages == 3
    assert len(seen) == 25 and set(seen) == numbers


def test_a_bad_cursor_shows_the_first_page(catalogo, client_as, ciudadana):
    presentacion = bulk_submissions(ciudadana, catalogo["instancia-general"], 1)[0]
    response = client_as(ciudadana).get(URL, {"solicitudes": "not-a-cursor"})
    assert response.status_code == 200
    assert presentacion.asiento.numero in response.content.decode()


def test_a_general_power_shows_the_poderdantes_filings_one_way_only(
    catalogo, ciudadana, representante, otra_ciudadana
):
    """REA-7 both ways: the apoderado sees what was filed by or for the poderdante while the
    power is in force; the poderdante does not see the apoderado's own filings; a third
    citizen sees neither."""
    ig = catalogo["instancia-general"]
    hers = bulk_submissions(ciudadana, ig, 1, start=1)[0]
    his = bulk_submissions(representante, ig, 1, start=2)[0]
    make_power(poderdante=person_interesado(ciudadana), apoderado=person_interesado(representante))
    jon = login(Client(), representante).get(URL).content.decode()
    assert hers.asiento.numero in jon and his.asiento.numero in jon
    miren = login(Client(), ciudadana).get(URL).content.decode()
    assert hers.asiento.numero in miren and his.asiento.numero not in miren
    ane = login(Client(), otra_ciudadana).get(URL).content.decode()
    assert hers.asiento.numero not in ane and his.asiento.numero not in ane


def test_the_folder_is_the_same_on_every_database_path(catalogo, ciudadana, representante):
    """The UNION of limited index scans (PostgreSQL) and the OR of the same conditions
    (SQLite) give the same page: the scope is one rule, two ways to run it."""
    from sede.selectors import filing_scope, presentaciones_of, presentaciones_page

    ig = catalogo["instancia-general"]
    bulk_submissions(ciudadana, ig, 7, start=1)
    bulk_submissions(representante, ig, 6, start=20)
    make_power(
        poderdante=person_interesado(ciudadana),
        apoderado=person_interesado(representante),
        procedimientos=[ig],
    )
    scope = filing_scope(representante)
    assert scope.by_procedure and len(scope.branches()) == 3
    page = presentaciones_page(representante)
    expected = list(presentaciones_of(representante)[:10])
    assert [p.pk for p in page] == [p.pk for p in expected]
    assert page.next_cursor
    rest = presentaciones_page(representante, page.next_cursor)
    assert [p.pk for p in rest] == [p.pk for p in presentaciones_of(representante)[10:]]
    assert rest.next_cursor is None
