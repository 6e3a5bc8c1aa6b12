"""Every transition of a notification (NOT-1..11) through the services, with frozen time."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from notificaciones.constants import Canal, Clase, Estado, MotivoCanal, TipoEvidencia
from notificaciones.models import Evidencia, Notificacion
from notificaciones.plazos import expiry_instant
from notificaciones.services import (
    canal_for,
    notificacion_make_available,
    notificacion_open,
    notificacion_prepare,
    notificacion_reject,
    notificaciones_expire,
    papel_intento_record,
    preferencia_set,
)
from tests.expedientes.conftest import madrid

pytestmark = pytest.mark.django_db


class TestPrepare:
    def test_not_1_a_notification_without_appeals_text_is_refused(self, electronica, urbanismo):
        with pytest.raises(ValidationError) as exc:
            notificacion_prepare(
                destinatario=electronica, unidad=urbanismo, asunto="A", texto="T", recursos=""
            )
        assert "recursos" in exc.value.message_dict
        assert not Notificacion.objects.exists()

    def test_a_communication_needs_no_appeals(self, electronica, urbanismo):
        n = notificacion_prepare(
            destinatario=electronica,
            unidad=urbanismo,
            asunto="Comunicación de inicio",
            texto="Su solicitud se recibió.",
            clase=Clase.COMUNICACION,
        )
        assert n.estado == Estado.PREPARADA

    def test_making_it_available_twice_is_refused(self, electronica, prepare):
        n = prepare(electronica)
        with pytest.raises(ValidationError):
            notificacion_make_available(notificacion=n)


class TestChannel:
    def test_not_2_a_legal_person_is_obliged_to_electronic(self, empresa):
        assert canal_for(empresa) == (Canal.ELECTRONICO, MotivoCanal.OBLIGADO)

    def test_without_a_choice_a_natural_person_gets_paper_also_in_the_sede(self, ciudadana):
        assert canal_for(ciudadana.interesado) == (Canal.PAPEL, MotivoCanal.SIN_ELECCION)

    def test_not_2_a_change_of_choice_takes_effect_on_the_5th_working_day(self, ciudadana):
        # Recorded on Friday 6 March 2026: working days 9, 10, 11, 12, 13 → from 13 March.
        with time_machine.travel(madrid(2026, 3, 6, 12), tick=False):
            preferencia_set(interesado=ciudadana.interesado, electronica=True)
        assert canal_for(ciudadana.interesado, madrid(2026, 3, 12, 23, 59))[0] == Canal.PAPEL
        assert canal_for(ciudadana.interesado, madrid(2026, 3, 13, 0, 0))[0] == Canal.ELECTRONICO


class TestComparecencia:
    def test_not_5_opening_accepts_it_at_that_instant_with_evidence(
        self, ciudadana, electronica, prepare
    ):
        with time_machine.travel(madrid(2026, 3, 2, 10, 15), tick=False):
            n = prepare(electronica)
        assert n.estado == Estado.PUESTA
        with time_machine.travel(madrid(2026, 3, 4, 9, 30), tick=False):
            n = notificacion_open(notificacion_id=n.pk, user=ciudadana)
        assert n.estado == Estado.ACEPTADA
        assert n.practicada_at == madrid(2026, 3, 4, 9, 30)
        assert n.abierta_por == ciudadana and n.via == "propia"
        tipos = set(n.evidencias.values_list("tipo", flat=True))
        assert tipos == {TipoEvidencia.PUESTA, TipoEvidencia.ACCESO}
        assert list(n.eventos.values_list("estado", flat=True)) == [
            Estado.PREPARADA,
            Estado.PUESTA,
            Estado.ACEPTADA,
        ]

    def test_explicit_rejection_practises_it(self, ciudadana, electronica, prepare):
        n = prepare(electronica)
        n = notificacion_reject(notificacion_id=n.pk, user=ciudadana)
        assert n.estado == Estado.RECHAZADA
        assert n.evidencias.filter(tipo=TipoEvidencia.RECHAZO).exists()

    def test_opening_after_rejection_changes_nothing(self, ciudadana, electronica, prepare):
        n = prepare(electronica)
        notificacion_reject(notificacion_id=n.pk, user=ciudadana)
        with pytest.raises(ValidationError):
            notificacion_open(notificacion_id=n.pk, user=ciudadana)
        n.refresh_from_db()
        assert n.estado == Estado.RECHAZADA
        assert n.evidencias.count() == 2

    def test_someone_else_cannot_open_it(self, otra_ciudadana, electronica, prepare):
        n = prepare(electronica)
        with pytest.raises(PermissionDenied):
            notificacion_open(notificacion_id=n.pk, user=otra_ciudadana)
        n.refresh_from_db()
        assert n.estado == Estado.PUESTA

    def test_a_communication_is_read_without_legal_effects(self, ciudadana, electronica, prepare):
        n = prepare(electronica, clase=Clase.COMUNICACION, recursos="")
        assert n.expira_at is None and not n.evidencias.exists()
        n = notificacion_open(notificacion_id=n.pk, user=ciudadana)
        assert n.estado == Estado.LEIDA
        assert not n.evidencias.exists()


class TestExpiry:
    """NOT-6: rejected after ten natural days without access (see notificaciones/plazos.py)."""

    def test_the_instant_is_00_00_of_the_eleventh_day(self):
        assert expiry_instant(madrid(2026, 3, 2, 10, 15)) == madrid(2026, 3, 13, 0, 0)

    def test_exact_mode_is_ten_times_24_hours(self, settings):
        settings.NOTIFICACIONES_EXPIRY_MODE = "exacto"
        assert expiry_instant(madrid(2026, 3, 2, 10, 15)) == madrid(2026, 3, 12, 10, 15)

    def test_one_minute_before_it_is_pending_after_it_is_rejected_exactly_once(
        self, ciudadana, electronica, prepare
    ):
        with time_machine.travel(madrid(2026, 3, 2, 10, 15), tick=False):
            n = prepare(electronica)
        assert n.expira_at == madrid(2026, 3, 13, 0, 0)
        assert notificaciones_expire(now=madrid(2026, 3, 12, 23, 59)) == 0
        n.refresh_from_db()
        assert n.estado == Estado.PUESTA
        assert notificaciones_expire(now=madrid(2026, 3, 13, 0, 1)) == 1
        assert notificaciones_expire(now=madrid(2026, 3, 14, 9, 0)) == 0  # again, late
        n.refresh_from_db()
        assert n.estado == Estado.EXPIRADA
        assert n.practicada_at == madrid(2026, 3, 13, 0, 0)  # dated at expiry, not at the run
        assert Evidencia.objects.filter(notificacion=n, tipo=TipoEvidencia.EXPIRACION).count() == 1

    def test_opening_after_the_instant_but_before_the_job_finds_it_expired(
        self, ciudadana, electronica, prepare
    ):
        with time_machine.travel(madrid(2026, 3, 2, 10, 15), tick=False):
            n = prepare(electronica)
        with time_machine.travel(madrid(2026, 3, 13, 8, 0), tick=False):
            n = notificacion_open(notificacion_id=n.pk, user=ciudadana)
        assert n.estado == Estado.EXPIRADA
        assert n.abierta_por is None

    def test_paper_notifications_do_not_expire(self, ciudadana, prepare):
        n = prepare(ciudadana.interesado)
        assert n.canal == Canal.PAPEL and n.expira_at is None
        assert notificaciones_expire(now=n.puesta_at + timedelta(days=40)) == 0


class TestPaper:
    """NOT-3, NOT-11."""

    def test_a_delivery_practises_it_and_is_visible_in_the_sede(
        self, ciudadana, funcionario, prepare
    ):
        with time_machine.travel(madrid(2026, 3, 2, 9), tick=False):
            n = prepare(ciudadana.interesado)
        with time_machine.travel(madrid(2026, 3, 3, 12), tick=False):
            papel_intento_record(
                notificacion_id=n.pk,
                at=madrid(2026, 3, 3, 11, 0),
                resultado="entregada",
                agente="Correos 123",
                receptor_nombre="Miren Etxeberria",
                actor=funcionario,
            )
        n.refresh_from_db()
        assert n.estado == Estado.PAPEL and n.practicada_at == madrid(2026, 3, 3, 11, 0)

    def test_second_attempt_must_be_on_the_other_side_of_15_00(
        self, ciudadana, funcionario, prepare
    ):
        with time_machine.travel(madrid(2026, 3, 2, 9), tick=False):
            n = prepare(ciudadana.interesado)
        with time_machine.travel(madrid(2026, 3, 5, 20), tick=False):
            papel_intento_record(
                notificacion_id=n.pk,
                at=madrid(2026, 3, 3, 10, 0),
                resultado="ausente",
                agente="Correos 123",
                actor=funcionario,
            )
            with pytest.raises(ValidationError):
                papel_intento_record(
                    notificacion_id=n.pk,
                    at=madrid(2026, 3, 4, 11, 0),
                    resultado="ausente",
                    agente="Correos 123",
                    actor=funcionario,
                )
            papel_intento_record(
                notificacion_id=n.pk,
                at=madrid(2026, 3, 4, 17, 0),
                resultado="ausente",
                agente="Correos 123",
                actor=funcionario,
            )
        assert n.intentos_papel.count() == 2

    def test_the_first_practice_prevails(self, ciudadana, funcionario, prepare):
        with time_machine.travel(madrid(2026, 3, 2, 9), tick=False):
            n = prepare(ciudadana.interesado)
        with time_machine.travel(madrid(2026, 3, 2, 18), tick=False):
            notificacion_open(notificacion_id=n.pk, user=ciudadana)  # in the sede first
        with time_machine.travel(madrid(2026, 3, 4, 12), tick=False):
            papel_intento_record(
                notificacion_id=n.pk,
                at=madrid(2026, 3, 4, 11, 0),
                resultado="entregada",
                agente="Correos",
                receptor_nombre="Miren",
                actor=funcionario,
            )
        n.refresh_from_db()
        assert n.estado == Estado.ACEPTADA and n.practicada_at == madrid(2026, 3, 2, 18)
