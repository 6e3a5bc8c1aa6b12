"""Assisted filing by an authorised official at a district office (issue 14.2; HAB-1..3).

The official identifies the citizen (document checked), records the express consent (paper
scan or tablet), files through the same form engine as the sede and signs with their own
identification; the receipt names both. Refused with a clear reason when the official is not
habilitado for that procedure that date (HAB-3) or the citizen is obliged to relate
electronically (HAB-2). Every rule tested both ways.
"""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apoderamientos.constants import FirmaConsentimiento, TipoHabilitacion
from apoderamientos.models import ConsentimientoExpreso
from apoderamientos.services import habilitacion_register
from identidad.models import AuditEntry, Interesado
from identidad.roles import Role
from registro.constants import Canal, TipoOficina
from registro.models import Oficina
from sede.constants import MetodoFirma
from sede.models import Borrador, Presentacion
from tests.personas import staff_member
from tests.sede.filing_support import *  # noqa: F403
from tests.sede.filing_support import make_pdf
from tests.sede.test_filing_flow import INSTANCIA_STEPS, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def oficina(ayuntamiento) -> Oficina:
    return Oficina.objects.create(
        code="O00099001",
        name_es="Zuzenean Deusto",
        name_eu="Zuzenean Deustu",
        kind=TipoOficina.PRESENCIAL,
        unidad=ayuntamiento,
    )


def _habilitado(username, oficina, *, procedimientos=(), all_procedimientos=False, days=30):
    user = staff_member(username, Role.HABILITADO)
    user.first_name, user.last_name = "Itziar", "Lopez Habilitada"
    user.email = f"{username}@bilbao.example"
    user.save()
    oficina.personal.add(user)
    now = timezone.now()
    habilitacion_register(
        staff=user,
        tipo=TipoHabilitacion.IDENTIFICACION_FIRMA,
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=days),
        procedimientos=procedimientos,
        all_procedimientos=all_procedimientos,
    )
    return user


@pytest.fixture
def habilitada(oficina, catalogo):
    return _habilitado("habilitada", oficina, all_procedimientos=True)


def identificar(client, oficina, procedimiento, **overrides):
    data = {
        "oficina": oficina.pk,
        "procedimiento": procedimiento.pk,
        "documento_identidad": "dni",
        "nif": "00000000T",
        "nombre": "Koldo",
        "apellido1": "Arana",
        "apellido2": "Goiri",
        "email": "koldo@example.org",
        "documento_comprobado": "on",
    }
    data.update(overrides)
    return client.post(reverse("sede:asistida_inicio"), data)


def signature_data_url(drawn: bool = True) -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    if drawn:
        ImageDraw.Draw(image).line([(10, 50), (290, 60)], fill=(0, 0, 0, 255), width=4)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def fill_for_citizen(client, borrador):
    """The same steps as the sede's instancia general, filled by the official."""
    solicitante = dict(INSTANCIA_STEPS["solicitante"])
    solicitante.update({"solicitante-nif": "00000000T", "solicitante-nombre": "Koldo"})
    solicitante["solicitante-apellido1"] = "Arana"
    for step_id, data in (
        ("solicitante", solicitante),
        ("solicitud", INSTANCIA_STEPS["solicitud"]),
    ):
        r = client.post(step_url(borrador, step_id), data)
        assert r.status_code == 302, r.content.decode()[:3000]
    assert client.post(step_url(borrador, "documentos"), {"action": "next"}).status_code == 302
    notificacion = {
        "notificacion-canal": "electronica",
        "notificacion-email": "koldo@example.org",
        "action": "next",
    }
    for step_id, data in (
        ("notificacion", notificacion),
        ("confirmar", INSTANCIA_STEPS["confirmar"]),
    ):
        r = client.post(step_url(borrador, step_id), data)
        assert r.status_code == 302, r.content.decode()[:3000]


class TestAssistedFiling:
    def test_hab2_an_official_files_for_a_citizen_and_the_receipt_names_both(
        self, client, habilitada, oficina, catalogo
    ):
        client.force_login(habilitada)
        procedimiento = catalogo["instancia-general"]
        r = identificar(client, oficina, procedimiento)
        assert r.status_code == 302 and r["Location"] == reverse("sede:asistida_consentimiento")

        page = client.get(r["Location"]).content.decode()
        assert "Koldo Arana Goiri" in page and "PRESTA SU CONSENTIMIENTO EXPRESO" in page
        printable = client.get(reverse("sede:asistida_consentimiento_imprimir"))
        assert printable.status_code == 200
        assert "a4.css" in printable.content.decode()
        assert "Itziar Lopez Habilitada" in printable.content.decode()

        scan = SimpleUploadedFile("consentimiento.pdf", make_pdf("Firmado"), "application/pdf")
        r = client.post(reverse("sede:asistida_consentimiento"), {"escaneo": scan})
        assert r.status_code == 302, r.content.decode()[:2000]
        consent = ConsentimientoExpreso.objects.get()
        assert (consent.interesado.nif, consent.firma, consent.documento_identidad) == (
            "00000000T",
            FirmaConsentimiento.PAPEL,
            "dni",
        )
        borrador = Borrador.objects.get()
        assert borrador.user == habilitada and borrador.oficina == oficina
        assert borrador.on_behalf_of == consent.interesado
        assert "koldo@example.org" in json.dumps(borrador.data)  # the citizen's contact
        assert "habilitada@" not in json.dumps(borrador.data)
        first = client.get(r["Location"]).content.decode()
        assert 'value="00000000T"' in first  # the same form engine, prefilled for the citizen

        fill_for_citizen(client, borrador)
        review = client.get(reverse("sede:filing_review", args=[borrador.public_id]))
        assert "Poda del árbol" in review.content.decode()
        sign_page = client.get(reverse("sede:filing_sign", args=[borrador.public_id]))
        assert "funcionario/a habilitado/a" in sign_page.content.decode()
        r = client.post(reverse("sede:filing_sign", args=[borrador.public_id]))
        assert r.status_code == 302, r.content.decode()[:2000]

        presentacion = Presentacion.objects.get()
        asiento = presentacion.asiento
        assert presentacion.firma_method == MetodoFirma.HABILITADO
        assert (asiento.canal, asiento.oficina, asiento.registrado_por) == (
            Canal.PRESENCIAL,
            oficina,
            habilitada,
        )
        assert [p.nif for p in asiento.partes.all()] == ["00000000T"]
        assert asiento.representacion["via"] == "habilitacion"
        assert asiento.representacion["consentimiento"] == consent.pk
        receipt = client.get(r["Location"]).content.decode()
        assert "Itziar Lopez Habilitada" in receipt and "Koldo Arana Goiri" in receipt
        printed = client.get(reverse("registro:imprimir", args=[asiento.pk])).content.decode()
        assert "Itziar Lopez Habilitada" in printed and "00000000T" in printed
        copy = client.get(reverse("sede:asistida_consentimiento_copia", args=[consent.pk]))
        assert copy.status_code == 200
        assert b"".join(copy.streaming_content).startswith(b"%PDF-")

    def test_hab2_the_consent_can_be_signed_on_a_tablet(
        self, client, habilitada, oficina, catalogo
    ):
        client.force_login(habilitada)
        identificar(client, oficina, catalogo["instancia-general"])
        r = client.post(
            reverse("sede:asistida_consentimiento"), {"firma_tableta": signature_data_url()}
        )
        assert r.status_code == 302, r.content.decode()[:2000]
        consent = ConsentimientoExpreso.objects.get()
        assert consent.firma == FirmaConsentimiento.TABLETA
        with consent.documento.open("rb") as fh:
            pdf = fh.read()
        assert pdf.startswith(b"%PDF-") and b"/Image" in pdf  # the drawn signature is in it

    def test_a_blank_tablet_signature_or_nothing_is_refused(
        self, client, habilitada, oficina, catalogo
    ):
        client.force_login(habilitada)
        identificar(client, oficina, catalogo["instancia-general"])
        url = reverse("sede:asistida_consentimiento")
        blank = client.post(url, {"firma_tableta": signature_data_url(drawn=False)})
        assert "no ha firmado" in blank.content.decode()
        nothing = client.post(url, {})
        assert "Adjunte el consentimiento" in nothing.content.decode()
        assert not ConsentimientoExpreso.objects.exists() and not Borrador.objects.exists()

    def test_the_identity_document_must_be_checked(self, client, habilitada, oficina, catalogo):
        client.force_login(habilitada)
        r = identificar(client, oficina, catalogo["instancia-general"], documento_comprobado="")
        assert r.status_code == 200
        assert "Compruebe el documento de identidad original" in r.content.decode()
        assert not Interesado.objects.filter(nif="00000000T").exists()


class TestRefusals:
    def test_hab3_refused_when_not_habilitado_for_that_procedure(self, client, oficina, catalogo):
        only_aes = _habilitado("solo-aes", oficina, procedimientos=[catalogo["aes"]])
        client.force_login(only_aes)
        r = identificar(client, oficina, catalogo["instancia-general"])
        assert r.status_code == 200
        assert "no incluye el procedimiento" in r.content.decode()
        assert not Interesado.objects.filter(nif="00000000T").exists()
        refusal = AuditEntry.objects.filter(action="habilitacion.actuacion").get()
        assert refusal.result == "denegado" and refusal.actor == only_aes
        # The same official, for the procedure they are registered for: allowed.
        assert identificar(client, oficina, catalogo["aes"]).status_code == 302

    def test_hab3_refused_when_the_habilitacion_is_not_in_force_that_date(
        self, client, oficina, catalogo
    ):
        expired = _habilitado("caducada", oficina, all_procedimientos=True, days=-0.5)
        client.force_login(expired)
        r = identificar(client, oficina, catalogo["instancia-general"])
        assert "no estaba vigente" in r.content.decode()

    def test_hab2_refused_when_the_citizen_is_obliged_to_relate_electronically(
        self, client, habilitada, oficina, catalogo
    ):
        client.force_login(habilitada)
        r = identificar(client, oficina, catalogo["instancia-general"], obligado_electronico="on")
        assert r.status_code == 200
        assert "obligada a relacionarse electrónicamente" in r.content.decode()
        company = identificar(client, oficina, catalogo["instancia-general"], nif="B95000006")
        assert "solo puede actuar por personas físicas" in company.content.decode()
        assert not Borrador.objects.exists()

    def test_staff_without_the_role_or_an_office_get_404(
        self, client, funcionario, oficina, catalogo
    ):
        client.force_login(funcionario)
        assert client.get(reverse("sede:asistida_inicio")).status_code == 404
        without_office = staff_member("sin-oficina", Role.HABILITADO)
        client.force_login(without_office)
        assert client.get(reverse("sede:asistida_inicio")).status_code == 404
        # With the role and an office, the page opens.
        oficina.personal.add(without_office)
        assert client.get(reverse("sede:asistida_inicio")).status_code == 200

    def test_a_citizen_gets_404_and_cannot_read_someone_elses_consent(
        self, client, client_as, ciudadana, habilitada, oficina, catalogo
    ):
        client.force_login(habilitada)
        identificar(client, oficina, catalogo["instancia-general"])
        client.post(
            reverse("sede:asistida_consentimiento"), {"firma_tableta": signature_data_url()}
        )
        consent = ConsentimientoExpreso.objects.get()
        other = _habilitado("otra-habilitada", oficina, all_procedimientos=True)
        client.force_login(other)
        url = reverse("sede:asistida_consentimiento_copia", args=[consent.pk])
        assert client.get(url).status_code == 404
        citizen = client_as(ciudadana)
        assert citizen.get(reverse("sede:asistida_inicio")).status_code == 404
        assert citizen.get(url).status_code == 404

    def test_the_pages_render_in_basque(self, client, habilitada, oficina, catalogo):
        client.force_login(habilitada)
        body = client.get("/eu" + reverse("sede:asistida_inicio")).content.decode()
        assert "Gaitutako langileek lagundutako aurkezpena" in body


def test_the_role_group_holds_the_permission():
    group = Group.objects.get(name=Role.HABILITADO.value)
    assert group.permissions.filter(codename="add_consentimientoexpreso").exists()
