"""Staff pages and role permissions of the sede (identidad.workspace)."""

from django.utils.translation import gettext_lazy as _

from identidad.roles import Role
from identidad.workspace import StaffEntry, grant, register_entry

register_entry(
    StaffEntry(
        key="sede.asistida",
        section=_("Atención presencial"),
        label=_("Presentar un trámite en nombre de una persona"),
        url_name="sede:asistida_inicio",
        permission="apoderamientos.add_consentimientoexpreso",
        description=_(
            "Funcionariado habilitado: identificar a la persona, recoger su consentimiento y "
            "presentar cualquier trámite por ella (HAB-1..3)."
        ),
        order=20,
    )
)
register_entry(
    StaffEntry(
        key="sede.incidencias",
        section=_("Sede electrónica"),
        label=_("Avisos de incidencias técnicas"),
        url_name="sede:incidencias_gestion",
        permission="sede.view_avisoincidencia",
        description=_(
            "Publicar y finalizar avisos de incidencias de la sede y de ampliación de plazos."
        ),
        order=71,
    )
)
NOTICES = (
    "sede.view_avisoincidencia",
    "sede.add_avisoincidencia",
    "sede.change_avisoincidencia",
)
grant(Role.REGISTRY_HEAD, *NOTICES)
grant(Role.ADMINISTRATOR, *NOTICES)
