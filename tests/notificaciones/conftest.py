"""Fixtures of the notification tests: the case-file fixtures, plus helpers."""

from __future__ import annotations

import pytest

from tests.expedientes.conftest import *  # noqa: F403
from tests.expedientes.conftest import madrid


@pytest.fixture
def prepare(urbanismo, django_capture_on_commit_callbacks):
    """``prepare(destinatario, **overrides)`` → a notification made available now, with the
    work queued after commit (acuse sealing, avisos) done, as a worker would."""
    from notificaciones.services import notificacion_make_available, notificacion_prepare

    def _prepare(destinatario, *, available=True, **overrides):
        kwargs = {
            "destinatario": destinatario,
            "unidad": urbanismo,
            "asunto": "Liquidación de la tasa de basuras 2026",
            "texto": "Se le notifica la liquidación de la tasa.",
            "recursos": "Recurso de reposición en el plazo de un mes.",
        }
        kwargs.update(overrides)
        with django_capture_on_commit_callbacks(execute=True):
            notificacion = notificacion_prepare(**kwargs)
            if available:
                notificacion = notificacion_make_available(notificacion=notificacion)
        return notificacion

    return _prepare


@pytest.fixture
def electronica(ciudadana):
    """The ciudadana chose electronic notifications when she filed (art. 41.1)."""
    from notificaciones.services import preferencia_set

    interesado = ciudadana.interesado
    interesado.email = "miren@example.org"
    interesado.telefono = "600000001"
    interesado.save()
    preferencia_set(interesado=interesado, electronica=True, inicial=True, at=madrid(2026, 1, 1))
    return interesado
