"""Personal habilitado (HAB-1..3): refused unless authorised for that procedure on that date,
and acting for a citizen requires their express consent, kept as a document."""

import hashlib

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apoderamientos.constants import TipoHabilitacion, ViaRepresentacion
from apoderamientos.decision import can_act
from apoderamientos.exceptions import HabilitacionDenegada
from apoderamientos.models import ConsentimientoExpreso, RepresentacionContexto
from apoderamientos.selectors import is_desk_staff
from apoderamientos.services import habilitacion_register, habilitado_act_for, habilitado_check
from identidad.models import AuditEntry, User

from .conftest import at

pytestmark = pytest.mark.django_db

CONSENT = b"%PDF-1.4 Consiento que el funcionario habilitado presente mi solicitud."


def _consent():
    return SimpleUploadedFile("consentimiento.pdf", CONSENT, "application/pdf")


@pytest.fixture
def habilitado(db, procedimiento):
    staff = User.objects.create_user("habilitado", password="x", is_staff=True, first_name="Ane")
    habilitacion_register(
        staff=staff,
        tipo=TipoHabilitacion.IDENTIFICACION_FIRMA,
        procedimientos=[procedimiento],
        valid_from=at(2026, 1, 1),
        valid_until=at(2027, 1, 1),
    )
    return staff


class TestHabilitadoCheckHAB3:
    def test_it_passes_for_the_procedure_and_date_of_the_authorisation(
        self, habilitado, procedimiento
    ):
        habilitacion = habilitado_check(
            staff=habilitado, procedimiento=procedimiento, instant=at(2026, 6, 1, 10)
        )
        assert habilitacion.staff == habilitado

    def test_it_refuses_another_procedure(self, habilitado, otro_procedimiento):
        with pytest.raises(HabilitacionDenegada) as refusal:
            habilitado_check(
                staff=habilitado, procedimiento=otro_procedimiento, instant=at(2026, 6, 1, 10)
            )
        assert "no incluye el procedimiento" in refusal.value.decision.reason

    @pytest.mark.parametrize("instant", [at(2025, 12, 31, 23, 59), at(2027, 1, 1, 0, 0)])
    def test_it_refuses_outside_the_validity(self, habilitado, procedimiento, instant):
        with pytest.raises(HabilitacionDenegada) as refusal:
            habilitado_check(staff=habilitado, procedimiento=procedimiento, instant=instant)
        assert "no estaba vigente" in refusal.value.decision.reason

    def test_it_refuses_staff_who_are_not_registered(self, funcionario, procedimiento):
        with pytest.raises(HabilitacionDenegada) as refusal:
            habilitado_check(staff=funcionario, procedimiento=procedimiento)
        assert "No consta inscrito" in refusal.value.decision.reason

    def test_a_revoked_authorisation_stops_at_its_revocation(self, habilitado, procedimiento):
        habilitacion = habilitado.habilitaciones.get()
        habilitacion.revoked_at = at(2026, 6, 1)
        habilitacion.save()
        habilitado_check(staff=habilitado, procedimiento=procedimiento, instant=at(2026, 5, 31))
        with pytest.raises(HabilitacionDenegada):
            habilitado_check(staff=habilitado, procedimiento=procedimiento, instant=at(2026, 6, 2))

    def test_an_authorisation_for_all_procedures(self, funcionario, otro_procedimiento):
        habilitacion_register(
            staff=funcionario,
            tipo=TipoHabilitacion.IDENTIFICACION_FIRMA,
            all_procedimientos=True,
            valid_from=at(2026, 1, 1),
            valid_until=at(2027, 1, 1),
        )
        habilitado_check(
            staff=funcionario, procedimiento=otro_procedimiento, instant=at(2026, 3, 1)
        )

    def test_the_kind_matters(self, funcionario, procedimiento):
        habilitacion_register(
            staff=funcionario,
            tipo=TipoHabilitacion.COPIAS_AUTENTICAS,
            all_procedimientos=True,
            valid_from=at(2026, 1, 1),
            valid_until=at(2027, 1, 1),
        )
        with pytest.raises(HabilitacionDenegada):
            habilitado_check(staff=funcionario, procedimiento=procedimiento, instant=at(2026, 3, 1))

    def test_only_staff_can_be_registered(self, ciudadana, procedimiento):
        with pytest.raises(ValidationError):
            habilitacion_register(
                staff=ciudadana,
                tipo=TipoHabilitacion.IDENTIFICACION_FIRMA,
                all_procedimientos=True,
                valid_from=at(2026, 1, 1),
                valid_until=at(2027, 1, 1),
            )


class TestActingForACitizenHAB2:
    def test_with_consent_it_returns_the_representation_context(
        self, habilitado, ciudadana, procedimiento
    ):
        with time_machine.travel(at(2026, 6, 1, 10), tick=False):
            context = habilitado_act_for(
                staff=habilitado,
                interesado=ciudadana.interesado,
                procedimiento=procedimiento,
                consent_document=_consent(),
            )
        assert context.via == ViaRepresentacion.HABILITACION
        assert context.actor_user == habilitado
        consent = context.consentimiento
        assert consent.sha256 == hashlib.sha256(CONSENT).hexdigest()
        consent.documento.open("rb")
        assert consent.documento.read() == CONSENT
        # the same day, can_act recognises the ground; the next day the consent is spent
        assert can_act(
            person=habilitado,
            interesado=ciudadana.interesado,
            procedimiento=procedimiento,
            instant=at(2026, 6, 1, 12),
        ).allowed
        next_day = can_act(
            person=habilitado,
            interesado=ciudadana.interesado,
            procedimiento=procedimiento,
            instant=at(2026, 6, 2, 10),
        )
        assert not next_day.allowed and "consentimiento" in next_day.reason

    def test_it_is_refused_for_a_procedure_outside_the_authorisation(
        self, habilitado, ciudadana, otro_procedimiento
    ):
        with (
            time_machine.travel(at(2026, 6, 1, 10), tick=False),
            pytest.raises(HabilitacionDenegada),
        ):
            habilitado_act_for(
                staff=habilitado,
                interesado=ciudadana.interesado,
                procedimiento=otro_procedimiento,
                consent_document=_consent(),
            )
        assert not ConsentimientoExpreso.objects.exists()
        assert not RepresentacionContexto.objects.exists()
        refusal = AuditEntry.objects.get(action="habilitacion.actuacion")
        assert refusal.result == "denegado"

    def test_it_is_refused_on_a_date_outside_the_authorisation(
        self, habilitado, ciudadana, procedimiento
    ):
        with (
            time_machine.travel(at(2027, 1, 4, 10), tick=False),
            pytest.raises(HabilitacionDenegada),
        ):
            habilitado_act_for(
                staff=habilitado,
                interesado=ciudadana.interesado,
                procedimiento=procedimiento,
                consent_document=_consent(),
            )
        assert not RepresentacionContexto.objects.exists()

    def test_it_needs_the_consent_document(self, habilitado, ciudadana, procedimiento):
        with time_machine.travel(at(2026, 6, 1, 10), tick=False), pytest.raises(ValidationError):
            habilitado_act_for(
                staff=habilitado,
                interesado=ciudadana.interesado,
                procedimiento=procedimiento,
                consent_document=SimpleUploadedFile("vacio.pdf", b""),
            )
        assert not RepresentacionContexto.objects.exists()

    def test_it_is_only_for_natural_persons(self, habilitado, empresa, procedimiento):
        with (
            time_machine.travel(at(2026, 6, 1, 10), tick=False),
            pytest.raises(HabilitacionDenegada),
        ):
            habilitado_act_for(
                staff=habilitado,
                interesado=empresa,
                procedimiento=procedimiento,
                consent_document=_consent(),
            )

    def test_without_consent_can_act_says_no(self, habilitado, ciudadana, procedimiento):
        decision = can_act(
            person=habilitado,
            interesado=ciudadana.interesado,
            procedimiento=procedimiento,
            instant=at(2026, 6, 1, 10),
        )
        assert not decision.allowed and "consentimiento" in decision.reason


def test_assistance_office_habilitados_are_desk_staff(unrelated_staff):
    assert not is_desk_staff(unrelated_staff, at(2026, 6, 1))
    habilitacion_register(
        staff=unrelated_staff,
        tipo=TipoHabilitacion.OFICINA_ASISTENCIA,
        all_procedimientos=True,
        valid_from=at(2026, 1, 1),
        valid_until=at(2027, 1, 1),
    )
    assert is_desk_staff(unrelated_staff, at(2026, 6, 1))
    assert not is_desk_staff(unrelated_staff, at(2027, 6, 1))


def test_the_back_office_lists_powers_and_habilitados(client, habilitado, ciudadana, holidays):
    from tests.apoderamientos.factories import register

    from .conftest import login

    admin = User.objects.create_superuser("jefa", password="x")
    power = register(
        at=at(2026, 3, 2, 10),
        poderdantes=[ciudadana.interesado],
        apoderado=habilitado_interesado(),
    )
    login(client, admin)
    assert power.numero in client.get("/admin/apoderamientos/apoderamiento/").content.decode()
    assert client.get(f"/admin/apoderamientos/apoderamiento/{power.pk}/change/").status_code == 200
    page = client.get("/admin/apoderamientos/habilitacion/").content.decode()
    assert "habilitado" in page
    # the registry cannot be edited from the back office: changes go through the services
    assert client.get("/admin/apoderamientos/apoderamiento/add/").status_code == 403


def habilitado_interesado():
    from identidad.services import interesado_get_or_create

    return interesado_get_or_create(nif="X1234567L", nombre="Amina", apellido1="Benali")
