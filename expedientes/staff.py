"""Staff pages and role permissions of case files (identidad.workspace, docs/roles.md)."""

from django.utils.translation import gettext_lazy as _

from identidad.roles import Role
from identidad.workspace import StaffEntry, grant, register_entry

SECTION = _("Expedientes")

register_entry(
    StaffEntry(
        key="expedientes.bandeja",
        section=SECTION,
        label=_("Bandeja de expedientes"),
        url_name="expedientes:bandeja",
        permission="expedientes.view_expediente",
        description=_(
            "Los expedientes de sus unidades: vencidos y próximos a vencer primero, filtros, "
            "búsqueda y asignación."
        ),
        order=20,
    )
)
register_entry(
    StaffEntry(
        key="expedientes.abrir",
        section=SECTION,
        label=_("Abrir un expediente desde un asiento"),
        url_name="expedientes:abrir",
        permission="expedientes.add_expediente",
        description=_("Abrir el expediente de una entrada registrada en oficina."),
        order=21,
    )
)
register_entry(
    StaffEntry(
        key="expedientes.informes",
        section=SECTION,
        label=_("Informes que le han pedido"),
        url_name="expedientes:informes",
        permission=None,
        description=_("Expedientes compartidos con usted para que emita un informe."),
        order=22,
    )
)

HANDLER = (
    "expedientes.view_expediente",
    "expedientes.add_expediente",
    "expedientes.tramitar_expediente",
    "expedientes.view_documentoeni",
)
grant(Role.CASE_HANDLER, *HANDLER)
grant(Role.UNIT_HEAD, *HANDLER, "expedientes.asignar_expediente")
grant(
    Role.ADMINISTRATOR,
    *HANDLER,
    "expedientes.asignar_expediente",
    "expedientes.eliminar_expediente",
    "expedientes.change_flujotramitacion",
    "expedientes.view_flujotramitacion",
    "expedientes.add_seriedocumental",
    "expedientes.change_seriedocumental",
    "expedientes.view_seriedocumental",
    "expedientes.change_actuacionautomatizada",
    "expedientes.view_actuacionautomatizada",
)
# Catalogue editors define each procedure's workflow and resolution template.
grant(
    Role.CATALOGUE_EDITOR,
    "expedientes.view_flujotramitacion",
    "expedientes.add_flujotramitacion",
    "expedientes.change_flujotramitacion",
)
