"""Demo data of identidad: the council unit, staff users and the demo citizens."""

from __future__ import annotations

from django.contrib.auth.models import Group

from identidad.constants import TipoPersona, TipoUnidad
from identidad.demo import CITIZENS, DEMO_STAFF_PASSWORD, STAFF
from identidad.models import Unidad, User
from identidad.roles import Role
from identidad.services import citizen_user_from_identity, interesado_get_or_create

# Being staff grants nothing: the demo staff hold the roles their descriptions say.
DEMO_ROLES = {
    "funcionaria": (Role.REGISTRY_CLERK, Role.CASE_HANDLER),
    "habilitado": (Role.HABILITADO, Role.REGISTRY_CLERK),
}


def load_demo() -> None:
    council, _ = Unidad.objects.get_or_create(
        dir3="L01480209",
        defaults={
            "name_es": "Ayuntamiento de Bilbao",
            "name_eu": "Bilboko Udala",
            "kind": TipoUnidad.ENTIDAD,
        },
    )
    for username, _description in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "is_staff": True,
                "is_superuser": username == "admin",
                "first_name": username.capitalize(),
            },
        )
        if created:
            user.set_password(DEMO_STAFF_PASSWORD)
            user.save()
        user.unidades.add(council)
        for role in DEMO_ROLES.get(username, ()):
            user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    for persona in CITIZENS:
        citizen_user_from_identity(
            nif=persona.nif,
            first_name=persona.first_name,
            last_name=persona.last_name,
            email=persona.email,
        )
    interesado_get_or_create(
        nif="B95000006", tipo=TipoPersona.JURIDICA, razon_social="Construcciones Abando S.L. (demo)"
    )
