"""Reusable blocks of fields (issue 16): each block is a fragment of the one form format.

``expand(block_id, key)`` returns what inserting the block under property ``key`` adds to a
form: the property's schema (an object whose own properties carry ``x-block``), the keys to add to
the form's ``required``, and a layout fieldset whose ``fields`` point into it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Bloque:
    id: str
    label_es: str
    label_eu: str
    schema: dict[str, Any]  # an object schema: {"type": "object", "properties": …, "required": …}
    help_es: str = ""
    help_eu: str = ""
    required: bool = True  # is the block's property required in the form by default
    layout_fields: tuple[str, ...] = field(default_factory=tuple)  # order; default: all
    repeat_min: int = 0  # array blocks: groups shown at first


BLOQUES: dict[str, Bloque] = {}


def register(bloque: Bloque) -> Bloque:
    BLOQUES[bloque.id] = bloque
    return bloque


def expand(block_id: str, key: str) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """(property schema, required keys of the form, layout fieldset) for ``key``.

    An object block gives a fieldset whose fields point into the object (``/key/name``); an
    array block (household members, attachments) gives a repeatable fieldset (``repeat``) whose
    fields are relative to each item (``/name``)."""
    bloque = BLOQUES[block_id]
    schema = copy.deepcopy(bloque.schema)
    schema["x-block"] = bloque.id
    is_array = schema.get("type") == "array"
    item = schema["items"] if is_array else schema
    for prop in item.get("properties", {}).values():
        prop.setdefault("x-block", bloque.id)
    names = bloque.layout_fields or tuple(item.get("properties", {}))
    fieldset: dict[str, Any] = {
        "id": key,
        "legend_es": bloque.label_es,
        "legend_eu": bloque.label_eu,
        "fields": [f"/{name}" if is_array else f"/{key}/{name}" for name in names],
    }
    if is_array:
        fieldset["repeat"] = {"path": f"/{key}", "min": bloque.repeat_min}
        if schema.get("maxItems"):
            fieldset["repeat"]["max"] = schema["maxItems"]
    if bloque.help_es:
        fieldset["help_es"], fieldset["help_eu"] = bloque.help_es, bloque.help_eu
    return schema, ([key] if bloque.required else []), fieldset


# --- The blocks ----------------------------------------------------------------------------


def _text(title: str, title_eu: str, max_length: int, **extra: Any) -> dict[str, Any]:
    base = {"type": "string", "title": title, "x-title-eu": title_eu, "maxLength": max_length}
    return {**base, **extra}


def _persona(title: str, title_eu: str) -> dict[str, Any]:
    """A natural or legal person: NIF always; names, or the company name (razón social) only
    for a legal person (required-if through ``allOf`` if/then, as the engine renders it)."""
    return {
        "type": "object",
        "title": title,
        "x-title-eu": title_eu,
        "required": ["tipo_persona", "nif"],
        "properties": {
            "tipo_persona": {
                "type": "string",
                "title": "Tipo de persona",
                "x-title-eu": "Pertsona mota",
                "enum": ["fisica", "juridica"],
                "x-enum-titles": ["Persona física", "Persona jurídica (empresa, asociación…)"],
                "x-enum-titles-eu": ["Pertsona fisikoa", "Pertsona juridikoa (enpresa, elkartea…)"],
            },
            "nif": _text(
                "DNI, NIE o NIF",
                "NAN, AIZ edo IFZ",
                12,
                format="nif",
                description="Con la letra de control, por ejemplo 12345678Z.",
                **{"x-description-eu": "Kontrol-letrarekin, adibidez 12345678Z."},
            ),
            "nombre": _text("Nombre", "Izena", 150),
            "apellido1": _text("Primer apellido", "Lehen abizena", 150),
            "apellido2": _text("Segundo apellido", "Bigarren abizena", 150),
            "razon_social": _text("Razón social", "Sozietatearen izena", 250),
            "email": {
                "type": "string",
                "format": "email",
                "maxLength": 254,
                "title": "Correo electrónico de contacto",
                "x-title-eu": "Harremanetarako posta elektronikoa",
            },
            "telefono": _text(
                "Teléfono de contacto",
                "Harremanetarako telefonoa",
                15,
                pattern=r"^\+?[0-9 ]{9,15}$",
                description="Nueve cifras, por ejemplo 944 204 200.",
                **{"x-description-eu": "Bederatzi zifra, adibidez 944 204 200."},
            ),
        },
        "allOf": [
            {
                "if": {"properties": {"tipo_persona": {"const": "fisica"}}},
                "then": {"required": ["nombre", "apellido1"]},
            },
            {
                "if": {"properties": {"tipo_persona": {"const": "juridica"}}},
                "then": {"required": ["razon_social"]},
            },
        ],
        "additionalProperties": False,
    }


register(
    Bloque(
        id="solicitante",
        label_es="Datos de la persona solicitante",
        label_eu="Eskatzailearen datuak",
        help_es="Si solicita en nombre de una empresa o asociación, elija «Persona jurídica».",
        help_eu="Enpresa edo elkarte baten izenean eskatzen baduzu, aukeratu «Pertsona juridikoa».",
        schema=_persona("Persona solicitante", "Eskatzailea"),
    )
)

register(
    Bloque(
        id="representante",
        label_es="Datos de la persona representante",
        label_eu="Ordezkariaren datuak",
        help_es="Quien presenta la solicitud en nombre de la persona solicitante.",
        help_eu="Eskatzailearen izenean eskaera aurkezten duena.",
        required=False,
        schema=_persona("Representante", "Ordezkaria"),
    )
)

register(
    Bloque(
        id="direccion-bilbao",
        label_es="Dirección en Bilbao",
        label_eu="Helbidea Bilbon",
        help_es="Escriba la calle como aparece en la placa, por ejemplo «Ercilla» o «Gran Vía».",
        help_eu="Idatzi kalea plakan agertzen den bezala, adibidez «Ercilla» edo «Gran Vía».",
        schema={
            "type": "object",
            "title": "Dirección en Bilbao",
            "x-title-eu": "Helbidea Bilbon",
            "required": ["calle", "numero", "codigo_postal"],
            "properties": {
                "calle": _text(
                    "Calle",
                    "Kalea",
                    120,
                    format="calle-bilbao",
                    description="Una calle del callejero de Bilbao.",
                    **{"x-description-eu": "Bilboko kale-izendegiko kale bat."},
                ),
                "numero": _text(
                    "Número",
                    "Zenbakia",
                    8,
                    pattern=r"^[0-9]{1,4}( ?(bis|BIS|[A-Za-z]))?$",
                    description="El número del portal, por ejemplo 12 o 12 bis.",
                    **{"x-description-eu": "Atariaren zenbakia, adibidez 12 edo 12 bis."},
                ),
                "piso": _text(
                    "Piso y mano",
                    "Solairua eta aldea",
                    20,
                    description="Por ejemplo 3.º izda. Déjelo vacío si es una casa o un local.",
                    **{
                        "x-description-eu": (
                            "Adibidez 3. ezk. Utzi hutsik etxe edo lokal bat bada."
                        )
                    },
                ),
                "codigo_postal": _text(
                    "Código postal",
                    "Posta kodea",
                    5,
                    format="codigo-postal-bilbao",
                    pattern="^480[0-9]{2}$",
                ),
            },
            "additionalProperties": False,
        },
    )
)

register(
    Bloque(
        id="iban",
        label_es="Cuenta bancaria",
        label_eu="Banku-kontua",
        help_es="La cuenta donde quiere recibir el pago; debe estar a su nombre.",
        help_eu="Ordainketa jaso nahi duzun kontua; zure izenean egon behar du.",
        schema={
            "type": "object",
            "title": "Cuenta bancaria",
            "x-title-eu": "Banku-kontua",
            "required": ["iban"],
            "properties": {
                "iban": {
                    "type": "string",
                    "title": "IBAN",
                    "x-title-eu": "IBAN",
                    "format": "iban",
                    "maxLength": 34,
                    "description": "ES y 22 cifras, por ejemplo ES91 2100 0418 4502 0005 1332.",
                    "x-description-eu": (
                        "ES eta 22 zifra, adibidez ES91 2100 0418 4502 0005 1332."
                    ),
                }
            },
            "additionalProperties": False,
        },
    )
)

register(
    Bloque(
        id="referencia-catastral",
        label_es="Inmueble",
        label_eu="Higiezina",
        help_es="La referencia catastral figura en el recibo del IBI (contribución).",
        help_eu="Erreferentzia katastrala OHZaren (kontribuzioaren) ordainagirian agertzen da.",
        schema={
            "type": "object",
            "title": "Inmueble",
            "x-title-eu": "Higiezina",
            "required": ["referencia_catastral"],
            "properties": {
                "referencia_catastral": _text(
                    "Referencia catastral",
                    "Erreferentzia katastrala",
                    24,
                    format="referencia-catastral",
                    description="20 caracteres, letras y cifras.",
                    **{"x-description-eu": "20 karaktere, letrak eta zifrak."},
                )
            },
            "additionalProperties": False,
        },
    )
)

register(
    Bloque(
        id="matricula",
        label_es="Vehículo",
        label_eu="Ibilgailua",
        schema={
            "type": "object",
            "title": "Vehículo",
            "x-title-eu": "Ibilgailua",
            "required": ["matricula"],
            "properties": {
                "matricula": _text(
                    "Matrícula",
                    "Matrikula",
                    12,
                    format="matricula",
                    description="Por ejemplo 1234 BCD, o BI-1234-AB en las antiguas.",
                    **{"x-description-eu": "Adibidez 1234 BCD, edo BI-1234-AB zaharretan."},
                ),
                "marca_modelo": _text("Marca y modelo", "Marka eta modeloa", 80),
            },
            "additionalProperties": False,
        },
    )
)

register(
    Bloque(
        id="unidad-convivencia",
        label_es="Persona que vive con usted",
        label_eu="Zurekin bizi den pertsona",
        help_es="Añada una por cada persona que viva en la vivienda, sin contarse usted.",
        help_eu="Gehitu bat etxebizitzan bizi den pertsona bakoitzeko, zu kontatu gabe.",
        required=False,
        schema={
            "type": "array",
            "title": "Unidad de convivencia",
            "x-title-eu": "Bizikidetza-unitatea",
            "maxItems": 15,
            "items": {
                "type": "object",
                "required": ["nombre", "fecha_nacimiento", "parentesco"],
                "properties": {
                    "nombre": _text("Nombre y apellidos", "Izen-abizenak", 200),
                    "nif": _text(
                        "DNI o NIE (si tiene)",
                        "NAN edo AIZ (baldin badu)",
                        12,
                        format="nif",
                    ),
                    "fecha_nacimiento": {
                        "type": "string",
                        "format": "date",
                        "title": "Fecha de nacimiento",
                        "x-title-eu": "Jaiotze-data",
                        "x-date": {"min": "-P120Y", "max": "today"},
                    },
                    "parentesco": {
                        "type": "string",
                        "title": "Relación con usted",
                        "x-title-eu": "Zurekiko harremana",
                        "enum": ["conyuge_pareja", "hijo_hija", "progenitor", "otro"],
                        "x-enum-titles": [
                            "Cónyuge o pareja",
                            "Hijo o hija",
                            "Padre o madre",
                            "Otra relación",
                        ],
                        "x-enum-titles-eu": [
                            "Ezkontidea edo bikotekidea",
                            "Semea edo alaba",
                            "Aita edo ama",
                            "Beste harreman bat",
                        ],
                    },
                },
                "additionalProperties": False,
            },
        },
    )
)

register(
    Bloque(
        id="adjuntos",
        label_es="Documentos adjuntos",
        label_eu="Erantsitako agiriak",
        help_es="Adjunte cada documento que pide el trámite; PDF, imagen u ofimática.",
        help_eu="Erantsi izapideak eskatzen duen agiri bakoitza; PDF, irudia edo ofimatika.",
        required=False,
        schema={
            # The engine's attachments convention (docs/filing.md): an array of
            # {tipo, fichero} filled from the uploads; ``contentMediaType`` marks the file.
            "type": "array",
            "title": "Documentos adjuntos",
            "x-title-eu": "Erantsitako agiriak",
            "maxItems": 20,
            "items": {
                "type": "object",
                "required": ["tipo", "fichero"],
                "properties": {
                    "tipo": _text("Tipo de documento", "Agiri mota", 200),
                    "fichero": {
                        "type": "string",
                        "contentMediaType": "application/pdf",
                        "title": "Fichero",
                        "x-title-eu": "Fitxategia",
                    },
                },
                "additionalProperties": False,
            },
        },
    )
)

register(
    Bloque(
        id="notificacion",
        label_es="Cómo quiere recibir las notificaciones",
        label_eu="Nola jaso nahi dituzu jakinarazpenak",
        help_es=(
            "Le avisaremos por correo electrónico de cada notificación. Las empresas y "
            "asociaciones deben recibirlas en la sede electrónica."
        ),
        help_eu=(
            "Jakinarazpen bakoitzaren berri emango dizugu posta elektronikoz. Enpresek eta "
            "elkarteek egoitza elektronikoan jaso behar dituzte."
        ),
        schema={
            "type": "object",
            "title": "Notificaciones",
            "x-title-eu": "Jakinarazpenak",
            "required": ["canal", "email"],
            "properties": {
                "canal": {
                    "type": "string",
                    "title": "Canal de notificación",
                    "x-title-eu": "Jakinarazteko bidea",
                    "enum": ["electronica", "postal"],
                    "x-enum-titles": [
                        "Electrónica, en la sede (recomendada)",
                        "En papel, por correo postal",
                    ],
                    "x-enum-titles-eu": [
                        "Elektronikoa, egoitzan (gomendatua)",
                        "Paperean, posta bidez",
                    ],
                },
                "email": {
                    "type": "string",
                    "format": "email",
                    "maxLength": 254,
                    "title": "Correo electrónico para avisos",
                    "x-title-eu": "Abisuetarako posta elektronikoa",
                },
                "telefono": _text(
                    "Teléfono móvil para avisos",
                    "Abisuetarako telefono mugikorra",
                    15,
                    pattern=r"^\+?[0-9 ]{9,15}$",
                ),
                "direccion": _text("Dirección postal", "Posta-helbidea", 200),
                "codigo_postal": _text("Código postal", "Posta kodea", 5, pattern="^[0-9]{5}$"),
                "municipio": _text("Municipio", "Udalerria", 100),
            },
            "allOf": [
                {
                    "if": {"properties": {"canal": {"const": "postal"}}},
                    "then": {"required": ["direccion", "codigo_postal", "municipio"]},
                }
            ],
            "additionalProperties": False,
        },
    )
)
