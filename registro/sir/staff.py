"""Staff pages and role permissions of the registry exchange (identidad.workspace).
Imported from ``registro/staff.py``."""

from django.utils.translation import gettext_lazy as _

from identidad.roles import Role
from identidad.workspace import StaffEntry, grant, register_entry

SECTION = _("Registro")

register_entry(
    StaffEntry(
        key="registro.sir_entrada",
        section=SECTION,
        label=_("Intercambios recibidos (SIR)"),
        url_name="registro:sir_entrada",
        permission="registro.view_intercambio",
        description=_(
            "Pre-asientos llegados de otras administraciones: confirmarlos, rechazarlos o "
            "reenviarlos, y los acuses pendientes."
        ),
        order=13,
    )
)
register_entry(
    StaffEntry(
        key="registro.sir_salida",
        section=SECTION,
        label=_("Intercambios enviados (SIR)"),
        url_name="registro:sir_salida",
        permission="registro.view_intercambio",
        description=_(
            "Asientos enviados a otras administraciones: estado, acuses, confirmaciones y rechazos."
        ),
        order=14,
    )
)

SIR_PERMISSIONS = (
    "registro.view_intercambio",
    "registro.add_intercambio",
    "registro.change_intercambio",
)
grant(Role.REGISTRY_CLERK, *SIR_PERMISSIONS)
grant(Role.REGISTRY_HEAD, *SIR_PERMISSIONS)
grant(Role.ADMINISTRATOR, "registro.view_intercambio")
