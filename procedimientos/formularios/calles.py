"""The Bilbao street list (``data/calles_bilbao.csv``) for the postal-address block (issue 16).

A street is written by the citizen in a plain text field (no JavaScript needed; browsers offer
the list as suggestions through ``<datalist>``) and checked on the server against the list:
case, accents, punctuation, the kind of street in Spanish or Basque («Calle», «C/», «kalea»,
«Avenida», «etorbidea», «Plaza», «plaza», …) and particles («de», «del», «la») do not matter, so
«c/ ercilla», «Ercilla kalea» and «Calle Ercilla» are all the street «Ercilla».
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "calles_bilbao.csv"


def _data() -> Path:
    """The street list: ``CALLEJERO_FILE`` (the full callejero of Open Data Bilbao, same
    format) or the partial list shipped with the code."""
    from django.conf import settings

    return Path(getattr(settings, "CALLEJERO_FILE", "") or SHIPPED)


def lista_completa() -> bool:
    """Whether the list is the whole callejero (``CALLEJERO_COMPLETO``). Only then may a
    street outside it be refused: with the shipped partial list it is only a suggestion."""
    from django.conf import settings

    return bool(getattr(settings, "CALLEJERO_COMPLETO", False))


# Kind of street → (Spanish prefix, Basque suffix) for the shown name.
TIPOS = {
    "calle": ("Calle", "kalea"),
    "avenida": ("Avenida", "etorbidea"),
    "alameda": ("Alameda", "zumarkalea"),
    "plaza": ("Plaza", "plaza"),
    "paseo": ("Paseo", "pasealekua"),
    "muelle": ("Muelle", "kaia"),
    "ribera": ("Ribera de", "ibaiertza"),
    "jardines": ("Jardines de", "lorategiak"),
    "gran-via": ("", ""),
}

_IGNORED = {
    # kinds of street, abbreviations included, in Spanish and Basque
    "c", "cl", "calle", "kalea", "k", "av", "avda", "avenida", "etorbidea", "hiribidea",
    "alameda", "alda", "zumarkalea", "pl", "pza", "plaza", "plazas", "enparantza", "paseo",
    "po", "pasealekua", "muelle", "kaia", "ribera", "ibaiertza", "jardines", "lorategiak",
    # particles
    "de", "del", "la", "las", "los", "el", "y", "eta",
}  # fmt: skip


def normalise(text: str) -> str:
    """«C/ Colón de Larreátegui» → «colon larreategui»."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    words = re.split(r"[^a-z0-9]+", plain)
    return " ".join(w for w in words if w and w not in _IGNORED)


@functools.cache
def calles() -> tuple[tuple[str, str], ...]:
    """(kind, name) of every street in the list, in file order."""
    with _data().open(encoding="utf-8") as fh:
        rows = [line for line in fh if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(rows, delimiter=";")
    return tuple((row["tipo"], row["nombre"]) for row in reader)


@functools.cache
def _aliases() -> dict[str, tuple[str, ...]]:
    with _data().open(encoding="utf-8") as fh:
        rows = [line for line in fh if line.strip() and not line.startswith("#")]
    return {
        row["nombre"]: tuple(a for a in (row.get("alias") or "").split("|") if a)
        for row in csv.DictReader(rows, delimiter=";")
    }


@functools.cache
def _index() -> dict[str, str]:
    index = {normalise(nombre): nombre for _tipo, nombre in calles()}
    for nombre, aliases in _aliases().items():
        index.update({normalise(alias): nombre for alias in aliases})
    return index


def calle_canonica(text: str) -> str | None:
    """The street's name as the list writes it, or None when it is not a Bilbao street."""
    key = normalise(text)
    return _index().get(key) if key else None


def es_calle_de_bilbao(text: str) -> bool:
    return calle_canonica(text) is not None


def calle_admitida(text: str) -> bool:
    """The server's verdict on a typed street: in the list, or anything while the list is
    partial (a citizen whose street the list lacks must still be able to file)."""
    return es_calle_de_bilbao(text) or not lista_completa()


def nombre_mostrado(tipo: str, nombre: str, lang: str) -> str:
    """«Calle Ercilla» (es) / «Ercilla kalea» (eu)."""
    es, eu = TIPOS.get(tipo, ("", ""))
    if lang == "eu":
        return f"{nombre} {eu}".strip()
    return f"{es} {nombre}".strip()


CODIGO_POSTAL_BILBAO = re.compile(r"^480(0[1-9]|1[0-5])$")


def es_codigo_postal_de_bilbao(text: str) -> bool:
    """Bilbao's postal codes: 48001 to 48015."""
    return bool(CODIGO_POSTAL_BILBAO.match(str(text).strip()))
