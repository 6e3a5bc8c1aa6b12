"""Helpers of the assisted-filing tests (tests/sede and tests/e2e test_asistida.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apoderamientos.constants import TipoHabilitacion
from apoderamientos.services import habilitacion_register
from identidad.roles import Role
from registro.constants import TipoOficina
from registro.models import Oficina
from tests.personas import staff_member


def oficina_deusto(ayuntamiento) -> Oficina:
    return Oficina.objects.create(
        code="O00099001",
        name_es="Zuzenean Deusto",
        name_eu="Zuzenean Deustu",
        kind=TipoOficina.PRESENCIAL,
        unidad=ayuntamiento,
    )


def habilitado_at(
    oficina, username="habilitada", *, procedimientos=(), all_procedimientos=False, days=30
):
    """An authorised official (role, office, registry of habilitados) named Itziar Lopez."""
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
