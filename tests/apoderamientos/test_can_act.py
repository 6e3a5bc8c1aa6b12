"""The decision table of ``can_act``: type × scope × state × instant (REA-2, REA-4..6)."""

import pytest

from apoderamientos.constants import TipoApoderamiento as T
from apoderamientos.constants import ViaRepresentacion
from apoderamientos.decision import can_act
from apoderamientos.exceptions import RepresentacionDenegada
from apoderamientos.models import RepresentacionContexto
from apoderamientos.selectors import interesados_for
from apoderamientos.services import representation_record

from .conftest import at
from .factories import accept, register, renounce, revoke

pytestmark = pytest.mark.django_db

REGISTERED = at(2026, 3, 2, 10)
ACCEPTED = at(2026, 3, 3, 10)
ENDED = at(2026, 3, 10, 10)

INSTANTS = {
    "before_registration": at(2026, 3, 1, 10),
    "registered_not_accepted_yet": at(2026, 3, 2, 18),
    "in_force": at(2026, 3, 5, 10),
    "after_the_end": at(2026, 3, 20, 10),
    "after_acceptance_term": at(2026, 4, 2, 10),
    "last_minute_of_5_years": at(2031, 3, 2, 9, 59),
    "after_5_years": at(2031, 3, 2, 10),
}

# (type, DIR3 of an ADMINISTRACION power, state, procedure asked, instant, allowed, reason)
TABLE = [
    (T.GENERAL, "", "active", "A", "in_force", True, "Actúa con el apoderamiento"),
    (T.GENERAL, "", "active", None, "in_force", True, "Actúa con el apoderamiento"),
    (T.GENERAL, "", "active", "B", "last_minute_of_5_years", True, "vigente hasta"),
    (T.GENERAL, "", "active", "A", "before_registration", False, "aún no estaba inscrito"),
    (T.GENERAL, "", "active", "A", "registered_not_accepted_yet", False, "pendiente de"),
    (T.GENERAL, "", "active", "A", "after_5_years", False, "caducó"),
    (T.GENERAL, "", "pending", "A", "in_force", False, "pendiente de que el apoderado"),
    (T.GENERAL, "", "pending", "A", "after_acceptance_term", False, "no fue aceptado"),
    (T.GENERAL, "", "revoked", "A", "in_force", True, "Actúa con el apoderamiento"),
    (T.GENERAL, "", "revoked", "A", "after_the_end", False, "fue revocado"),
    (T.GENERAL, "", "renounced", "A", "in_force", True, "Actúa con el apoderamiento"),
    (T.GENERAL, "", "renounced", "A", "after_the_end", False, "renunció"),
    (T.ADMINISTRACION, "", "active", "A", "in_force", True, "Ante esta administración"),
    (T.ADMINISTRACION, "", "active", None, "in_force", True, "Actúa con el apoderamiento"),
    (T.ADMINISTRACION, "L01000001", "active", "A", "in_force", False, "otra administración"),
    (T.ADMINISTRACION, "", "pending", "A", "in_force", False, "pendiente de que"),
    (T.ADMINISTRACION, "", "revoked", "A", "after_the_end", False, "fue revocado"),
    (T.ADMINISTRACION, "", "active", "A", "after_5_years", False, "caducó"),
    (T.TRAMITES, "", "active", "A", "in_force", True, "trámites concretos"),
    (T.TRAMITES, "", "active", "B", "in_force", False, "no incluye el procedimiento"),
    (T.TRAMITES, "", "active", None, "in_force", False, "solo vale para los trámites"),
    (T.TRAMITES, "", "pending", "A", "after_acceptance_term", False, "no fue aceptado"),
    (T.TRAMITES, "", "revoked", "A", "after_the_end", False, "fue revocado"),
    (T.TRAMITES, "", "renounced", "A", "after_the_end", False, "renunció"),
    (T.TRAMITES, "", "active", "A", "after_5_years", False, "caducó"),
]


@pytest.fixture
def procs(procedimiento, otro_procedimiento):
    return {"A": procedimiento, "B": otro_procedimiento, None: None}


def _build(tipo, dir3, state, ciudadana, representante, procs):
    power = register(
        at=REGISTERED,
        poderdantes=[ciudadana.interesado],
        apoderado=representante.interesado,
        tipo=tipo,
        procedimientos=[procs["A"]] if tipo == T.TRAMITES else [],
        administracion_dir3=dir3,
    )
    if state != "pending":
        accept(power, representante, ACCEPTED)
    if state == "revoked":
        revoke(power, ciudadana, ENDED)
    if state == "renounced":
        renounce(power, representante, ENDED)
    return power


@pytest.mark.parametrize(("tipo", "dir3", "state", "proc", "instant", "allowed", "reason"), TABLE)
def test_decision_table(
    tipo, dir3, state, proc, instant, allowed, reason, ciudadana, representante, procs, holidays
):
    power = _build(tipo, dir3, state, ciudadana, representante, procs)
    decision = can_act(
        person=representante,
        interesado=ciudadana.interesado,
        procedimiento=procs[proc],
        instant=INSTANTS[instant],
    )
    assert decision.allowed is allowed
    assert reason in decision.reason
    if allowed:
        assert decision.via == ViaRepresentacion.APODERAMIENTO
        assert decision.apoderamiento == power
    else:
        assert decision.via is None


def test_acting_for_oneself_is_always_allowed(ciudadana, procedimiento):
    decision = can_act(
        person=ciudadana, interesado=ciudadana.interesado, procedimiento=procedimiento
    )
    assert decision.allowed and decision.via == ViaRepresentacion.PROPIA


def test_without_a_power_the_answer_is_no_and_says_why(ciudadana, representante):
    decision = can_act(person=representante, interesado=ciudadana.interesado)
    assert not decision.allowed
    assert "No consta ningún apoderamiento" in decision.reason


def test_a_third_person_cannot_use_someone_elses_power(
    ciudadana, representante, otra_ciudadana, procs, holidays
):
    _build(T.GENERAL, "", "active", ciudadana, representante, procs)
    decision = can_act(
        person=otra_ciudadana, interesado=ciudadana.interesado, instant=INSTANTS["in_force"]
    )
    assert not decision.allowed
    # and the power does not work backwards: the poderdante is not the apoderado's agent
    assert not can_act(
        person=ciudadana, interesado=representante.interesado, instant=INSTANTS["in_force"]
    ).allowed


def test_the_best_of_several_powers_decides(ciudadana, representante, procs, holidays):
    _build(T.TRAMITES, "", "active", ciudadana, representante, procs)
    _build(T.GENERAL, "", "revoked", ciudadana, representante, procs)
    at_b = can_act(
        person=representante,
        interesado=ciudadana.interesado,
        procedimiento=procs["B"],
        instant=INSTANTS["after_the_end"],
    )
    assert not at_b.allowed and "no incluye" in at_b.reason  # the most useful explanation
    assert can_act(
        person=representante,
        interesado=ciudadana.interesado,
        procedimiento=procs["A"],
        instant=INSTANTS["after_the_end"],
    ).allowed


def test_reasons_are_translated(ciudadana, representante, procs, holidays):
    from django.utils import translation

    _build(T.GENERAL, "", "pending", ciudadana, representante, procs)
    with translation.override("eu"):
        decision = can_act(
            person=representante, interesado=ciudadana.interesado, instant=INSTANTS["in_force"]
        )
    assert not decision.allowed
    assert "pendiente" not in decision.reason


class TestRepresentationRecord:
    def test_each_positive_use_is_recorded_with_its_ground(
        self, ciudadana, representante, procs, holidays
    ):
        power = _build(T.TRAMITES, "", "active", ciudadana, representante, procs)
        context = representation_record(
            person=representante,
            interesado=ciudadana.interesado,
            procedimiento=procs["A"],
            instant=INSTANTS["in_force"],
        )
        stored = RepresentacionContexto.objects.get(pk=context.pk)
        assert stored.via == ViaRepresentacion.APODERAMIENTO
        assert stored.apoderamiento == power
        assert stored.actor_user == representante
        assert stored.actor_interesado == representante.interesado
        assert stored.procedimiento == procs["A"]

    def test_a_refusal_records_nothing_and_carries_the_reason(
        self, ciudadana, representante, procs, holidays
    ):
        _build(T.TRAMITES, "", "active", ciudadana, representante, procs)
        with pytest.raises(RepresentacionDenegada) as refusal:
            representation_record(
                person=representante,
                interesado=ciudadana.interesado,
                procedimiento=procs["B"],
                instant=INSTANTS["in_force"],
            )
        assert "no incluye" in refusal.value.decision.reason
        assert not RepresentacionContexto.objects.exists()

    def test_acting_for_oneself_is_recorded_too(self, ciudadana):
        context = representation_record(person=ciudadana, interesado=ciudadana.interesado)
        assert context.via == ViaRepresentacion.PROPIA


class TestOnBehalfOfPicker:
    def test_it_lists_oneself_then_who_empowered_one_for_that_procedure(
        self, ciudadana, otra_ciudadana, representante, empresa, procs, holidays
    ):
        _build(T.TRAMITES, "", "active", ciudadana, representante, procs)
        general = register(
            at=REGISTERED,
            poderdantes=[otra_ciudadana.interesado],
            apoderado=representante.interesado,
        )
        accept(general, representante, ACCEPTED)
        register(at=REGISTERED, poderdantes=[empresa], apoderado=representante.interesado)
        now = INSTANTS["in_force"]
        me = representante.interesado
        assert interesados_for(representante, procs["A"], now) == [
            me,
            ciudadana.interesado,
            otra_ciudadana.interesado,
        ]
        assert interesados_for(representante, procs["B"], now) == [me, otra_ciudadana.interesado]
        assert interesados_for(representante, procs["A"], INSTANTS["before_registration"]) == [me]

    def test_it_agrees_with_can_act_for_every_row_of_the_table(
        self, ciudadana, representante, procs, holidays
    ):
        for tipo, dir3, state, proc, instant, allowed, _ in TABLE[:12]:
            power = _build(tipo, dir3, state, ciudadana, representante, procs)
            listed = ciudadana.interesado in interesados_for(
                representante, procs[proc], INSTANTS[instant]
            )
            assert listed is allowed, (tipo, state, proc, instant)
            power.poderdantes.clear()
