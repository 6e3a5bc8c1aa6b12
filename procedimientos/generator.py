"""A synthetic catalogue for load tests: N procedures, every one marked ``is_example``."""

from __future__ import annotations

import random
from typing import Any

from .catalogo_io import FORMAT
from .constants import Audiencia, Canal, EfectoSilencio, EstadoAdaptacion, Prioridad

_NOUNS = [
    ("licencia de obra", "obra lizentzia"),
    ("ayuda económica", "diru-laguntza"),
    ("autorización de vado", "pasabide baimena"),
    ("certificado de empadronamiento", "erroldatze ziurtagiria"),
    ("tarjeta de residente", "egoiliar txartela"),
    ("subvención a asociaciones", "elkarteentzako diru-laguntza"),
    ("inscripción en cursillos", "ikastaroetan izen-ematea"),
    ("reclamación de tributos", "zergen erreklamazioa"),
    ("ocupación de la vía pública", "bide publikoaren okupazioa"),
    ("declaración responsable de actividad", "jardueraren erantzukizunpeko adierazpena"),
]
_QUALIFIERS = [
    ("en Abando", "Abandon"),
    ("en Deusto", "Deustun"),
    ("en Otxarkoaga", "Otxarkoagan"),
    ("para jóvenes", "gazteentzat"),
    ("para comercios", "merkataritzarako"),
    ("de temporada", "denboraldikoa"),
    ("urgente", "premiazkoa"),
    ("anual", "urtekoa"),
]
SYNTHETIC_UNIT = "LA0999999"


def catalogo_generate(*, count: int = 500, seed: int = 2020) -> dict[str, Any]:
    """A catalogue dict (same format as the starter file) with ``count`` procedures."""
    rng = random.Random(seed)  # noqa: S311 - test data
    materias = [
        {"slug": f"sintetica-{i}", "name_es": f"Materia sintética {i}", "name_eu": f"{i}. gaia"}
        for i in range(1, 13)
    ]
    unidades = [
        {
            "dir3": SYNTHETIC_UNIT,
            "name_es": "Área sintética (pruebas de carga)",
            "name_eu": "Arlo sintetikoa (karga-probak)",
            "kind": "area",
            "is_example": True,
        }
    ] + [
        {
            "dir3": f"LA09990{i:02d}",
            "name_es": f"Servicio sintético {i}",
            "name_eu": f"{i}. zerbitzu sintetikoa",
            "kind": "servicio",
            "parent": SYNTHETIC_UNIT,
            "is_example": True,
        }
        for i in range(1, 21)
    ]
    procs = []
    for n in range(1, count + 1):
        noun_es, noun_eu = rng.choice(_NOUNS)
        qual_es, qual_eu = rng.choice(_QUALIFIERS)
        level = rng.randint(0, 4)
        procs.append(
            {
                "code": f"sint-{n:04d}",
                "title_es": f"{noun_es.capitalize()} {qual_es} ({n})",
                "title_eu": f"{noun_eu.capitalize()} {qual_eu} ({n})",
                "summary_es": f"Procedimiento sintético número {n} para pruebas de carga.",
                "summary_eu": f"{n}. prozedura sintetikoa, karga-probetarako.",
                "materia": rng.choice(materias)["slug"],
                "audience": rng.choice(Audiencia.values),
                "unit": f"LA09990{rng.randint(1, 20):02d}",
                "max_term": {"value": rng.choice([1, 2, 3, 6]), "unit": "meses"},
                "silence_effect": rng.choice(
                    [EfectoSilencio.ESTIMATORIO, EfectoSilencio.DESESTIMATORIO]
                ),
                "channels": [Canal.ELECTRONICO, Canal.PRESENCIAL],
                "digitisation_level": level,
                "target_level": max(level, 3),
                "priority": rng.choice(Prioridad.values),
                "adaptation_status": rng.choice(EstadoAdaptacion.values),
                "is_example": True,
                "required_documents": [
                    {"name_es": "Documento de identidad", "name_eu": "Nortasun agiria"}
                ],
            }
        )
    return {
        "format": FORMAT,
        "materias": materias,
        "unidades": unidades,
        "procedimientos": procs,
    }
