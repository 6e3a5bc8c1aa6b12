"""Small adapters to other apps: the sede's registry office, the case file (expedientes)."""

from __future__ import annotations

import importlib

from django.conf import settings

from identidad.models import Unidad


def oficina_sede():
    """The registry office of the sede itself (created the first time it is needed)."""
    from registro.constants import TipoOficina
    from registro.models import Oficina

    oficina = Oficina.objects.filter(kind=TipoOficina.SEDE, active=True).order_by("pk").first()
    if oficina is None:
        council, _created = Unidad.objects.get_or_create(
            dir3=settings.COUNCIL_DIR3,
            defaults={
                "name_es": settings.COUNCIL_NAME,
                "name_eu": settings.COUNCIL_NAME_EU,
                "kind": "entidad",
            },
        )
        oficina = Oficina.objects.create(
            code=f"O{settings.COUNCIL_DIR3[-8:]}",
            name_es="Sede electrónica",
            name_eu="Egoitza elektronikoa",
            kind=TipoOficina.SEDE,
            unidad=council,
        )
    return oficina


def expediente_open_for(presentacion) -> str:
    """Open the case file when the expedientes app offers a service for it (not yet)."""
    try:
        module = importlib.import_module("expedientes.services")
    except ModuleNotFoundError:
        return ""
    opener = getattr(module, "expediente_open_from_asiento", None)
    if opener is None:
        return ""
    expediente = opener(asiento=presentacion.asiento)
    return str(getattr(expediente, "identificador", "") or getattr(expediente, "pk", ""))
