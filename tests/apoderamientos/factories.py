"""Register powers through the real services, at a frozen instant."""

from __future__ import annotations

from datetime import datetime

import time_machine

from apoderamientos.constants import CanalOtorgamiento, TipoApoderamiento
from apoderamientos.models import Apoderamiento
from apoderamientos.services import (
    apoderamiento_accept,
    apoderamiento_register,
    apoderamiento_renounce,
    apoderamiento_revoke,
)


def register(
    *,
    at: datetime,
    poderdantes,
    apoderado,
    tipo: str = TipoApoderamiento.GENERAL,
    procedimientos=(),
    presentante=None,
    administracion_dir3: str = "",
    valid_until=None,
) -> Apoderamiento:
    with time_machine.travel(at, tick=False):
        return apoderamiento_register(
            poderdantes=poderdantes,
            apoderado=apoderado,
            tipo=tipo,
            canal=CanalOtorgamiento.OFICINA,
            registered_by=None,
            presentante=presentante if presentante is not None else poderdantes[0],
            procedimientos=procedimientos,
            administracion_dir3=administracion_dir3,
            valid_until=valid_until,
        )


def accept(power: Apoderamiento, user, at: datetime) -> Apoderamiento:
    with time_machine.travel(at, tick=False):
        return apoderamiento_accept(apoderamiento=power, actor=user)


def revoke(power: Apoderamiento, user, at: datetime) -> Apoderamiento:
    with time_machine.travel(at, tick=False):
        return apoderamiento_revoke(apoderamiento=power, actor=user)


def renounce(power: Apoderamiento, user, at: datetime) -> Apoderamiento:
    with time_machine.travel(at, tick=False):
        return apoderamiento_renounce(apoderamiento=power, actor=user)
