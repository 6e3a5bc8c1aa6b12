"""Fixtures of the prefill tests: a form that asks every kind of source for values, published
on a procedure of the starter catalogue, and the municipal registers read from the fixture
files next to this module (tests/sede/prefill_fixtures/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sede.filing_support import catalogo, client_as  # noqa: F401

FIXTURES = Path(__file__).resolve().parent / "prefill_fixtures"
CODE = "quejas-sugerencias"


def _text(title: str, title_eu: str, **extra) -> dict:
    return {"type": "string", "title": title, "x-title-eu": title_eu, **extra}


PERSONA = {
    "type": "object",
    "title": "Persona solicitante",
    "x-title-eu": "Eskatzailea",
    "required": ["tipo_persona", "nif"],
    "properties": {
        "tipo_persona": {
            "type": "string",
            "enum": ["fisica", "juridica"],
            "title": "Tipo de persona",
            "x-title-eu": "Pertsona mota",
        },
        "nif": _text("DNI, NIE o NIF", "NAN, AIZ edo IFZ"),
        "nombre": _text("Nombre", "Izena"),
        "apellido1": _text("Primer apellido", "Lehen abizena"),
        "apellido2": _text("Segundo apellido", "Bigarren abizena"),
        "razon_social": _text("Razón social", "Sozietatearen izena"),
    },
}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "title": "Datos precargados",
    "required": ["solicitante"],
    "properties": {
        "solicitante": PERSONA,  # implicit: from the identification
        "representante": {**PERSONA, "title": "Representante", "x-title-eu": "Ordezkaria"},
        "contacto": {
            "type": "object",
            "properties": {
                "email": _text(
                    "Correo electrónico",
                    "Posta elektronikoa",
                    format="email",
                    **{"x-prefill": {"source": "identificacion", "key": "email"}},
                ),
                "telefono": _text(
                    "Teléfono",
                    "Telefonoa",
                    **{
                        "x-prefill": {
                            "source": "solicitudes-anteriores",
                            "key": "/contacto/telefono",
                            "editable": True,
                        }
                    },
                ),
            },
        },
        "domicilio": {
            "type": "object",
            "title": "Domicilio",
            "x-prefill": {"source": "padron", "key": "domicilio", "editable": True},
            "properties": {
                "calle": _text("Calle", "Kalea"),
                "numero": _text("Número", "Zenbakia"),
                "piso": _text("Piso y mano", "Solairua eta aldea"),
                "codigo_postal": _text("Código postal", "Posta kodea"),
                "municipio": _text("Municipio", "Udalerria"),
            },
        },
        "inmueble": {
            "type": "object",
            "properties": {
                "referencia_catastral": _text(
                    "Referencia catastral",
                    "Katastro-erreferentzia",
                    format="referencia-catastral",
                    **{
                        "x-prefill": {
                            "source": "tributos",
                            "key": "referencia_catastral",
                            "editable": False,
                        }
                    },
                ),
                "al_corriente": {
                    "type": "boolean",
                    "title": "Al corriente de pago",
                    "x-title-eu": "Ordainketak egunean",
                    "x-prefill": {"source": "tributos", "key": "al_corriente", "editable": False},
                },
            },
        },
        "iban": _text(
            "IBAN",
            "IBAN",
            format="iban",
            **{"x-prefill": {"source": "solicitudes-anteriores", "key": "/iban"}},
        ),
        "convivientes": {
            "type": "array",
            "title": "Convivientes",
            "x-prefill": {"source": "padron", "key": "convivientes", "editable": False},
            "items": {
                "type": "object",
                "properties": {
                    "nombre": _text("Nombre", "Izena"),
                    "apellido1": _text("Primer apellido", "Lehen abizena"),
                    "parentesco": _text("Parentesco", "Ahaidetasuna"),
                },
            },
        },
    },
}

PERSON_FIELDS = ["/tipo_persona", "/nif", "/nombre", "/apellido1", "/apellido2", "/razon_social"]

LAYOUT = {
    "steps": [
        {
            "id": "datos",
            "title_es": "Sus datos",
            "title_eu": "Zure datuak",
            "fieldsets": [
                {
                    "id": "solicitante",
                    "legend_es": "Persona solicitante",
                    "legend_eu": "Eskatzailea",
                    "fields": [f"/solicitante{f}" for f in PERSON_FIELDS],
                },
                {
                    "id": "contacto",
                    "legend_es": "Contacto",
                    "legend_eu": "Harremana",
                    "fields": ["/contacto/email", "/contacto/telefono"],
                },
                {
                    "id": "domicilio",
                    "legend_es": "Domicilio",
                    "legend_eu": "Helbidea",
                    "fields": [
                        "/domicilio/calle",
                        "/domicilio/numero",
                        "/domicilio/piso",
                        "/domicilio/codigo_postal",
                        "/domicilio/municipio",
                    ],
                },
                {
                    "id": "inmueble",
                    "legend_es": "Inmueble",
                    "legend_eu": "Ondasun higiezina",
                    "fields": ["/inmueble/referencia_catastral", "/inmueble/al_corriente"],
                },
                {"id": "banco", "legend_es": "Banco", "legend_eu": "Bankua", "fields": ["/iban"]},
            ],
        },
        {
            "id": "representante",
            "title_es": "Representante",
            "title_eu": "Ordezkaria",
            "fieldsets": [
                {
                    "id": "representante",
                    "legend_es": "Representante",
                    "legend_eu": "Ordezkaria",
                    "fields": [f"/representante{f}" for f in PERSON_FIELDS],
                }
            ],
        },
        {
            "id": "hogar",
            "title_es": "Hogar",
            "title_eu": "Etxea",
            "fieldsets": [
                {
                    "id": "convivientes",
                    "legend_es": "Conviviente",
                    "legend_eu": "Bizikidea",
                    "repeat": {"path": "/convivientes", "min": 0, "max": 10},
                    "fields": ["/nombre", "/apellido1", "/parentesco"],
                }
            ],
        },
    ]
}


@pytest.fixture
def registros_municipales(settings):
    """The padrón and the tax system read from the test fixture files."""
    settings.SEDE_PREFILL_PADRON_BACKEND = "sede.fuentes.municipales.FicheroPadron"
    settings.SEDE_PREFILL_TRIBUTOS_BACKEND = "sede.fuentes.municipales.FicheroTributos"
    settings.SEDE_PREFILL_PADRON_FILE = str(FIXTURES / "padron.json")
    settings.SEDE_PREFILL_TRIBUTOS_FILE = str(FIXTURES / "tributos.json")
    return settings


@pytest.fixture
def procedimiento(catalogo, registros_municipales):  # noqa: F811
    """A procedure (identification only, no signature) whose published form asks every
    kind of prefill source."""
    from procedimientos.services import formulario_create_draft, formulario_publish

    procedimiento = catalogo[CODE]
    formulario = formulario_create_draft(procedimiento=procedimiento, schema=SCHEMA, layout=LAYOUT)
    formulario_publish(formulario=formulario, by=None)
    return procedimiento


def draft(user, procedimiento, **kwargs):
    from sede.services import borrador_start

    return borrador_start(
        user=user,
        procedimiento=procedimiento,
        formulario=procedimiento.formularios.get(status="publicado"),
        **kwargs,
    )


def file_it(borrador, user, changes: dict | None = None):
    """Submit a draft (after setting ``changes``: pointer → value); returns the submission."""
    from sede.filing.pointers import put
    from sede.services import borrador_submit

    for pointer, value in (changes or {}).items():
        put(borrador.data, pointer, value)
    borrador.save()
    return borrador_submit(borrador=borrador, user=user, language="es", session_level=2)
