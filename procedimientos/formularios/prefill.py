"""Prefill sources (issue 16): plugins that give a form its initial values, one home for all of
them (like the identity backends). A property asks for a value with
``"x-prefill": {"source": "<id>", "key": "<attribute>", "editable": true|false}``.

``procedimientos`` only keeps the registry and the interface; the apps that own the data
(``sede``: the identification and the person's previous filings; municipal sources such as the
padrón, backed by a file in the demo and tests) register their sources when they are ready.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Valor:
    """A prefilled value and where it came from (shown to the citizen)."""

    value: Any
    source: str  # the source's id
    editable: bool
    reference: str = ""  # which record exactly (e.g. the registry number of a filing)


@dataclass(frozen=True)
class Dato:
    """What ``values()`` may give for a key instead of a bare value: the value and the record it
    comes from (e.g. the registry number of an earlier filing), shown to the citizen."""

    value: Any
    reference: str = ""


class Fuente(Protocol):
    id: str
    label_es: str
    label_eu: str

    def keys(self) -> Mapping[str, tuple[str, str]]:
        """The attributes it can give: key → (label es, label eu)."""
        ...

    def values(self, *, person: Any, interesado: Any, procedimiento: Any) -> Mapping[str, Any]:
        """The values it has for this person (acting for ``interesado``); missing keys omitted.

        A value may be wrapped in ``Dato`` to say which record it comes from. ``person`` is the
        person acting (for themselves or as a representative), or None when an authorised
        official files for the citizen: an official's own data never fills a form."""
        ...


FUENTES: dict[str, Fuente] = {}


def register(fuente: Fuente) -> Fuente:
    FUENTES[fuente.id] = fuente
    return fuente
