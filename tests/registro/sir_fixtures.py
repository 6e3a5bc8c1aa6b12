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
def clerk(db, ayuntamiento, oficina_sede):
    """Registry clerk of the sede's registry office (on its staff)."""
    user = _staff("clerk", Role.REGISTRY_CLERK, ayuntamiento)
    oficina_sede.personal.add(user)
    return user


@pytest.fixture
def other_clerk(db, ayuntamiento):
    """Registry clerk of another office (a district office): not the sede's exchanges."""
    from registro.constants import TipoOficina
    from registro.models import Oficina

    otra = Oficina.objects.create(
        code="O00097777", name_es="Otra oficina", kind=TipoOficina.PRESENCIAL, unidad=ayuntamiento
    )
    user = _staff("other-clerk", Role.REGISTRY_CLERK, ayuntamiento)
    otra.personal.add(user)
    return user


@pytest.fixture
def head(db):
    return _staff("head", Role.REGISTRY_HEAD)


@pytest.fixture
def plain_staff(db, ayuntamiento):
    """Staff of the council's unit with no role."""
    return _staff("plain", None, ayuntamiento)
