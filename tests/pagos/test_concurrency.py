"""Two deliveries of the same notification at the same instant (the gateway retries while the
first is still being processed): one payment change, the other recorded as repeated. Against
PostgreSQL, where the row lock and the conditional update really race (skipped on SQLite)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from pagos.constants import EstadoPago, ResultadoNotificacion
from pagos.models import NotificacionPago
from pagos.services import pago_notification_receive
from tests.pagos.support import make_pago, signed_notification

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _procedimiento():
    from identidad.models import Unidad
    from procedimientos.models import Materia, Procedimiento

    unit = Unidad.objects.create(dir3="LA0999999", name_es="Unidad de prueba")
    materia = Materia.objects.create(slug="prueba", name_es="Prueba")
    return Procedimiento.objects.create(
        code="tasa-prueba", title_es="Trámite con tasa", materia=materia, unit=unit
    )


def test_a_double_notification_at_once_makes_one_payment(ciudadana):
    pago = make_pago(user=ciudadana, procedimiento=_procedimiento(), amount_cents=2550)
    post = signed_notification(pago)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def deliver():
        try:
            barrier.wait(timeout=10)
            pago_notification_receive(post=post, ip="192.0.2.1")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    pago.refresh_from_db()
    assert pago.estado == EstadoPago.AUTORIZADO
    resultados = sorted(NotificacionPago.objects.values_list("resultado", flat=True))
    assert resultados.count(ResultadoNotificacion.ACEPTADA) == 1
    assert resultados.count(ResultadoNotificacion.REPETIDA) == 3
