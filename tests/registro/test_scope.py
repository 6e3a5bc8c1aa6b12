"""Who reads what of the registry (issue 14.1, issue 17.6): permissions by role and unit.

A registry clerk sees the entries of their office and the ones they registered, finds any
entry by its exact number only to reprint its receipt (audited when it is another office's),
and nothing else of other offices; heads of registry see the whole book; staff of an unrelated
unit with no role see nothing (404). Each rule is tested both ways.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from identidad.models import AuditEntry
from identidad.roles import Role
from registro.constants import Canal
from registro.selectors import (
    BookFilters,
    asiento_visible_to,
    oficinas_for_registering,
    registry_book,
    registry_scope,
)
from tests.personas import staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(register, oficina_distrito, oficina_otra, encargado, ciudadana, urbanismo):
    """One entry at the clerk's office, one at another office, one by the clerk elsewhere."""
    mine = register(oficina=oficina_distrito, canal=Canal.PRESENCIAL, resumen="Vado Deusto")
    other = register(oficina=oficina_otra, canal=Canal.PRESENCIAL, resumen="Ayuda social Rekalde")
    by_me = register(
        oficina=oficina_otra,
        canal=Canal.PRESENCIAL,
        resumen="Registrado por mí",
        registrado_por=encargado,
    )
    return mine, other, by_me


def _numeros(qs) -> set[str]:
    return {a.numero for a in qs}


class TestClerkScope:
    def test_a_clerk_sees_their_office_and_what_they_registered(self, encargado, entries):
        mine, other, by_me = entries
        assert _numeros(asiento_visible_to(encargado)) == {mine.numero, by_me.numero}
        page = registry_book(user=encargado, filters=BookFilters())
        assert {a.numero for a in page.rows} == {mine.numero, by_me.numero}

    def test_a_clerk_gets_404_on_another_offices_entry_pages(self, client, encargado, entries):
        _mine, other, _by_me = entries
        client.force_login(encargado)
        for name in ("asiento_detalle", "imprimir", "sicres_export"):
            assert client.get(reverse(f"registro:{name}", args=[other.pk])).status_code == 404
        body = client.get(reverse("registro:libro")).content.decode()
        assert other.numero not in body and "Ayuda social" not in body

    def test_a_clerk_opens_their_own_offices_entry(self, client, encargado, entries):
        mine, _other, _by_me = entries
        client.force_login(encargado)
        assert client.get(reverse("registro:asiento_detalle", args=[mine.pk])).status_code == 200
        page = client.get(reverse("registro:imprimir", args=[mine.pk]))
        assert page.status_code == 200 and mine.numero in page.content.decode()

    def test_an_exact_number_finds_another_offices_entry_only_to_reprint_it_audited(
        self, client, encargado, entries
    ):
        _mine, other, _by_me = entries
        client.force_login(encargado)
        before = AuditEntry.objects.count()
        body = client.get(reverse("registro:libro"), {"numero": other.numero}).content.decode()
        assert "otra oficina" in body
        assert "Ayuda social" not in body  # its contents are not shown in the book
        assert reverse("registro:asiento_detalle", args=[other.pk]) not in body
        audit = AuditEntry.objects.filter(seq__gt=before).get()
        assert (audit.action, audit.object_id) == (
            "registro.asiento.busqueda_otra_oficina",
            str(other.pk),
        )
        assert audit.actor == encargado

        response = client.get(reverse("registro:reimprimir"), {"numero": other.numero})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        last = AuditEntry.objects.order_by("-seq").first()
        assert last.action == "registro.justificante.reimpresion_otra_oficina"
        assert last.detail["numero"] == other.numero

    def test_reprinting_an_own_offices_receipt_is_not_an_audited_foreign_lookup(
        self, client, encargado, entries
    ):
        mine, _other, _by_me = entries
        client.force_login(encargado)
        before = AuditEntry.objects.count()
        response = client.get(reverse("registro:reimprimir"), {"numero": mine.numero})
        assert response.status_code == 200
        assert AuditEntry.objects.count() == before

    def test_an_unknown_or_partial_number_finds_nothing(self, client, encargado, entries):
        client.force_login(encargado)
        year = timezone.localdate().year
        assert (
            client.get(reverse("registro:reimprimir"), {"numero": f"{year}/E/999"}).status_code
            == 404
        )
        response = client.get(reverse("registro:reimprimir"), {"numero": "2026"})
        assert response["Content-Type"].startswith("text/html")

    def test_a_clerk_registers_only_in_their_own_offices(
        self, client, encargado, oficina_distrito, oficina_otra
    ):
        assert list(oficinas_for_registering(encargado)) == [oficina_distrito]
        client.force_login(encargado)
        page = client.get(reverse("registro:oficina_entrada")).content.decode()
        assert oficina_distrito.name_es in page and oficina_otra.name_es not in page

    def test_the_batch_reprint_lists_the_days_receipts_of_the_office(
        self, client, encargado, entries, oficina_distrito, oficina_otra
    ):
        mine, other, _by_me = entries
        client.force_login(encargado)
        url = reverse("registro:justificantes_dia")
        day = timezone.localdate().isoformat()
        body = client.get(url, {"oficina": oficina_distrito.pk, "fecha": day}).content.decode()
        assert mine.numero in body and other.numero not in body
        assert "print-page" in body
        # Another office is not a choice for this clerk: the form refuses it.
        refused = client.get(url, {"oficina": oficina_otra.pk, "fecha": day}).content.decode()
        assert other.numero not in refused


class TestOtherStaff:
    def test_heads_of_registry_see_the_whole_book(self, jefe_registro, entries):
        assert _numeros(asiento_visible_to(jefe_registro)) == {e.numero for e in entries}
        assert registry_scope(jefe_registro).whole_book

    def test_staff_of_an_unrelated_unit_with_no_role_see_nothing(
        self, client, funcionario, entries
    ):
        mine, other, by_me = entries
        assert not asiento_visible_to(funcionario).exists()
        client.force_login(funcionario)
        for url in (
            reverse("registro:libro"),
            reverse("registro:reimprimir") + f"?numero={other.numero}",
            reverse("registro:justificantes_dia"),
            reverse("registro:oficina_entrada"),
            reverse("registro:oficina_salida"),
            reverse("registro:asiento_detalle", args=[mine.pk]),
            reverse("registro:justificante_pdf", args=[mine.pk]),
            reverse("registro:sicres_export", args=[mine.pk]),
            reverse("registro:imprimir", args=[mine.pk]),
        ):
            assert client.get(url).status_code == 404, url

    def test_a_case_handler_reads_the_entries_addressed_to_their_unit_only(
        self, register, urbanismo, ayuntamiento, entries
    ):
        handler = staff_member("tramitadora", Role.CASE_HANDLER, units=[urbanismo])
        to_council = register(unidad_destino=ayuntamiento)
        visible = _numeros(asiento_visible_to(handler))
        assert {e.numero for e in entries} <= visible  # all three go to Urbanismo
        assert to_council.numero not in visible
        assert not registry_scope(handler).uses_book  # no registry book for case handlers

    def test_a_clerk_without_an_office_sees_only_what_they_registered(self, register, entries):
        clerk = staff_member("sin-oficina", Role.REGISTRY_CLERK)
        assert not asiento_visible_to(clerk).exists()
        assert not oficinas_for_registering(clerk).exists()

    def test_the_scope_is_resolved_once_per_request(
        self, encargado, entries, django_assert_num_queries
    ):
        registry_scope(encargado)
        with django_assert_num_queries(0):
            registry_scope(encargado)
