"""Staff pages and role permissions of notificaciones (identidad.workspace)."""

from django.utils.translation import gettext_lazy as _

from identidad.roles import Role
from identidad.workspace import StaffEntry, grant, register_entry

SECTION = _("Notificaciones")

register_entry(
    StaffEntry(
        key="notificaciones.gestion",
        section=SECTION,
        label=_("Notificaciones de mis unidades"),
        url_name="notificaciones:gestion",
        permission="notificaciones.view_notificacion",
        description=_(
            "Seguir su estado, los avisos enviados y los acuses; registrar entregas en papel."
        ),
        order=60,
    )
)
register_entry(
    StaffEntry(
        key="notificaciones.remesas",
        section=SECTION,
        label=_("Remesas de notificaciones"),
        url_name="notificaciones:remesas",
        permission="notificaciones.add_remesa",
        description=_("Notificar un mismo acto a muchos destinatarios y seguir su avance."),
        order=61,
    )
)

HANDLING = (
    "notificaciones.view_notificacion",
    "notificaciones.change_notificacion",
    "notificaciones.view_remesa",
)
grant(Role.CASE_HANDLER, *HANDLING)
grant(Role.UNIT_HEAD, *HANDLING, "notificaciones.add_remesa")
grant(Role.ADMINISTRATOR, *HANDLING, "notificaciones.add_remesa")
