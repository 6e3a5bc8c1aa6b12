"""Fixtures of the powers-of-attorney tests: procedures, holidays, desk staff, habilitados."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from calendario.models import DiaInhabil
from identidad.models import User
from procedimientos.models import Materia, Procedimiento

MADRID = ZoneInfo("Europe/Madrid")


def at(*args) -> datetime:
    """A Madrid-time instant: at(2026, 3, 2, 10) → 2026-03-02 10:00 Europe/Madrid."""
    return datetime(*args, tzinfo=MADRID)


@pytest.fixture
def holidays(db):
    """A few holidays of the calendar used by the term engine (TIME-7)."""
    for day, name in [
        (date(2026, 3, 19), "San José"),
        (date(2026, 4, 2), "Jueves Santo"),
        (date(2026, 4, 3), "Viernes Santo"),
        (date(2026, 4, 6), "Lunes de Pascua"),
        (date(2026, 5, 1), "Fiesta del Trabajo"),
    ]:
        DiaInhabil.objects.get_or_create(
            date=day, defaults={"name_es": name, "scope": "state", "source": "test"}
        )


def _procedimiento(code: str, sia: str, title: str, unidad) -> Procedimiento:
    materia, _ = Materia.objects.get_or_create(slug="general", defaults={"name_es": "General"})
    return Procedimiento.objects.create(
        code=code, sia_code=sia, title_es=title, materia=materia, unit=unidad
    )


@pytest.fixture
def procedimiento(ayuntamiento) -> Procedimiento:
    return _procedimiento("licencia-obra-menor", "998877", "Licencia de obra menor", ayuntamiento)


@pytest.fixture
def otro_procedimiento(ayuntamiento) -> Procedimiento:
    return _procedimiento("padron-alta", "112233", "Alta en el padrón", ayuntamiento)


@pytest.fixture
def desk_staff(funcionario) -> User:
    """The funcionaria, with the permission to register and verify powers at the desk."""
    funcionario.user_permissions.add(Permission.objects.get(codename="gestionar_apoderamientos"))
    return User.objects.get(pk=funcionario.pk)


@pytest.fixture
def unrelated_staff(db) -> User:
    return User.objects.create_user("tecnico", password="x", is_staff=True, first_name="Koldo")


@pytest.fixture
def abogada(db):
    """A second natural person who receives powers (the apoderado of some tests)."""
    from identidad.services import citizen_user_from_identity

    return citizen_user_from_identity(nif="X1234567L", first_name="Amina", last_name="Benali")


def login(client, user, level=None) -> None:
    """Log ``user`` in with an identification level (eIDAS: 1 bajo, 2 sustancial, 3 alto)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY

    # A logged-in session, written directly: the login flows themselves (and their
    # user_logged_in handlers) are identidad's and tested there.
    session = client.session
    session.flush()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if level is not None:
        session[SESSION_METHOD_KEY] = "bakq"
        session[SESSION_LEVEL_KEY] = int(level)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


@pytest.fixture(autouse=True)
def _spanish_by_default():
    """Each test starts in Spanish, whatever language a previous request activated."""
    from django.utils import translation

    translation.activate("es")
    yield
    translation.activate("es")


@pytest.fixture(autouse=True)
def _council_seal(council_seal):
    """Apud acta grants are sealed by the council (REA-3): every test here has the seal."""
    return council_seal
