"""Reads of the filing flow, with the access rule applied here once: a draft is its author's
only; a submission is visible to who filed it and to the interesado it was filed for."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from identidad.models import User
from procedimientos.constants import EstadoFormulario

from .constants import EstadoBorrador
from .models import Borrador, Presentacion


def procedimiento_for_filing(code: str):
    """(procedure, published form) for a procedure that can be started online, or
    ``Procedimiento.DoesNotExist`` / ``FormularioVersion.DoesNotExist``."""
    from procedimientos.models import FormularioVersion, Procedimiento

    procedimiento = Procedimiento.objects.select_related("unit").get(code=code, active=True)
    if not procedimiento.can_start_online:
        raise Procedimiento.DoesNotExist
    formulario = FormularioVersion.objects.get(
        procedimiento=procedimiento, status=EstadoFormulario.PUBLICADO
    )
    return procedimiento, formulario


def borradores_of(user: User) -> QuerySet[Borrador]:
    return (
        Borrador.objects.filter(user=user, estado=EstadoBorrador.BORRADOR)
        .select_related("procedimiento", "on_behalf_of")
        .order_by("-updated_at")
    )


def borrador_for_user(user: User, public_id) -> Borrador:
    """The user's own open draft; ``Borrador.DoesNotExist`` otherwise (→ 404)."""
    return (
        Borrador.objects.select_related("procedimiento", "formulario", "on_behalf_of")
        .filter(user=user, estado=EstadoBorrador.BORRADOR)
        .get(public_id=public_id)
    )


def presentaciones_of(user: User) -> QuerySet[Presentacion]:
    from apoderamientos.decision import person_interesado

    own = person_interesado(user)
    rule = Q(user=user)
    if own is not None:
        rule |= Q(interesado=own)
    return (
        Presentacion.objects.filter(rule)
        .select_related("procedimiento", "asiento", "interesado")
        .order_by("-submitted_at", "-pk")
    )


def presentacion_for_user(user: User, public_id) -> Presentacion:
    return presentaciones_of(user).get(public_id=public_id)
