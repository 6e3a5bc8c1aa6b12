"""Web: the filer's receipt, the registry book and the district desk — each access rule
tested both ways (the right person can; anyone else gets a 404)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from identidad.models import Interesado
from registro.constants import Canal, Direccion, DocumentacionFisica, ValidezDocumento
from registro.models import Asiento
from registro.selectors import BookFilters, registry_book, registry_scope
from registro.services import justificante_issue
from registro.views import _asiento_url_maker

from .conftest import scan_pdf

pytestmark = pytest.mark.django_db
MADRID = ZoneInfo("Europe/Madrid")


class TestReceiptPage:
    def test_the_filer_sees_the_provisional_receipt_at_once(self, client, ciudadana, register):
        asiento = register()
        client.force_login(ciudadana)
        response = client.get(reverse("registro:asiento_detalle", args=[asiento.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert asiento.numero in body
        assert "copia provisional sin sello" in body
        assert asiento.documentos.get().sha256 in body

    def test_someone_else_gets_404(self, client, otra_ciudadana, register):
        asiento = register()
        client.force_login(otra_ciudadana)
        assert client.get(reverse("registro:asiento_detalle", args=[asiento.pk])).status_code == 404
        assert (
            client.get(reverse("registro:justificante_pdf", args=[asiento.pk])).status_code == 404
        )

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, register):
        asiento = register()
        response = client.get(reverse("registro:asiento_detalle", args=[asiento.pk]))
        assert response.status_code == 302

    def test_the_sealed_pdf_is_offered_once_ready(self, client, ciudadana, register, sello):
        asiento = register()
        client.force_login(ciudadana)
        url = reverse("registro:justificante_pdf", args=[asiento.pk])
        assert client.get(url).status_code == 404  # still pending
        justificante_issue(asiento_id=asiento.pk)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        page = client.get(reverse("registro:asiento_detalle", args=[asiento.pk])).content.decode()
        assert "Descargar el justificante" in page


class TestRegistryBook:
    def test_heads_of_registry_see_the_book(self, client, jefe_registro, register):
        asiento = register()
        client.force_login(jefe_registro)
        response = client.get(reverse("registro:libro"))
        assert response.status_code == 200
        assert asiento.numero in response.content.decode()

    def test_a_row_shows_its_link_parties_unit_and_state(
        self, client, jefe_registro, register, ciudadana, otra_ciudadana, urbanismo
    ):
        asiento = register(
            interesados=[ciudadana.interesado, otra_ciudadana.interesado],
            resumen="Obra <menor> & cocina",
        )
        client.force_login(jefe_registro)
        body = client.get(reverse("registro:libro")).content.decode()
        detail = reverse("registro:asiento_detalle", args=[asiento.pk])
        assert f'<td><a href="{detail}">{asiento.numero}</a></td>' in body
        partes = list(asiento.partes.order_by("orden", "pk"))
        assert len(partes) == 2
        cell = "<br>".join(f"{escape(p.nombre)} ({escape(p.nif)})" for p in partes)
        assert f"<td>{cell}</td>" in body
        assert f"<td>{escape(urbanismo.name)}</td>" in body
        assert "<td>Obra &lt;menor&gt; &amp; cocina</td>" in body
        assert f"<td>{asiento.get_estado_display()}</td>" in body

    def test_a_citizen_gets_404(self, client, ciudadana, register):
        register()
        client.force_login(ciudadana)
        assert client.get(reverse("registro:libro")).status_code == 404
        assert registry_book(user=ciudadana, filters=BookFilters()).rows == []

    def test_search_by_nif_number_date_and_unit(
        self, client, jefe_registro, register, otra_ciudadana, urbanismo, ayuntamiento
    ):
        with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=MADRID), tick=False):
            mine = register()
        with time_machine.travel(datetime(2026, 3, 5, 10, tzinfo=MADRID), tick=False):
            other = register(interesados=[otra_ciudadana.interesado], unidad_destino=ayuntamiento)
        client.force_login(jefe_registro)
        url = reverse("registro:libro")

        def numbers(**params):
            body = client.get(url, params).content.decode()
            return {a.numero for a in (mine, other) if a.numero in body}

        assert numbers(nif="11111111-h") == {other.numero}
        assert numbers(numero="2026/e/1") == {mine.numero}
        assert numbers(desde="2026-03-03", hasta="2026-03-31") == {other.numero}
        assert numbers(unidad=urbanismo.pk) == {mine.numero}
        assert numbers(direction=Direccion.SALIDA) == set()
        body = client.get(url, {"numero": "cualquier cosa"}).content.decode()
        assert "2026/E/42" in body  # the error explains the format

    def test_keyset_pages_cover_every_entry_once(self, jefe_registro, register):
        created = {register().numero for _ in range(7)}
        seen, cursor = [], ""
        while True:
            page = registry_book(
                user=jefe_registro, filters=BookFilters(), cursor=cursor, page_size=3
            )
            seen += [a.numero for a in page.rows]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert sorted(seen) == sorted(created)
        assert seen == sorted(seen, reverse=True)

    def test_the_book_query_count_is_bounded(
        self, jefe_registro, register, django_assert_max_num_queries
    ):
        for _ in range(5):
            register()
        registry_scope(jefe_registro)  # resolved once per request, before the book is read
        with django_assert_max_num_queries(3):
            page = registry_book(user=jefe_registro, filters=BookFilters(nif="12345678Z"))
            [a.book_partes for a in page.rows]

    def test_the_book_page_reads_no_column_row_by_row(
        self, client, jefe_registro, register, django_assert_num_queries
    ):
        """The entries are read with the book's columns only: a cell that needed another
        one would load it entry by entry (one query per row)."""
        register()
        client.force_login(jefe_registro)
        url = reverse("registro:libro")
        client.get(url)
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        for _ in range(4):
            register()
        with django_assert_num_queries(len(one)):
            body = client.get(url).content.decode()
        assert body.count('<tr>\n    <td><a href="') == 5

    @pytest.mark.parametrize("language", ["es", "eu"])
    def test_the_books_links_are_reversed_urls(self, language):
        with translation.override(language):
            url_of = _asiento_url_maker()
            for pk in (1, 7, 10, 987654321, 2**40):
                assert url_of(pk) == reverse("registro:asiento_detalle", args=[pk])


@pytest.mark.usefixtures("council_seal")  # the desk seals EE03 copies with the council seal
class TestDistrictDesk:
    def post_entrada(self, client, oficina, urbanismo, **overrides):
        data = {
            "oficina": oficina.pk,
            "nif": "00000000T",
            "nombre": "Koldo",
            "apellido1": "Arana",
            "unidad_destino": urbanismo.pk,
            "resumen": "Solicitud de vado",
            "idempotency_key": "a" * 32,
            "escaneo": SimpleUploadedFile("escrito.pdf", scan_pdf(300), "application/pdf"),
        }
        data.update(overrides)
        return client.post(reverse("registro:oficina_entrada"), data)

    def test_reg12_a_clerk_registers_a_paper_submission_for_a_new_citizen(
        self, client, encargado, oficina_distrito, urbanismo
    ):
        client.force_login(encargado)
        response = self.post_entrada(client, oficina_distrito, urbanismo)
        asiento = Asiento.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("registro:asiento_detalle", args=[asiento.pk])
        assert (asiento.canal, asiento.oficina) == (Canal.PRESENCIAL, oficina_distrito)
        assert asiento.registrado_por == encargado
        assert asiento.documentacion_fisica == DocumentacionFisica.NINGUNA
        doc = asiento.documentos.get()
        assert (doc.validez, doc.resolution_ppi) == (ValidezDocumento.COPIA_AUTENTICA, 300)
        assert Interesado.objects.get(nif="00000000T").display_name == "Koldo Arana"
        receipt = client.get(response["Location"]).content.decode()
        assert asiento.numero in receipt

    def test_a_double_submission_registers_once(
        self, client, encargado, oficina_distrito, urbanismo
    ):
        client.force_login(encargado)
        self.post_entrada(client, oficina_distrito, urbanismo)
        self.post_entrada(client, oficina_distrito, urbanismo)
        assert Asiento.objects.count() == 1

    def test_reg12_a_scan_below_200_ppi_is_refused_with_a_clear_error(
        self, client, encargado, oficina_distrito, urbanismo
    ):
        client.force_login(encargado)
        response = self.post_entrada(
            client,
            oficina_distrito,
            urbanismo,
            escaneo=SimpleUploadedFile("escrito.pdf", scan_pdf(100), "application/pdf"),
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "error-summary" in body
        assert "100 ppp" in body
        assert not Asiento.objects.exists()

    def test_an_unknown_nif_without_a_name_is_asked_for_it(
        self, client, encargado, oficina_distrito, urbanismo
    ):
        client.force_login(encargado)
        response = self.post_entrada(client, oficina_distrito, urbanismo, nombre="", apellido1="")
        assert response.status_code == 200
        assert "para darlo de alta" in response.content.decode()
        assert not Asiento.objects.exists()

    def test_a_citizen_gets_404_at_the_desk(self, client, ciudadana, oficina_distrito, urbanismo):
        client.force_login(ciudadana)
        assert client.get(reverse("registro:oficina_entrada")).status_code == 404
        assert self.post_entrada(client, oficina_distrito, urbanismo).status_code == 404
        assert client.get(reverse("registro:oficina_salida")).status_code == 404
        assert not Asiento.objects.exists()

    def test_reg6_a_clerk_registers_an_exit(
        self, client, encargado, oficina_distrito, urbanismo, ciudadana
    ):
        client.force_login(encargado)
        response = client.post(
            reverse("registro:oficina_salida"),
            {
                "oficina": oficina_distrito.pk,
                "unidad_origen": urbanismo.pk,
                "nif": "12345678Z",
                "resumen": "Comunicación de inicio del procedimiento",
                "idempotency_key": "b" * 32,
            },
        )
        assert response.status_code == 302
        asiento = Asiento.objects.get()
        assert asiento.numero == f"{timezone.localdate().year}/S/00000001"
        assert asiento.partes.get().interesado == ciudadana.interesado

    def test_the_desk_pages_render_in_basque(self, client, encargado):
        client.force_login(encargado)
        response = client.get("/eu" + reverse("registro:oficina_entrada"))
        assert response.status_code == 200
        assert "Paperezko idazki bat erregistratu" in response.content.decode()


class TestAdmin:
    def test_entries_are_read_only_in_the_admin(self, client, admin_user, register):
        asiento = register()
        client.force_login(admin_user)
        changelist = client.get(reverse("admin:registro_asiento_changelist"))
        assert changelist.status_code == 200
        assert asiento.numero in changelist.content.decode()
        change = client.get(reverse("admin:registro_asiento_change", args=[asiento.pk]))
        assert change.status_code == 200
        assert client.get(reverse("admin:registro_asiento_add")).status_code == 403
        client.post(reverse("admin:registro_asiento_delete", args=[asiento.pk]), {"post": "yes"})
        assert Asiento.objects.filter(pk=asiento.pk).exists()


def test_reg3_the_receipt_tells_the_filer_the_registry_and_effective_instants(
    client, ciudadana, register
):
    """REG-3: terms run from the registry date and time, which the filer is told."""
    with time_machine.travel(datetime(2026, 3, 7, 18, 30, 5, tzinfo=MADRID), tick=False):
        asiento = register()  # a Saturday
    client.force_login(ciudadana)
    body = client.get(reverse("registro:asiento_detalle", args=[asiento.pk])).content.decode()
    assert "07/03/2026 18:30:05" in body
    assert "09/03/2026 00:00:00" in body
    assert "se entiende presentado a las 00:00 del primer día hábil siguiente" in body


@pytest.mark.parametrize("language", ["es", "eu"])
@pytest.mark.parametrize("data", [None, {"unidad": "__urbanismo__"}, {"unidad": "999999"}])
def test_the_books_unit_filter_renders_as_the_stock_model_choice_field(urbanismo, language, data):
    """The book's unit select reads rows, not instances: the same HTML as Django's own
    ModelChoiceField (values, labels in the active language, the selected one), and the
    same cleaning."""
    from django import forms
    from django.utils import translation

    from identidad.models import Unidad
    from registro.forms import BookSearchForm

    Unidad.objects.create(dir3="LA0000777", name_es="Cultura", name_eu="Kultura")
    Unidad.objects.create(dir3="LA0000778", name_es="Hacienda", name_eu="", active=True)
    Unidad.objects.create(dir3="LA0000779", name_es="Cerrada", active=False)
    if data and data["unidad"] == "__urbanismo__":
        data = {"unidad": str(urbanismo.pk)}

    class Stock(BookSearchForm):
        unidad = forms.ModelChoiceField(
            label=BookSearchForm.base_fields["unidad"].label,
            queryset=Unidad.objects.none(),
            required=False,
            empty_label=BookSearchForm.base_fields["unidad"].empty_label,
        )

    with translation.override(language):
        ours, stock = BookSearchForm(data), Stock(data)
        assert str(ours["unidad"]) == str(stock["unidad"])
        assert "Cerrada" not in str(ours["unidad"])
        if data:
            assert ours.is_valid() == stock.is_valid()
            assert ours.cleaned_data.get("unidad") == stock.cleaned_data.get("unidad")
