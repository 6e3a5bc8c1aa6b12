"""The validators the builder offers (issue 16), as data: what an editor may attach to a field
or to the whole form, with its parameters and its es/eu message. The citizen engine
(``sede.filing``) implements each one; the server is always the judge.

Each validator says where it is written in the one form format (``keyword``): a standard JSON
Schema keyword, ``format``, ``x-date`` or an entry of the form's ``x-rules``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Validador:
    id: str
    label_es: str
    label_eu: str
    keyword: str  # "minimum", "format", "x-date", "x-rules", …
    kinds: tuple[str, ...]  # field kinds it applies to ("string", "number", "date", …); () = form
    params: tuple[str, ...] = field(default_factory=tuple)
    message_es: str = ""
    message_eu: str = ""


VALIDADORES: dict[str, Validador] = {}


def register(validador: Validador) -> Validador:
    VALIDADORES[validador.id] = validador
    return validador


register(
    Validador(
        id="nif",
        label_es="DNI, NIE o NIF",
        label_eu="NAN, AIZ edo IFZ",
        keyword="format",
        kinds=("string",),
        message_es="Escriba un DNI, NIE o NIF válido, con su letra de control.",
        message_eu="Idatzi baliozko NAN, AIZ edo IFZ bat, kontrol-letrarekin.",
    )
)
