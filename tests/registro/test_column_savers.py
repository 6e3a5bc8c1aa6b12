"""``numbering.column_savers``: the registration's column values are exactly what Django's
``get_db_prep_save`` gives on PostgreSQL (psycopg2), for every column of the entry, its
parties and its documents, with realistic values and the ones that must take Django's path
(issue 10)."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper
from django.utils.translation import gettext_lazy

from registro.constants import (
    Canal,
    Direccion,
    DocumentacionFisica,
    RolInteresado,
    TipoAnexo,
    ValidezDocumento,
)
from registro.models import Asiento, AsientoDocumento, AsientoInteresado
from registro.services.numbering import column_savers

MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 3, 2, 10, 15, 30, 123456, tzinfo=MADRID)


@pytest.fixture
def pg():
    """A PostgreSQL connection object (never connected: preparing values needs no server),
    so that the SQLite run checks the same thing."""
    return DatabaseWrapper({**connections["default"].settings_dict}, alias="savers")


def _same(fast, django) -> bool:
    if hasattr(django, "adapted"):  # psycopg2's Json: a new wrapper each time
        return type(fast) is type(django) and fast.adapted == django.adapted
    return type(fast) is type(django) and fast == django


# Per column attname: values to try besides the row's own (None, lookalikes of the plain
# types that Django converts: a bool, a lazy string, a naive instant, an enum member).
VARIANTS = {
    int: [None, 0, 7, 2**40, True, False],
    str: [None, "", "ñandú", Direccion.ENTRADA, gettext_lazy("asiento")],
    datetime: [None, NOW, NOW.astimezone(UTC), NOW.replace(tzinfo=None)],
}


def _variants(field) -> list:
    internal = field.get_internal_type()
    if internal == "FileField":  # a name (Django itself fails on a lazy string here)
        return [None, "", "registro/bb/" + "b" * 64]
    if internal in ("CharField", "TextField"):
        return VARIANTS[str]
    if internal == "DateTimeField":
        return VARIANTS[datetime]
    if internal == "JSONField":
        return [None, {}, {"id": 3, "via": "apoderamiento"}, [1, "a"], "texto"]
    if field.is_relation or internal.endswith(("IntegerField", "AutoField")):
        return VARIANTS[int]
    raise AssertionError(f"a column type this test does not know: {field!r} {internal}")


def _rows() -> list:
    asiento = Asiento(
        year=2026,
        direction=Direccion.ENTRADA,
        presented_at=NOW,
        effective_at=NOW,
        oficina_id=3,
        canal=Canal.SEDE,
        unidad_destino_id=5,
        unidad_id=5,
        resumen="Solicitud de licencia de obra menor",
        expone="Expone…",
        solicita="",
        documentacion_fisica=DocumentacionFisica.NINGUNA,
        representacion_id=None,
        representacion={"id": 9, "via": "apoderamiento", "instant": NOW.isoformat()},
        idioma="es",
        registrado_por_id=None,
        idempotency_key="clave-1",
    )
    parte = AsientoInteresado(
        interesado_id=11, rol=RolInteresado.INTERESADO, orden=0, nif="12345678Z", nombre="Miren"
    )
    documento = AsientoDocumento(
        orden=0,
        nombre="solicitud.pdf",
        mime="application/pdf",
        size=12345,
        sha256="a" * 64,
        file="registro/aa/" + "a" * 64,
        tipo_anexo=TipoAnexo.DOCUMENTO,
        validez=ValidezDocumento.ORIGINAL,
        resolution_ppi=None,
        csv="",
    )
    return [asiento, parte, documento]


@pytest.mark.parametrize("row", _rows(), ids=lambda row: type(row).__name__)
def test_every_column_is_prepared_as_django_prepares_it(row, pg):
    fields = tuple(row._meta.concrete_fields)
    savers = column_savers(fields)
    for field, save in zip(fields, savers, strict=True):
        for value in [getattr(row, field.attname), *_variants(field)]:
            setattr(row, field.attname, value)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # the naive instant
                django = field.get_db_prep_save(field.pre_save(row, True), pg)
                fast = save(row, pg)
            assert _same(fast, django), (field.name, value, fast, django)


def test_converting_values_take_djangos_path(pg):
    """The lookalikes come back as Django makes them, not as given."""
    asiento, _parte, documento = _rows()
    by_name = {f.name: f for f in Asiento._meta.concrete_fields}
    year, presented = by_name["year"], by_name["presented_at"]
    save_year, save_presented = column_savers((year, presented))
    asiento.year = True
    assert save_year(asiento, pg) == 1 and type(save_year(asiento, pg)) is int
    asiento.presented_at = NOW.replace(tzinfo=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert save_presented(asiento, pg).utcoffset() is not None
    file_field = AsientoDocumento._meta.get_field("file")
    (save_file,) = column_savers((file_field,))
    assert save_file(documento, pg) == "registro/aa/" + "a" * 64


def test_plain_values_skip_djangos_calls(pg):
    """The point of the savers: a plain text, integer, foreign key or aware instant is not
    sent through Django's conversion calls (they would return it unchanged)."""
    from unittest import mock

    from django.db.models import Field
    from django.db.models.fields.related import ForeignKey

    asiento = _rows()[0]
    names = ("year", "direction", "presented_at", "oficina", "resumen", "unidad_origen")
    fields = tuple(Asiento._meta.get_field(name) for name in names)
    savers = column_savers(fields)
    with (
        mock.patch.object(Field, "get_db_prep_save", side_effect=AssertionError),
        mock.patch.object(ForeignKey, "get_db_prep_save", side_effect=AssertionError),
    ):
        values = [save(asiento, pg) for save in savers]
    assert values == [2026, "E", NOW, 3, "Solicitud de licencia de obra menor", None]
