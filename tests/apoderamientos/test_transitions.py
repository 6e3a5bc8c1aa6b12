"""Every state transition of a power, with frozen time (REA-3..6)."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apoderamientos.constants import EstadoApoderamiento as E
from apoderamientos.constants import TipoApoderamiento, TipoEvento
from apoderamientos.decision import can_act
from apoderamientos.models import Apoderamiento, ApoderamientoEvento
from apoderamientos.services import (
    apoderamiento_accept,
    apoderamiento_bastantear,
    apoderamiento_extend,
    apoderamiento_grant_apud_acta,
    apoderamiento_register_at_office,
    apoderamientos_sweep,
)
from identidad.constants import NivelGarantia
from tests.firma.conftest import make_pdf

from .conftest import at
from .factories import accept, register, renounce, revoke

pytestmark = pytest.mark.django_db


def _states(power):
    power.refresh_from_db()
    return power.estado


class TestAcceptanceTermREA6:
    """REA-6: 20 working days (calendar engine), else not accepted."""

    def test_the_term_skips_weekends_and_the_holidays_of_the_calendar(
        self, ciudadana, representante, holidays
    ):
        # Thursday 26 March 2026; Easter (2, 3, 6 April) and 4 weekends fall inside the term.
        power = register(
            at=at(2026, 3, 26, 12),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
        )
        assert power.acceptance_last_instant.date() == date(2026, 4, 28)
        assert power.estado == E.PENDIENTE_ACEPTACION

    def test_acceptance_on_the_last_working_day_activates_it(
        self, ciudadana, representante, holidays
    ):
        power = register(
            at=at(2026, 3, 26, 12),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
        )
        accept(power, representante, at(2026, 4, 28, 23, 59))
        assert _states(power) == E.ACTIVO
        assert can_act(
            person=representante, interesado=ciudadana.interesado, instant=at(2026, 4, 29, 9)
        ).allowed

    def test_acceptance_the_day_after_the_term_is_refused(self, ciudadana, representante, holidays):
        power = register(
            at=at(2026, 3, 26, 12),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
        )
        with pytest.raises(ValidationError), time_machine.travel(at(2026, 4, 29, 0, 1), tick=False):
            apoderamiento_accept(apoderamiento=power, actor=representante)
        power.refresh_from_db()
        assert power.accepted_at is None

    def test_an_unaccepted_power_is_not_accepted_at_query_time_before_the_sweep(
        self, ciudadana, representante, holidays
    ):
        power = register(
            at=at(2026, 3, 26, 12),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
        )
        decision = can_act(
            person=representante, interesado=ciudadana.interesado, instant=at(2026, 4, 29, 10)
        )
        assert not decision.allowed
        assert "no fue aceptado" in decision.reason
        assert power.state_at(at(2026, 4, 29, 10)) == E.NO_ACEPTADO
        assert _states(power) == E.PENDIENTE_ACEPTACION  # stored state: not swept yet

    def test_the_sweep_marks_it_not_accepted_once(self, ciudadana, representante, holidays):
        power = register(
            at=at(2026, 3, 26, 12),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
        )
        assert apoderamientos_sweep(instant=at(2026, 4, 28, 23))["no_aceptados"] == 0
        assert apoderamientos_sweep(instant=at(2026, 4, 29, 1))["no_aceptados"] == 1
        assert apoderamientos_sweep(instant=at(2026, 4, 30, 1))["no_aceptados"] == 0
        power.refresh_from_db()
        assert power.estado == E.NO_ACEPTADO
        assert power.ended_at == power.acceptance_deadline
        assert power.eventos.filter(tipo=TipoEvento.NO_ACEPTACION).count() == 1

    def test_acceptance_is_implicit_when_the_apoderado_presented_it(
        self, ciudadana, representante, holidays
    ):
        power = register(
            at=at(2026, 3, 2, 10),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
            presentante=representante.interesado,
        )
        assert power.estado == E.ACTIVO
        assert power.accepted_at == power.registered_at
        assert can_act(
            person=representante, interesado=ciudadana.interesado, instant=at(2026, 3, 2, 10, 1)
        ).allowed

    def test_only_the_apoderado_accepts(self, ciudadana, representante, otra_ciudadana, holidays):
        power = register(
            at=at(2026, 3, 2, 10),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
        )
        for intruder in (ciudadana, otra_ciudadana):
            with pytest.raises(PermissionDenied):
                accept(power, intruder, at(2026, 3, 3, 10))
        assert _states(power) == E.PENDIENTE_ACEPTACION


class TestGrantREA3:
    def test_apud_acta_on_the_sede_needs_a_substantial_identification(
        self, ciudadana, representante, holidays
    ):
        with pytest.raises(PermissionDenied):
            apoderamiento_grant_apud_acta(
                user=ciudadana,
                identification_level=NivelGarantia.BAJO,
                apoderado=representante.interesado,
                tipo=TipoApoderamiento.GENERAL,
            )
        assert not Apoderamiento.objects.exists()

    def test_apud_acta_registers_a_numbered_power_pending_acceptance(
        self, ciudadana, representante, holidays
    ):
        with time_machine.travel(at(2026, 3, 2, 10), tick=False):
            power = apoderamiento_grant_apud_acta(
                user=ciudadana,
                identification_level=NivelGarantia.SUSTANCIAL,
                apoderado=representante.interesado,
                tipo=TipoApoderamiento.GENERAL,
            )
        assert power.numero == "2026/A/000001"
        assert power.estado == E.PENDIENTE_ACEPTACION
        assert list(power.poderdantes.all()) == [ciudadana.interesado]
        assert power.firma_note  # the signing step is recorded
        assert power.eventos.get().tipo == TipoEvento.REGISTRO

    def test_numbers_are_sequential_and_restart_each_year(
        self, ciudadana, representante, otra_ciudadana, holidays
    ):
        first = register(
            at=at(2026, 12, 31, 23, 50),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
        )
        second = register(
            at=at(2026, 12, 31, 23, 55),
            poderdantes=[otra_ciudadana.interesado],
            apoderado=representante.interesado,
        )
        third = register(
            at=at(2027, 1, 1, 0, 5),
            poderdantes=[otra_ciudadana.interesado],
            apoderado=ciudadana.interesado,
        )
        assert [first.numero, second.numero, third.numero] == [
            "2026/A/000001",
            "2026/A/000002",
            "2027/A/000001",
        ]

    def test_several_natural_persons_may_grant_jointly(
        self, ciudadana, otra_ciudadana, representante, holidays
    ):
        register(
            at=at(2026, 3, 2, 10),
            poderdantes=[ciudadana.interesado, otra_ciudadana.interesado],
            apoderado=representante.interesado,
            presentante=representante.interesado,
        )
        for poderdante in (ciudadana, otra_ciudadana):
            assert can_act(
                person=representante,
                interesado=poderdante.interesado,
                instant=at(2026, 3, 3, 10),
            ).allowed

    def test_a_legal_person_grants_alone_and_nobody_empowers_themselves(
        self, ciudadana, representante, empresa, holidays
    ):
        with pytest.raises(ValidationError):
            register(
                at=at(2026, 3, 2, 10),
                poderdantes=[empresa, ciudadana.interesado],
                apoderado=representante.interesado,
            )
        with pytest.raises(ValidationError):
            register(
                at=at(2026, 3, 2, 10),
                poderdantes=[ciudadana.interesado],
                apoderado=ciudadana.interesado,
            )
        assert not Apoderamiento.objects.exists()

    def test_a_tramites_power_lists_its_procedures(self, ciudadana, representante, holidays):
        with pytest.raises(ValidationError):
            register(
                at=at(2026, 3, 2, 10),
                poderdantes=[ciudadana.interesado],
                apoderado=representante.interesado,
                tipo=TipoApoderamiento.TRAMITES,
            )


class TestBastanteo:
    """A legal person's power takes effect only once desk staff verify the deed."""

    def _register(self, desk_staff, empresa, representante):
        with time_machine.travel(at(2026, 3, 2, 10), tick=False):
            return apoderamiento_register_at_office(
                staff=desk_staff,
                poderdantes=[empresa],
                apoderado=representante.interesado,
                presentante=empresa,
                tipo=TipoApoderamiento.GENERAL,
                escritura=SimpleUploadedFile(
                    "poder.pdf", make_pdf("Escritura de poder"), "application/pdf"
                ),
            )

    def test_pending_acceptance_then_bastanteo_then_active(
        self, desk_staff, empresa, representante, holidays
    ):
        power = self._register(desk_staff, empresa, representante)
        assert power.requires_bastanteo
        assert len(power.escritura_sha256) == 64
        accept(power, representante, at(2026, 3, 3, 10))
        assert _states(power) == E.PENDIENTE_BASTANTEO
        refused = can_act(person=representante, interesado=empresa, instant=at(2026, 3, 4, 10))
        assert not refused.allowed and "bastanteo" in refused.reason
        with time_machine.travel(at(2026, 3, 5, 10), tick=False):
            apoderamiento_bastantear(
                apoderamiento=power, staff=desk_staff, note="Escritura 123/2026, notaria Uribe"
            )
        assert _states(power) == E.ACTIVO
        assert can_act(person=representante, interesado=empresa, instant=at(2026, 3, 5, 11)).allowed
        # REA-5: effective from its registration, not before.
        assert not can_act(
            person=representante, interesado=empresa, instant=at(2026, 3, 5, 9)
        ).allowed

    def test_office_registration_of_a_legal_person_needs_the_deed(
        self, desk_staff, empresa, representante, holidays
    ):
        with pytest.raises(ValidationError):
            apoderamiento_register_at_office(
                staff=desk_staff,
                poderdantes=[empresa],
                apoderado=representante.interesado,
                presentante=empresa,
                tipo=TipoApoderamiento.GENERAL,
            )

    def test_unrelated_staff_can_neither_register_nor_verify(
        self, desk_staff, unrelated_staff, empresa, representante, holidays
    ):
        with pytest.raises(PermissionDenied):
            apoderamiento_register_at_office(
                staff=unrelated_staff,
                poderdantes=[empresa],
                apoderado=representante.interesado,
                presentante=empresa,
                tipo=TipoApoderamiento.GENERAL,
                escritura=SimpleUploadedFile("p.pdf", make_pdf("Escritura de poder")),
            )
        power = self._register(desk_staff, empresa, representante)
        with pytest.raises(PermissionDenied):
            apoderamiento_bastantear(apoderamiento=power, staff=unrelated_staff, note="ok")
        power.refresh_from_db()
        assert power.bastanteo_at is None


class TestEndsREA5:
    def _active(self, ciudadana, representante):
        power = register(
            at=at(2026, 3, 2, 10),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
        )
        return accept(power, representante, at(2026, 3, 3, 10))

    def test_revocation_takes_effect_from_its_registration(
        self, ciudadana, representante, holidays
    ):
        power = self._active(ciudadana, representante)
        revoke(power, ciudadana, at(2026, 3, 10, 12))
        assert _states(power) == E.REVOCADO
        me = ciudadana.interesado
        assert can_act(person=representante, interesado=me, instant=at(2026, 3, 10, 11)).allowed
        refused = can_act(person=representante, interesado=me, instant=at(2026, 3, 10, 12, 1))
        assert not refused.allowed and "revocado" in refused.reason

    def test_only_a_poderdante_revokes(self, ciudadana, representante, otra_ciudadana, holidays):
        power = self._active(ciudadana, representante)
        for intruder in (representante, otra_ciudadana):
            with pytest.raises(PermissionDenied):
                revoke(power, intruder, at(2026, 3, 10, 12))
        assert _states(power) == E.ACTIVO

    def test_renunciation_by_the_apoderado(self, ciudadana, representante, holidays):
        power = self._active(ciudadana, representante)
        with pytest.raises(PermissionDenied):
            renounce(power, ciudadana, at(2026, 3, 10, 12))
        renounce(power, representante, at(2026, 3, 10, 12))
        assert _states(power) == E.RENUNCIADO
        refused = can_act(
            person=representante, interesado=ciudadana.interesado, instant=at(2026, 3, 11)
        )
        assert "renunció" in refused.reason

    def test_an_ended_power_cannot_change_again(self, ciudadana, representante, holidays):
        power = self._active(ciudadana, representante)
        renounce(power, representante, at(2026, 3, 10, 12))
        with pytest.raises(ValidationError):
            revoke(power, ciudadana, at(2026, 3, 11, 12))
        assert _states(power) == E.RENUNCIADO

    def test_a_pending_power_can_be_revoked(self, ciudadana, representante, holidays):
        power = register(
            at=at(2026, 3, 2, 10),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
        )
        revoke(power, ciudadana, at(2026, 3, 4, 10))
        assert _states(power) == E.REVOCADO
        with pytest.raises(ValidationError):
            accept(power, representante, at(2026, 3, 5, 10))


class TestValidityREA4:
    def _active(self, ciudadana, representante, **kwargs):
        power = register(
            at=at(2026, 3, 2, 10),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
            **kwargs,
        )
        return accept(power, representante, at(2026, 3, 3, 10))

    def test_it_lasts_five_years_from_registration_then_expires(
        self, ciudadana, representante, holidays
    ):
        power = self._active(ciudadana, representante)
        assert power.valid_until == at(2031, 3, 2, 10)
        me = ciudadana.interesado
        assert can_act(person=representante, interesado=me, instant=at(2031, 3, 2, 9, 59)).allowed
        refused = can_act(person=representante, interesado=me, instant=at(2031, 3, 2, 10))
        assert not refused.allowed and "caducó" in refused.reason
        assert apoderamientos_sweep(instant=at(2031, 3, 2, 11))["caducados"] == 1
        assert _states(power) == E.CADUCADO
        assert apoderamientos_sweep(instant=at(2031, 3, 3, 11))["caducados"] == 0

    def test_more_than_five_years_is_refused(self, ciudadana, representante, holidays):
        with pytest.raises(ValidationError):
            self._active(ciudadana, representante, valid_until=date(2031, 3, 3))
        power = self._active(ciudadana, representante, valid_until=date(2027, 3, 1))
        assert power.valid_through.date() == date(2027, 3, 1)

    def test_extension_again_up_to_five_years_from_its_registration(
        self, ciudadana, representante, holidays
    ):
        power = self._active(ciudadana, representante)
        with time_machine.travel(at(2030, 6, 1, 9), tick=False):
            with pytest.raises(ValidationError):
                apoderamiento_extend(
                    apoderamiento=power, actor=ciudadana, valid_until=date(2035, 6, 2)
                )
            with pytest.raises(PermissionDenied):
                apoderamiento_extend(apoderamiento=power, actor=representante)
            apoderamiento_extend(apoderamiento=power, actor=ciudadana)
        power.refresh_from_db()
        assert power.valid_until == at(2035, 6, 1, 9)
        assert power.eventos.filter(tipo=TipoEvento.PRORROGA).count() == 1
        me = ciudadana.interesado
        assert can_act(person=representante, interesado=me, instant=at(2031, 3, 2, 10)).allowed
        assert not can_act(person=representante, interesado=me, instant=at(2035, 6, 1, 9)).allowed

    def test_a_power_that_ends_before_being_accepted_expires(
        self, ciudadana, representante, holidays
    ):
        power = register(
            at=at(2026, 3, 2, 10),
            poderdantes=[ciudadana.interesado],
            apoderado=representante.interesado,
            valid_until=date(2026, 3, 4),
        )
        assert power.state_at(at(2026, 3, 5, 10)) == E.CADUCADO
        with pytest.raises(ValidationError):
            accept(power, representante, at(2026, 3, 5, 10))
        assert apoderamientos_sweep(instant=at(2026, 3, 5, 10))["caducados"] == 1
        assert _states(power) == E.CADUCADO

    def test_an_expired_power_cannot_be_extended(self, ciudadana, representante, holidays):
        power = self._active(ciudadana, representante)
        with (
            time_machine.travel(at(2031, 3, 2, 10, 1), tick=False),
            pytest.raises(ValidationError),
        ):
            apoderamiento_extend(apoderamiento=power, actor=ciudadana)

    def test_every_change_is_in_the_history_and_the_audit_trail(
        self, ciudadana, representante, holidays
    ):
        from identidad.models import AuditEntry

        power = self._active(ciudadana, representante)
        revoke(power, ciudadana, at(2026, 4, 1, 10))
        kinds = list(
            ApoderamientoEvento.objects.filter(apoderamiento=power).values_list("tipo", flat=True)
        )
        assert kinds == [TipoEvento.REGISTRO, TipoEvento.ACEPTACION, TipoEvento.REVOCACION]
        actions = set(
            AuditEntry.objects.filter(object_id=str(power.pk)).values_list("action", flat=True)
        )
        assert {
            "apoderamiento.registro",
            "apoderamiento.aceptacion",
            "apoderamiento.revocacion",
        } <= actions


def test_demo_data_loads_twice_without_duplicates(ciudadana, representante, empresa, funcionario):
    from apoderamientos.demo import load_demo
    from apoderamientos.selectors import is_desk_staff
    from identidad.models import User

    load_demo()
    load_demo()
    assert Apoderamiento.objects.count() == 2
    assert can_act(person=representante, interesado=ciudadana.interesado).allowed
    assert is_desk_staff(User.objects.get(pk=funcionario.pk))


def test_the_periodic_sweep_task_is_scheduled_and_runs(
    ciudadana, representante, settings, holidays
):
    from apoderamientos.tasks import apoderamientos_sweep_task

    entry = settings.CELERY_BEAT_SCHEDULE["apoderamientos-sweep"]
    assert entry["task"] == apoderamientos_sweep_task.name
    power = register(
        at=at(2026, 3, 26, 12),
        poderdantes=[ciudadana.interesado],
        apoderado=representante.interesado,
    )
    with time_machine.travel(at(2026, 4, 29, 3), tick=False):
        assert apoderamientos_sweep_task.delay().get() == {"no_aceptados": 1, "caducados": 0}
        assert apoderamientos_sweep_task.delay().get() == {"no_aceptados": 0, "caducados": 0}
    assert _states(power) == E.NO_ACEPTADO
