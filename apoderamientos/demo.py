"""Demo data of the powers-of-attorney registry (idempotent; ``make demo`` calls it).

- Jon (representante) acts for Miren with an active general power, and for the demo company
  with a power awaiting bastanteo; Amina has granted him one for a procedure, pending.
- "funcionaria" registers and verifies powers at the desk; "habilitado" is authorised staff
  (identification and signature for every procedure, assistance office).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from identidad.models import Interesado, User

from .constants import CanalOtorgamiento, TipoApoderamiento, TipoHabilitacion
from .models import Apoderamiento, Habilitacion
from .services import apoderamiento_register, habilitacion_register


def _power(poderdante: Interesado, apoderado: Interesado, **kwargs) -> None:
    if Apoderamiento.objects.filter(apoderado=apoderado, poderdantes=poderdante).exists():
        return
    apoderamiento_register(
        poderdantes=[poderdante],
        apoderado=apoderado,
        canal=CanalOtorgamiento.OFICINA,
        registered_by=None,
        **kwargs,
    )


def load_demo() -> None:
    people = {
        i.nif: i
        for i in Interesado.objects.filter(
            nif__in=["12345678Z", "87654321X", "X1234567L", "B95000006"]
        )
    }
    jon = people.get("87654321X")
    if jon is not None:
        if "12345678Z" in people:
            _power(people["12345678Z"], jon, tipo=TipoApoderamiento.GENERAL, presentante=jon)
        if "B95000006" in people:
            _power(people["B95000006"], jon, tipo=TipoApoderamiento.GENERAL, presentante=jon)
        if "X1234567L" in people:
            from procedimientos.models import Procedimiento

            first = Procedimiento.objects.filter(active=True).order_by("title_es").first()
            if first is not None:
                _power(
                    people["X1234567L"],
                    jon,
                    tipo=TipoApoderamiento.TRAMITES,
                    procedimientos=[first],
                    presentante=people["X1234567L"],
                )

    funcionaria = User.objects.filter(username="funcionaria").first()
    if funcionaria is not None:
        funcionaria.user_permissions.add(
            Permission.objects.get(
                codename="gestionar_apoderamientos", content_type__app_label="apoderamientos"
            )
        )
    habilitado = User.objects.filter(username="habilitado", is_staff=True).first()
    if habilitado is not None:
        now = timezone.now()
        for tipo in (TipoHabilitacion.IDENTIFICACION_FIRMA, TipoHabilitacion.OFICINA_ASISTENCIA):
            if not Habilitacion.objects.filter(staff=habilitado, tipo=tipo).exists():
                habilitacion_register(
                    staff=habilitado,
                    tipo=tipo,
                    all_procedimientos=True,
                    valid_from=now - timedelta(days=1),
                    valid_until=now + timedelta(days=2 * 365),
                )
