"""The interesado's earlier filings as a prefill source (``solicitudes-anteriores``).

A key is a data pointer (``/notificacion/domicilio/calle``, ``/iban/iban``): the value is the one
submitted at that pointer in the interesado's most recent filing that has it, with the filing's
registry number. Only filings whose data the interesado gave or the acting person gave for them:

- filings of the interesado in their own name, and
- filings the acting person made for this interesado.

Never a filing of another interesado, and never one a *different* representative made for
this interesado (it carries that representative's own contact data).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from procedimientos.formularios.prefill import Dato

from ..filing.pointers import MISSING, get

# How many earlier filings are read (the most recent first).
DEPTH = 20

KEYS: dict[str, tuple[str, str]] = {
    "/solicitante/telefono": ("Teléfono", "Telefonoa"),
    "/notificacion/email": ("Correo electrónico para avisos", "Abisuetarako posta elektronikoa"),
    "/notificacion/telefono": ("Teléfono móvil", "Telefono mugikorra"),
    "/notificacion/domicilio/calle": ("Calle", "Kalea"),
    "/notificacion/domicilio/numero": ("Número", "Zenbakia"),
    "/notificacion/domicilio/piso": ("Piso y mano", "Solairua eta aldea"),
    "/notificacion/domicilio/codigo_postal": ("Código postal", "Posta kodea"),
    "/notificacion/domicilio/municipio": ("Municipio", "Udalerria"),
    "/iban/iban": ("IBAN", "IBAN"),
}


class _Earlier(Mapping[str, Any]):
    """Looked up lazily: any pointer may be asked for, the rows are read once."""

    def __init__(self, *, person: Any, interesado: Any):
        self.person = person
        self.interesado = interesado
        self._rows: list[tuple[str, Any]] | None = None

    def rows(self) -> list[tuple[str, Any]]:
        if self._rows is None:
            from ..models import Presentacion

            if self.interesado is None:
                self._rows = []
                return self._rows
            mine = Q(borrador__on_behalf_of__isnull=True)
            if self.person is not None:
                mine |= Q(user=self.person)
            qs = (
                Presentacion.objects.filter(mine, interesado=self.interesado)
                .select_related("asiento", "borrador")
                .only(
                    "submitted_at",
                    "borrador__data",
                    "asiento__year",
                    "asiento__direction",
                    "asiento__seq",
                )
                .order_by("-submitted_at", "-pk")[:DEPTH]
            )
            self._rows = [(p.asiento.numero, p.borrador.data) for p in qs]
        return self._rows

    def __getitem__(self, key: str) -> Any:
        if not key.startswith("/"):
            key = "/" + key
        for numero, data in self.rows():
            value = get(data, key, MISSING)
            if value not in (MISSING, None, "", [], {}):
                return Dato(value=value, reference=numero)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(k for k in KEYS if k in self)

    def __len__(self) -> int:
        return sum(1 for _k in self)

    def __contains__(self, key: object) -> bool:
        try:
            self[str(key)]
        except KeyError:
            return False
        return True


class SolicitudesAnteriores:
    id = "solicitudes-anteriores"
    label_es = "Sus solicitudes anteriores"
    label_eu = "Zure aurreko eskaerak"

    def keys(self) -> Mapping[str, tuple[str, str]]:
        return KEYS

    def values(self, *, person: Any, interesado: Any, procedimiento: Any) -> Mapping[str, Any]:
        if interesado is None and person is not None:
            from apoderamientos.decision import person_interesado

            interesado = person_interesado(person)
        return _Earlier(person=person, interesado=interesado)

    def provenance(self, reference: str) -> str:
        return _("De su solicitud anterior nº %(numero)s") % {"numero": reference}
