"""Small adapters to other apps: the sede's registry office, the case file (expedientes)."""

from __future__ import annotations

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
    """Open the case file of the filing (design.md step 6); its ENI identifier, or "" when
    the entry names no procedure."""
    from expedientes.services import expediente_open_from_asiento

    expediente = expediente_open_from_asiento(asiento=presentacion.asiento)
    return expediente.identificador if expediente is not None else ""
