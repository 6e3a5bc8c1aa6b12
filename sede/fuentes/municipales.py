"""Municipal registers as prefill sources: the padrón (``padron``) and the tax system
(``tributos``). Each asks a back-end named by a setting:

- ``SEDE_PREFILL_PADRON_BACKEND`` (default ``sede.fuentes.municipales.FicheroPadron``),
- ``SEDE_PREFILL_TRIBUTOS_BACKEND`` (default ``sede.fuentes.municipales.FicheroTributos``).

The default back-ends read a JSON file (``SEDE_PREFILL_PADRON_FILE``,
``SEDE_PREFILL_TRIBUTOS_FILE``): an object whose keys are NIFs and whose values are the
person's record (see ``sede/fuentes/demo/*.json``, the demo personas' data). A real web-service
client is a subclass of ``RegistroMunicipal`` whose ``lookup(nif)`` calls the service with a
short timeout of its own and raises on any failure: the form then simply has the field empty
(``sede.filing.prefill`` logs it and carries on).
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


class RegistroMunicipal(ABC):
    """A back-end of a municipal register: the record it holds for one NIF."""

    @abstractmethod
    def lookup(self, nif: str) -> Mapping[str, Any]:
        """The record of ``nif`` ({} when the register has none); raise when it cannot answer."""


class FicheroJSON(RegistroMunicipal):
    """A register read from a JSON file ``{"<NIF>": {...record...}}`` (reloaded when it
    changes). An empty path means "not configured": no data, no error."""

    setting = ""
    _cache: dict[str, tuple[float, dict]] = {}
    _lock = threading.Lock()

    def __init__(self, path: str | None = None):
        self.path = path if path is not None else str(getattr(settings, self.setting, "") or "")

    def lookup(self, nif: str) -> Mapping[str, Any]:
        if not self.path:
            return {}
        file = Path(self.path)
        mtime = file.stat().st_mtime  # FileNotFoundError: the source failed (logged by caller)
        with self._lock:
            cached = self._cache.get(self.path)
            if cached is None or cached[0] != mtime:
                records = json.loads(file.read_text(encoding="utf-8"))
                if not isinstance(records, dict):
                    raise ValueError(f"{self.path}: expected an object keyed by NIF")
                cached = (mtime, {str(k).upper(): v for k, v in records.items()})
                self._cache[self.path] = cached
        return cached[1].get(nif.upper()) or {}


class FicheroPadron(FicheroJSON):
    setting = "SEDE_PREFILL_PADRON_FILE"


class FicheroTributos(FicheroJSON):
    setting = "SEDE_PREFILL_TRIBUTOS_FILE"


def _nif(person: Any, interesado: Any) -> str:
    if interesado is not None:
        return interesado.nif
    return getattr(person, "nif", "") or ""


class _Municipal:
    id = ""
    backend_setting = ""

    def backend(self) -> RegistroMunicipal:
        return import_string(getattr(settings, self.backend_setting))()


class Padron(_Municipal):
    """The padrón municipal de habitantes: the registered address and the household."""

    id = "padron"
    label_es = "Padrón municipal"
    label_eu = "Udal errolda"
    backend_setting = "SEDE_PREFILL_PADRON_BACKEND"

    def keys(self) -> Mapping[str, tuple[str, str]]:
        return {
            "domicilio": ("Domicilio de empadronamiento", "Erroldatze-helbidea"),
            "calle": ("Calle", "Kalea"),
            "numero": ("Número", "Zenbakia"),
            "piso": ("Piso y mano", "Solairua eta aldea"),
            "codigo_postal": ("Código postal", "Posta kodea"),
            "municipio": ("Municipio", "Udalerria"),
            "fecha_alta": ("Fecha de alta en el padrón", "Erroldako alta-data"),
            "convivientes": ("Personas que viven en el domicilio", "Etxebizitzan bizi direnak"),
            "numero_convivientes": (
                "Número de personas empadronadas en el domicilio",
                "Etxebizitzan erroldatutako pertsona kopurua",
            ),
        }

    def values(self, *, person: Any, interesado: Any, procedimiento: Any) -> Mapping[str, Any]:
        nif = _nif(person, interesado)
        if not nif:
            return {}
        record = dict(self.backend().lookup(nif))
        domicilio = record.get("domicilio") or {}
        out: dict[str, Any] = {}
        if domicilio:
            out["domicilio"] = domicilio
            out.update({k: v for k, v in domicilio.items() if v not in (None, "")})
        if record.get("fecha_alta"):
            out["fecha_alta"] = record["fecha_alta"]
        if "convivientes" in record:
            out["convivientes"] = list(record["convivientes"])
            out["numero_convivientes"] = len(record["convivientes"]) + 1  # with the person
        return out

    def provenance(self, reference: str) -> str:
        return _("Dato del padrón municipal")


class Tributos(_Municipal):
    """The council's tax system: whether the person is up to date with payments, properties."""

    id = "tributos"
    label_es = "Sistema tributario municipal"
    label_eu = "Udal zerga-sistema"
    backend_setting = "SEDE_PREFILL_TRIBUTOS_BACKEND"

    def keys(self) -> Mapping[str, tuple[str, str]]:
        return {
            "al_corriente": ("Al corriente de pago", "Ordainketak egunean"),
            "referencia_catastral": ("Referencia catastral", "Katastro-erreferentzia"),
            "referencias_catastrales": (
                "Referencias catastrales de sus inmuebles",
                "Zure ondasun higiezinen katastro-erreferentziak",
            ),
        }

    def values(self, *, person: Any, interesado: Any, procedimiento: Any) -> Mapping[str, Any]:
        nif = _nif(person, interesado)
        if not nif:
            return {}
        record = dict(self.backend().lookup(nif))
        out: dict[str, Any] = {}
        if isinstance(record.get("al_corriente"), bool):
            out["al_corriente"] = record["al_corriente"]
        refs = [str(r) for r in record.get("referencias_catastrales") or []]
        if refs:
            out["referencias_catastrales"] = refs
            out["referencia_catastral"] = refs[0]
        return out

    def provenance(self, reference: str) -> str:
        return _("Dato del sistema tributario municipal")
