"""Staff pages: the tray and the case file page, with the access rule both ways (other
units' staff and citizens get 404), audited reads, actions and the CAT-7 page."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from expedientes.models import Expediente, Requerimiento
from expedientes.services import expediente_open_from_asiento, informe_request
from identidad.models import AuditEntry

from .conftest import madrid

pytestmark = pytest.mark.django_db


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


class TestAccess:
    def test_a_case_handler_sees_their_units_files_in_the_tray(
        self, client, expediente, tramitador
    ):
        response = get(client, tramitador, reverse("expedientes:bandeja"))
        assert response.status_code == 200
        assert expediente.identificador in response.content.decode()

    def test_another_units_handler_neither_lists_nor_opens_it(
        self, client, expediente, tramitador_ajeno
    ):
        response = get(client, tramitador_ajeno, reverse("expedientes:bandeja"))
        assert response.status_code == 200
        assert expediente.identificador not in response.content.decode()
        detail = reverse("expedientes:detalle", args=[expediente.pk])
        assert get(client, tramitador_ajeno, detail).status_code == 404
        doc = expediente.documentos.first().documento_id
        url = reverse("expedientes:documento", args=[expediente.pk, doc])
        assert get(client, tramitador_ajeno, url).status_code == 404

    @pytest.mark.parametrize("who", ["ciudadana", "funcionario"])
    def test_citizens_and_staff_without_a_role_get_404(self, client, expediente, who, request):
        user = request.getfixturevalue(who)
        assert get(client, user, reverse("expedientes:bandeja")).status_code == 404
        detail = reverse("expedientes:detalle", args=[expediente.pk])
        assert get(client, user, detail).status_code == 404

    def test_a_file_of_a_unit_below_is_visible(self, client, register, licencias, tramitador):
        exp = expediente_open_from_asiento(asiento=register(unidad_destino=licencias))
        assert exp.unidad == licencias
        detail = reverse("expedientes:detalle", args=[exp.pk])
        assert get(client, tramitador, detail).status_code == 200

    def test_a_file_shared_for_a_report_is_readable_but_not_actionable(
        self, client, expediente, tramitador, tramitador_ajeno
    ):
        detail = reverse("expedientes:detalle", args=[expediente.pk])
        assert get(client, tramitador_ajeno, detail).status_code == 404
        informe_request(
            expediente=expediente,
            solicitado_a=tramitador_ajeno,
            asunto="Informe ambiental",
            preceptivo=False,
            actor=tramitador,
        )
        response = get(client, tramitador_ajeno, detail)
        assert response.status_code == 200
        assert "Emitir el informe que le han pedido" in response.content.decode()
        post = client.post(
            reverse("expedientes:accion", args=[expediente.pk, "requerimiento"]),
            {"version": expediente.version + 1, "texto": "x"},
        )
        assert post.status_code == 404
        assert not Requerimiento.objects.exists()
        listing = get(client, tramitador_ajeno, reverse("expedientes:informes"))
        assert expediente.identificador in listing.content.decode()

    def test_every_staff_read_of_a_case_file_is_audited(self, client, expediente, tramitador):
        """ENS: who read which file, when."""
        detail = reverse("expedientes:detalle", args=[expediente.pk])
        get(client, tramitador, detail)
        get(client, tramitador, detail)
        reads = AuditEntry.objects.filter(
            action="expedientes.expediente.view", object_id=str(expediente.pk)
        )
        assert reads.count() == 2
        assert reads.first().actor == tramitador
        doc = expediente.documentos.first().documento_id
        response = get(
            client, tramitador, reverse("expedientes:documento", args=[expediente.pk, doc])
        )
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert AuditEntry.objects.filter(action="expedientes.documento.read").count() == 1


class TestTray:
    def test_overdue_first_then_nearest_deadline(self, client, register, tramitador, holidays):
        with time_machine.travel(madrid(2026, 1, 12, 10), tick=False):
            old = expediente_open_from_asiento(asiento=register())
        with time_machine.travel(madrid(2026, 3, 2, 10), tick=False):
            recent = expediente_open_from_asiento(asiento=register())
        with time_machine.travel(madrid(2026, 2, 2, 10), tick=False):
            middle = expediente_open_from_asiento(asiento=register())
        with time_machine.travel(madrid(2026, 4, 20, 10), tick=False):
            html = get(client, tramitador, reverse("expedientes:bandeja")).content.decode()
        positions = [html.index(e.identificador) for e in (old, middle, recent)]
        assert positions == sorted(positions)
        assert "vencido" in html

    def test_search_by_nif_and_filter_unassigned(self, client, expediente, register, tramitador):
        response = get(client, tramitador, reverse("expedientes:bandeja"), q="12345678z")
        assert expediente.identificador in response.content.decode()
        response = get(client, tramitador, reverse("expedientes:bandeja"), q="99999999R")
        assert expediente.identificador not in response.content.decode()
        response = get(client, tramitador, reverse("expedientes:bandeja"), asignacion="mios")
        assert expediente.identificador not in response.content.decode()

    def test_bulk_assignment_by_the_head_of_unit(
        self, client, expediente, register, jefa, tramitador
    ):
        other = expediente_open_from_asiento(asiento=register())
        client.force_login(jefa)
        response = client.post(
            reverse("expedientes:bandeja_asignar"),
            {"ids": [expediente.pk, other.pk], "asignado_a": tramitador.pk},
        )
        assert response.status_code == 302
        assert set(Expediente.objects.values_list("asignado_a", flat=True)) == {tramitador.pk}

    def test_a_case_handler_cannot_bulk_assign(self, client, expediente, tramitador):
        client.force_login(tramitador)
        response = client.post(
            reverse("expedientes:bandeja_asignar"),
            {"ids": [expediente.pk], "asignado_a": tramitador.pk},
        )
        assert response.status_code == 404
        assert Expediente.objects.get(pk=expediente.pk).asignado_a is None

    def test_the_staff_home_links_the_tray(self, client, tramitador):
        html = get(client, tramitador, reverse("gestion:home")).content.decode()
        assert reverse("expedientes:bandeja") in html


@pytest.mark.usefixtures("council_seal")
class TestActions:
    def test_a_request_from_the_case_file_page(self, client, expediente, tramitador):
        client.force_login(tramitador)
        response = client.post(
            reverse("expedientes:accion", args=[expediente.pk, "requerimiento"]),
            {"version": expediente.version, "texto": "Aporte el plano."},
            follow=True,
        )
        assert "Requerimiento emitido" in response.content.decode()
        assert "pendiente de notificar" in response.content.decode()
        assert Requerimiento.objects.count() == 1

    def test_a_stale_form_changes_nothing(self, client, expediente, tramitador):
        client.force_login(tramitador)
        Expediente.objects.filter(pk=expediente.pk).update(version=expediente.version + 1)
        response = client.post(
            reverse("expedientes:accion", args=[expediente.pk, "requerimiento"]),
            {"version": expediente.version, "texto": "Aporte el plano."},
            follow=True,
        )
        assert "Otra persona ha modificado el expediente" in response.content.decode()
        assert not Requerimiento.objects.exists()

    def test_closing_without_resolution_is_refused_with_a_message(
        self, client, expediente, tramitador
    ):
        client.force_login(tramitador)
        response = client.post(
            reverse("expedientes:accion", args=[expediente.pk, "cerrar"]),
            {"version": expediente.version},
            follow=True,
        )
        assert "debe constar la resolución firmada" in response.content.decode()
        assert Expediente.objects.get(pk=expediente.pk).estado == "E01"


class TestActuacionesAutomatizadas:
    @pytest.mark.parametrize(
        ("prefix", "text"),
        [("", "Órgano responsable"), ("/eu", "Erregistro-egiaztagiria igortzea eta zigilatzea")],
    )
    def test_cat7_lists_each_automated_action(self, client, prefix, text):
        """CAT-7: design, functioning and responsible body, in Spanish and Basque."""
        response = client.get(f"{prefix}/expedientes/actuaciones-automatizadas/")
        assert response.status_code == 200
        html = response.content.decode()
        assert text in html
        assert html.count("<section") >= 5


class TestReportUploadPolicy:
    """Issue 17: a report entering a case file passes the one upload policy too."""

    def _emit(self, client, expediente, tramitador, tramitador_ajeno, data):
        from django.core.files.uploadedfile import SimpleUploadedFile

        informe = informe_request(
            expediente=expediente,
            solicitado_a=tramitador_ajeno,
            asunto="Informe ambiental",
            preceptivo=False,
            actor=tramitador,
        )
        client.force_login(tramitador_ajeno)
        return client.post(
            reverse("expedientes:accion", args=[expediente.pk, "emitir_informe"]),
            {"informe": informe.pk, "fichero": SimpleUploadedFile("informe.pdf", data)},
            follow=True,
        )

    def test_a_pdf_with_javascript_is_refused(
        self, client, expediente, tramitador, tramitador_ajeno
    ):
        from tests.registro import hostile

        response = self._emit(
            client, expediente, tramitador, tramitador_ajeno, hostile.pdf_javascript()
        )
        assert "elementos activos" in response.content.decode()
        assert not expediente.informes.filter(emitted_at__isnull=False).exists()
