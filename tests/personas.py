"""The people of the tests, in one place: ciudadana, empresa, representante, funcionario.

Each is a pytest fixture; apps add their own factories under tests/<app>/factories.py.
"""

import pytest

from identidad.constants import TipoPersona, TipoUnidad
from identidad.models import Unidad, User
from identidad.services import citizen_user_from_identity, interesado_get_or_create

__all__ = [
    "ayuntamiento",
    "ciudadana",
    "empresa",
    "funcionario",
    "jefe_registro",
    "otra_ciudadana",
    "representante",
    "staff_member",
]


def staff_member(username: str, *roles, units=()) -> User:
    """A member of staff holding ``roles`` (identidad.roles.Role) in ``units``."""
    from django.contrib.auth.models import Group

    user = User.objects.create_user(
        username, password="x", is_staff=True, first_name=username.capitalize()
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=str(role)))
    for unit in units:
        user.unidades.add(unit)
    return user


@pytest.fixture
def ayuntamiento(db) -> Unidad:
    unidad, _ = Unidad.objects.get_or_create(
        dir3="L01480209",
        defaults={
            "name_es": "Ayuntamiento de Bilbao",
            "name_eu": "Bilboko Udala",
            "kind": TipoUnidad.ENTIDAD,
        },
    )
    return unidad


@pytest.fixture
def ciudadana(db) -> User:
    return citizen_user_from_identity(
        nif="12345678Z",
        first_name="Miren",
        last_name="Etxeberria Agirre",
        email="miren@example.org",
    )


@pytest.fixture
def otra_ciudadana(db) -> User:
    return citizen_user_from_identity(nif="11111111H", first_name="Ane", last_name="Zubiri")


@pytest.fixture
def representante(db) -> User:
    return citizen_user_from_identity(nif="87654321X", first_name="Jon", last_name="Garcia Uriarte")


@pytest.fixture
def empresa(db):
    return interesado_get_or_create(
        nif="B95000006", tipo=TipoPersona.JURIDICA, razon_social="Construcciones Abando S.L."
    )


@pytest.fixture
def funcionario(db, ayuntamiento) -> User:
    user = User.objects.create_user(
        "funcionaria", password="x", is_staff=True, first_name="Itziar", last_name="Lopez"
    )
    user.unidades.add(ayuntamiento)
    return user


@pytest.fixture
def jefe_registro(db, ayuntamiento) -> User:
    """Head of registry: reads the whole registry book."""
    from identidad.roles import Role

    return staff_member("jefa-registro", Role.REGISTRY_HEAD, units=[ayuntamiento])
