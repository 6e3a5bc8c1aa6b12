"""Fixtures of the registry exchange tests (imported by tests/registro/test_sir_*.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from identidad.models import User
from identidad.roles import Role
from tests.registro.sir_support import ScriptedBackend

BACKEND = "tests.registro.sir_support.ScriptedBackend"


@pytest.fixture
def transport(settings):
    """The scripted transport, reset: ``transport.sent``, ``.down``, ``.answer_error``."""
    settings.REGISTRO_SIR_BACKEND = BACKEND
    ScriptedBackend.sent = []
    ScriptedBackend.down = False
    ScriptedBackend.answer_error = ""
    yield ScriptedBackend
    ScriptedBackend.down = False
    ScriptedBackend.answer_error = ""


def _staff(username: str, role: Role | None, unidad=None) -> User:
    user = User.objects.create_user(username, password="x", is_staff=True)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    if unidad is not None:
        user.unidades.add(unidad)
    return user


@pytest.fixture
def clerk(db, ayuntamiento):
    """Registry clerk of the council's offices (their unit is the offices' unit)."""
    return _staff("clerk", Role.REGISTRY_CLERK, ayuntamiento)


@pytest.fixture
def other_clerk(db):
    """Registry clerk of an unrelated unit: no office of ours in scope."""
    from identidad.constants import TipoUnidad
    from identidad.models import Unidad

    otra = Unidad.objects.create(dir3="LA0009999", name_es="Otra", kind=TipoUnidad.AREA)
    return _staff("other-clerk", Role.REGISTRY_CLERK, otra)


@pytest.fixture
def head(db):
    return _staff("head", Role.REGISTRY_HEAD)


@pytest.fixture
def plain_staff(db, ayuntamiento):
    """Staff of the council's unit with no role."""
    return _staff("plain", None, ayuntamiento)
