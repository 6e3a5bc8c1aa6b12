"""Reads of the registry exchange, with the access rule applied here once.

Who sees an exchange: a member of staff with ``registro.view_intercambio`` whose registry
scope covers the exchange's office — the head of registry (and administrators) every office,
a registry clerk the offices they staff (``registro.selectors.registry_scope``, resolved once
per request, the same scope as the registry book). Everyone else sees nothing (404).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from ..models import Oficina
from ..selectors import registry_scope
from .constants import EstadoIntercambio, Pendiente, Sentido
from .models import Intercambio

VIEW_PERMISSION = "registro.view_intercambio"
SEND_PERMISSION = "registro.add_intercambio"
DECIDE_PERMISSION = "registro.change_intercambio"


def oficinas_scope(user) -> QuerySet[Oficina]:
    """The registry offices whose exchanges ``user`` may see."""
    if not (getattr(user, "is_authenticated", False) and user.has_perm(VIEW_PERMISSION)):
        return Oficina.objects.none()
    scope = registry_scope(user)
    if scope.whole_book:
        return Oficina.objects.all()
    if scope.clerk:
        return Oficina.objects.filter(pk__in=scope.oficina_ids)
    return Oficina.objects.none()


def sees_every_office(user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.has_perm(VIEW_PERMISSION)
        and registry_scope(user).whole_book
    )


def intercambios_visible_to(user) -> QuerySet[Intercambio]:
    qs = Intercambio.objects.all()
    if sees_every_office(user):
        return qs  # including refused files that named no office of ours
    return qs.filter(oficina__in=oficinas_scope(user))


def intercambio_get_for(user, pk: int) -> Intercambio | None:
    return (
        intercambios_visible_to(user)
        .select_related("asiento", "oficina", "created_by")
        .prefetch_related("ficheros", "eventos", "eventos__actor")
        .filter(pk=pk)
        .first()
    )


def bandeja(user, *, sentido: str, estado: str = "", limit: int = 200) -> list[Intercambio]:
    """A tray: the exchanges of one direction, newest first, optionally of one state."""
    qs = intercambios_visible_to(user).filter(sentido=sentido)
    if estado:
        qs = qs.filter(estado=estado)
    return list(qs.select_related("asiento", "oficina").order_by("-created_at", "-id")[:limit])


def bandeja_resumen(user, *, sentido: str) -> dict[str, int]:
    """How many exchanges per state, and how many still owe or await an answer."""
    qs = intercambios_visible_to(user).filter(sentido=sentido)
    counts = dict(qs.values_list("estado").annotate(n=Count("id")).order_by())
    counts["pendiente_ack"] = qs.exclude(pendiente="").count()
    return counts


def awaiting_answer(intercambio: Intercambio) -> str:
    """What the other side still owes or is owed, in words for the tray."""
    if intercambio.pendiente == Pendiente.FICHERO:
        return "ACK"
    if intercambio.pendiente == Pendiente.CONFIRMACION:
        return "ACK-Confirmación"
    if intercambio.pendiente == Pendiente.RECHAZO:
        return "ACK-Rechazo"
    if intercambio.sentido == Sentido.SALIDA and intercambio.estado == EstadoIntercambio.ENVIADO:
        return "Confirmación/Rechazo"
    return ""


def intercambios_of_asiento(user, asiento) -> QuerySet[Intercambio]:
    return intercambios_visible_to(user).filter(Q(asiento=asiento)).order_by("-created_at", "-id")
