"""Staff pages and role permissions of the registry (identidad.workspace)."""

from django.utils.translation import gettext_lazy as _

from identidad.roles import Role
from identidad.workspace import StaffEntry, grant, register_entry

SECTION = _("Registro")

register_entry(
    StaffEntry(
        key="registro.libro",
        section=SECTION,
        label=_("Libro de registro"),
        url_name="registro:libro",
        permission="registro.view_asiento",
        description=_("Buscar asientos de entrada y salida y reimprimir justificantes."),
        order=10,
    )
)
register_entry(
    StaffEntry(
        key="registro.oficina_entrada",
        section=SECTION,
        label=_("Registrar una entrada en oficina"),
        url_name="registro:oficina_entrada",
        permission="registro.add_asiento",
        description=_("Registrar una solicitud presentada en papel y entregar el justificante."),
        order=11,
    )
)
register_entry(
    StaffEntry(
        key="registro.oficina_salida",
        section=SECTION,
        label=_("Registrar una salida"),
        url_name="registro:oficina_salida",
        permission="registro.add_asiento",
        description=_("Registrar un documento que sale del Ayuntamiento."),
        order=12,
    )
)

register_entry(
    StaffEntry(
        key="registro.justificantes_dia",
        section=SECTION,
        label=_("Reimprimir los justificantes de un día"),
        url_name="registro:justificantes_dia",
        permission="registro.view_asiento",
        description=_("Todos los justificantes de una oficina en un día, uno por página A4."),
        order=13,
    )
)
register_entry(
    StaffEntry(
        key="registro.oficinas",
        section=SECTION,
        label=_("Oficinas y directorio de atención"),
        url_name="admin:registro_oficina_changelist",
        permission="registro.change_oficina",
        description=_(
            "Dirección, horario y servicios que publica la sede, y el personal de cada oficina."
        ),
        order=14,
    )
)

grant(Role.REGISTRY_CLERK, "registro.view_asiento", "registro.add_asiento")
grant(
    Role.REGISTRY_HEAD,
    "registro.view_asiento",
    "registro.add_asiento",
    "registro.view_oficina",
    "registro.change_oficina",
)
grant(
    Role.ADMINISTRATOR,
    "registro.view_asiento",
    "registro.add_asiento",
    "registro.view_oficina",
    "registro.change_oficina",
    "registro.add_oficina",
)

from .sir import staff as _sir_staff  # noqa: E402,F401 - exchange trays (SIR)
