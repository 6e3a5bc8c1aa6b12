"""Fixtures of the case-file tests: two units, a procedure, entries and open case files."""

from __future__ import annotations

from datetime import datetime

import pytest

from calendario.days import MADRID
from identidad.constants import TipoUnidad
from identidad.models import Unidad, User
from identidad.roles import Role
from procedimientos.models import Materia, Procedimiento
from registro.constants import Canal, Direccion, TipoAnexo, TipoOficina
from registro.models import Oficina
from registro.services import DocumentoNuevo, asiento_register


def madrid(*args) -> datetime:
    return datetime(*args, tzinfo=MADRID)


def make_pdf_bytes(text: str = "Solicitud") -> bytes:
    from tests.firma.conftest import make_pdf

    return make_pdf(text)


@pytest.fixture
def urbanismo(db, ayuntamiento) -> Unidad:
    return Unidad.objects.create(
        dir3="LA0001234",
        name_es="Urbanismo",
        name_eu="Hirigintza",
        kind=TipoUnidad.AREA,
        parent=ayuntamiento,
    )


@pytest.fixture
def licencias(db, urbanismo) -> Unidad:
    """A unit below Urbanismo (a case handler of Urbanismo also sees its files)."""
    return Unidad.objects.create(
        dir3="LA0001235",
        name_es="Licencias",
        name_eu="Lizentziak",
        kind=TipoUnidad.SERVICIO,
        parent=urbanismo,
    )


@pytest.fixture
def medio_ambiente(db, ayuntamiento) -> Unidad:
    return Unidad.objects.create(
        dir3="LA0005678",
        name_es="Medio Ambiente",
        name_eu="Ingurumena",
        kind=TipoUnidad.AREA,
        parent=ayuntamiento,
    )


@pytest.fixture
def procedimiento(db, urbanismo) -> Procedimiento:
    materia = Materia.objects.create(slug="urbanismo", name_es="Urbanismo", name_eu="Hirigintza")
    return Procedimiento.objects.create(
        code="licencia-obra-menor",
        title_es="Licencia de obra menor",
        title_eu="Obra txikiko lizentzia",
        materia=materia,
        unit=urbanismo,
        max_term_value=3,
        max_term_unit="meses",
        silence_effect="estimatorio",
    )


@pytest.fixture
def procedimiento_ambiental(db, medio_ambiente, procedimiento) -> Procedimiento:
    return Procedimiento.objects.create(
        code="licencia-actividad",
        title_es="Licencia de actividad",
        title_eu="Jarduera-lizentzia",
        materia=procedimiento.materia,
        unit=medio_ambiente,
        max_term_value=10,
        max_term_unit="dias",
        silence_effect="desestimatorio",
    )


@pytest.fixture
def oficina_sede(db, ayuntamiento) -> Oficina:
    return Oficina.objects.create(
        code="O00099999",
        name_es="Sede electrónica",
        name_eu="Egoitza elektronikoa",
        kind=TipoOficina.SEDE,
        unidad=ayuntamiento,
    )


@pytest.fixture
def register(ciudadana, oficina_sede, procedimiento):
    """``register(**overrides)``: the ciudadana files the procedure (an entry to Urbanismo)."""

    def _register(**overrides):
        kwargs = {
            "direction": Direccion.ENTRADA,
            "oficina": oficina_sede,
            "canal": Canal.SEDE,
            "interesados": [ciudadana.interesado],
            "unidad_destino": procedimiento.unit,
            "procedimiento": procedimiento,
            "resumen": "Licencia de obra menor: reforma de cocina en Calle Ercilla 10",
            "documentos": [
                DocumentoNuevo(
                    nombre="solicitud.pdf",
                    content=make_pdf_bytes("Solicitud"),
                    mime="application/pdf",
                    tipo_anexo=TipoAnexo.FORMULARIO,
                ),
                DocumentoNuevo(
                    nombre="presupuesto.pdf",
                    content=make_pdf_bytes("Presupuesto"),
                    mime="application/pdf",
                ),
            ],
            "registrado_por": ciudadana,
        }
        kwargs.update(overrides)
        return asiento_register(**kwargs)

    return _register


@pytest.fixture
def expediente(register):
    from expedientes.services import expediente_open_from_asiento

    return expediente_open_from_asiento(asiento=register())


def staff_user(username: str, units, *roles: Role) -> User:
    from django.contrib.auth.models import Group

    user = User.objects.create_user(username, password="x", is_staff=True, first_name=username)
    for unit in units:
        user.unidades.add(unit)
    for role in roles:
        user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def tramitador(db, urbanismo) -> User:
    return staff_user("tramitador", [urbanismo], Role.CASE_HANDLER)


@pytest.fixture
def jefa(db, urbanismo) -> User:
    return staff_user("jefa", [urbanismo], Role.UNIT_HEAD)


@pytest.fixture
def tramitador_ajeno(db, medio_ambiente) -> User:
    return staff_user("ajeno", [medio_ambiente], Role.CASE_HANDLER)


@pytest.fixture
def holidays(db):
    """Holidays of the calendar used by the term engine (TIME-7) around the test dates."""
    from datetime import date

    from calendario.models import DiaInhabil

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


@pytest.fixture
def firmante(db, urbanismo) -> User:
    """A head of unit who signs with the demo PKI's "alcaldesa" certificate."""
    from firma.models import FirmanteConfig

    user = staff_user("firmante", [urbanismo], Role.UNIT_HEAD)
    user.first_name, user.last_name = "Miren", "Agirre Lasa"
    user.save()
    FirmanteConfig.objects.create(user=user, keystore_name="alcaldesa", cargo="Jefa de unidad")
    return user


@pytest.fixture
def opened(register, holidays):
    """A file opened on Monday 2 March 2026 at 10:00 (3 months: ends Tuesday 2 June)."""
    import time_machine

    from expedientes.services import expediente_open_from_asiento

    with time_machine.travel(madrid(2026, 3, 2, 10), tick=False):
        return expediente_open_from_asiento(asiento=register())
