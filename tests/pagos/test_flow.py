"""The payment step of the filing flow with the simulator gateway: review → pay → submit,
the proof attached to the registry entry, denied and cancelled payments (the draft intact,
a retry with a new order number), a fee'd procedure never registered unpaid, refunds."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from pagos.constants import EstadoPago
from pagos.models import Pago
from registro.models import Asiento
from sede.constants import EstadoBorrador
from sede.services import FilingRefused, borrador_submit
from tests.pagos.support import make_pago, signed_notification
from tests.sede.test_submit import complete_instancia, new_draft

pytestmark = pytest.mark.django_db


def _hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def pay(client, borrador, accion="pagar"):
    """The citizen's journey: «Pagar ahora», the gateway form, the simulator's button.
    Returns the final response (the URLOK / URLKO page)."""
    start = client.post(reverse("sede:filing_pago", args=[borrador.public_id]))
    assert start.status_code == 200
    html = start.content.decode()
    action = re.search(r'<form method="post" action="([^"]+)" id="pagos-redirect"', html)[1]
    assert action == reverse("pagos:simulador")
    gateway_page = client.post(action, _hidden(html))
    assert gateway_page.status_code == 200
    assert "25,50 €" in gateway_page.content.decode()
    fields = _hidden(gateway_page.content.decode())
    back = client.post(reverse("pagos:simulador_responder"), {**fields, "accion": accion})
    assert back.status_code == 302
    return client.get(urlsplit(back["Location"]).path + "?" + urlsplit(back["Location"]).query)


class TestPaymentStep:
    def test_the_review_sends_to_the_payment_step_with_the_amount(
        self, con_tasa, client_as, ciudadana
    ):
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        review = client.get(reverse("sede:filing_review", args=[borrador.public_id])).content
        assert b"Continuar al pago" in review
        assert "25,50 €".encode() in review
        page = client.get(reverse("sede:filing_pago", args=[borrador.public_id])).content.decode()
        assert "Tasa por licencia de vado" in page and "Pagar ahora" in page
        assert "Pagar y presentar" in page  # the progress names the step

    def test_the_payment_page_is_in_basque_too(self, con_tasa, client_as, ciudadana):
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        page = client.get("/eu" + reverse("sede:filing_pago", args=[borrador.public_id]))
        text = page.content.decode()
        assert "Pasabide-lizentziaren tasa" in text and "Ordaindu orain" in text

    def test_the_gateway_form_works_without_javascript(self, con_tasa, client_as, ciudadana):
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        html = client.post(reverse("sede:filing_pago", args=[borrador.public_id])).content.decode()
        form = html[
            html.index('id="pagos-redirect"') : html.index("</form>", html.index("pagos-redirect"))
        ]
        assert '<button type="submit" class="button">' in form
        assert set(_hidden(form)) == {
            "Ds_SignatureVersion",
            "Ds_MerchantParameters",
            "Ds_Signature",
        }

    def test_a_procedure_without_fee_skips_the_step(self, catalogo, client_as, ciudadana):
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, catalogo["instancia-general"]))
        response = client.get(reverse("sede:filing_pago", args=[borrador.public_id]))
        assert response.status_code == 302
        assert response["Location"].endswith(
            reverse("sede:filing_review", args=[borrador.public_id])
        )


class TestPaidFiling:
    def test_pay_then_submit_registers_the_entry_with_the_payment_proof(
        self, con_tasa, client_as, ciudadana, django_capture_on_commit_callbacks
    ):
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        back = pay(client, borrador)
        assert "Pago confirmado" in back.content.decode()
        pago = Pago.objects.get()
        assert pago.estado == EstadoPago.AUTORIZADO and pago.referencia == str(borrador.public_id)
        with django_capture_on_commit_callbacks(execute=True):  # the case file opens on commit
            submitted = client.post(reverse("sede:filing_submit", args=[borrador.public_id]))
        assert submitted.status_code == 302 and "/presentacion/" in submitted["Location"]
        asiento = Asiento.objects.get()
        nombres = [d.nombre for d in asiento.documentos.order_by("orden")]
        proof = f"justificante-pago-{pago.order}.pdf"
        assert proof in nombres
        documento = asiento.documentos.get(nombre=proof)
        assert documento.mime == "application/pdf" and documento.tipo_anexo == "02"
        receipt = client.get(submitted["Location"]).content.decode()
        assert "Pago de la tasa" in receipt and pago.authorisation_code in receipt
        # The case file lists it as an «Otros» document (TD99): the proof of payment.
        from expedientes.models import DocumentoENI

        assert DocumentoENI.objects.filter(nombre=proof, tipo_documental="TD99").exists()

    def test_with_a_signature_the_payment_comes_before_signing(
        self, con_tasa, client_as, ciudadana
    ):
        con_tasa.signature_required = True
        con_tasa.save()
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        sign_url = reverse("sede:filing_sign", args=[borrador.public_id])
        response = client.get(sign_url)
        assert response.status_code == 302
        assert response["Location"] == reverse("sede:filing_pago", args=[borrador.public_id])
        pay(client, borrador)
        assert client.get(sign_url).status_code == 200

    def test_mi_carpeta_shows_the_payment(self, con_tasa, client_as, ciudadana):
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        pay(client, borrador)
        page = client.get(reverse("sede:mi_carpeta")).content.decode()
        assert "Mis pagos" in page and "Tasa por licencia de vado" in page and "Pagado" in page


class TestUnpaid:
    def test_a_fee_d_procedure_is_not_registered_unpaid(self, con_tasa, client_as, ciudadana):
        """Even with a hand-crafted POST to the submit URL."""
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        response = client.post(reverse("sede:filing_submit", args=[borrador.public_id]))
        assert response["Location"] == reverse("sede:filing_pago", args=[borrador.public_id])
        assert Asiento.objects.count() == 0
        with pytest.raises(FilingRefused, match="tasa"):
            borrador_submit(borrador=borrador, user=ciudadana, language="es", session_level=2)
        assert Asiento.objects.count() == 0

    def test_a_pending_payment_or_the_return_to_urlok_does_not_count(
        self, con_tasa, client_as, ciudadana
    ):
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        client.post(reverse("sede:filing_pago", args=[borrador.public_id]))
        pago = Pago.objects.get()
        page = client.get(reverse("pagos:detalle", args=[pago.public_id]) + "?resultado=ok")
        assert "Estamos esperando la confirmación" in page.content.decode()
        pago.refresh_from_db()
        assert pago.estado == EstadoPago.PENDIENTE
        with pytest.raises(FilingRefused):
            borrador_submit(borrador=borrador, user=ciudadana, language="es", session_level=2)

    def test_a_payment_of_another_amount_does_not_count(self, con_tasa, ciudadana, client):
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        pago = make_pago(
            user=ciudadana,
            procedimiento=con_tasa,
            referencia=str(borrador.public_id),
            amount_cents=100,
        )
        client.post("/pagos/notificacion/", signed_notification(pago))
        pago.refresh_from_db()
        assert pago.estado == EstadoPago.AUTORIZADO
        with pytest.raises(FilingRefused):
            borrador_submit(borrador=borrador, user=ciudadana, language="es", session_level=2)

    @pytest.mark.parametrize(
        ("accion", "estado", "message"),
        [
            ("rechazar", EstadoPago.DENEGADO, "El banco ha denegado el pago"),
            ("cancelar", EstadoPago.ANULADO, "Ha cancelado el pago"),
        ],
    )
    def test_a_failed_payment_leaves_the_draft_intact_and_can_be_retried(
        self, con_tasa, client_as, ciudadana, accion, estado, message
    ):
        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        data = dict(borrador.data)
        back = pay(client, borrador, accion=accion)
        text = back.content.decode()
        assert message in text and "Su borrador sigue guardado" in text
        assert "Volver a la solicitud" in text
        first = Pago.objects.get()
        assert first.estado == estado
        borrador.refresh_from_db()
        assert borrador.estado == EstadoBorrador.BORRADOR and borrador.data == data
        assert Asiento.objects.count() == 0
        pay(client, borrador)  # the retry: a new order number, paid
        second = Pago.objects.exclude(pk=first.pk).get()
        assert second.order != first.order and second.estado == EstadoPago.AUTORIZADO
        client.post(reverse("sede:filing_submit", args=[borrador.public_id]))
        assert Asiento.objects.count() == 1


class TestRefund:
    def test_a_refund_marks_the_payment_refunded_and_leaves_the_filing(
        self, con_tasa, client_as, ciudadana, admin_user
    ):
        from pagos.services import PagoRefused, pago_refund
        from sede.models import Presentacion

        client = client_as(ciudadana)
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        pay(client, borrador)
        client.post(reverse("sede:filing_submit", args=[borrador.public_id]))
        pago = Pago.objects.get()
        pago_refund(pago=pago, actor=admin_user, reason="Desistimiento")
        pago.refresh_from_db()
        assert pago.estado == EstadoPago.DEVUELTO and pago.refunded_by == admin_user
        assert (
            Presentacion.objects.get()
            .asiento.documentos.filter(nombre__startswith="justificante-pago")
            .exists()
        )
        with pytest.raises(PagoRefused):
            pago_refund(pago=pago, actor=admin_user)

    def test_only_an_authorised_payment_can_be_refunded(self, con_tasa, ciudadana, admin_user):
        from pagos.services import PagoRefused, pago_refund

        pago = make_pago(user=ciudadana, procedimiento=con_tasa)
        with pytest.raises(PagoRefused):
            pago_refund(pago=pago, actor=admin_user)


class TestAccess:
    def test_a_citizen_sees_only_their_own_payments(
        self, con_tasa, client_as, ciudadana, otra_ciudadana
    ):
        pago = make_pago(user=ciudadana, procedimiento=con_tasa)
        client = client_as(otra_ciudadana)
        assert client.get(reverse("pagos:detalle", args=[pago.public_id])).status_code == 404
        client = client_as(ciudadana)
        assert client.get(reverse("pagos:detalle", args=[pago.public_id])).status_code == 200

    def test_the_proof_is_offered_once_paid_to_its_owner_only(
        self, con_tasa, client, client_as, ciudadana, otra_ciudadana
    ):
        pago = make_pago(user=ciudadana, procedimiento=con_tasa, amount_cents=2550)
        url = reverse("pagos:justificante", args=[pago.public_id])
        owner = client_as(ciudadana)
        assert owner.get(url).status_code == 404  # not paid yet
        owner.post("/pagos/notificacion/", signed_notification(pago))
        response = owner.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        other = client_as(otra_ciudadana)
        assert other.get(url).status_code == 404

    def test_another_persons_draft_has_no_payment_step(
        self, con_tasa, client_as, ciudadana, otra_ciudadana
    ):
        borrador = complete_instancia(new_draft(ciudadana, con_tasa))
        client = client_as(otra_ciudadana)
        url = reverse("sede:filing_pago", args=[borrador.public_id])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        assert not Pago.objects.exists()

    def test_the_simulator_exists_only_when_configured(self, con_tasa, client, settings):
        settings.PAGOS_SIMULADOR = False
        assert client.post(reverse("pagos:simulador"), {}).status_code == 404
