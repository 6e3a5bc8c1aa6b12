"""Staff pages and role permissions of the powers office (identidad.workspace)."""

from django.utils.translation import gettext_lazy as _

from identidad.roles import Role
from identidad.workspace import StaffEntry, grant, register_entry

register_entry(
    StaffEntry(
        key="apoderamientos.oficina",
        section=_("Apoderamientos"),
        label=_("Oficina de apoderamientos"),
        url_name="apoderamientos:oficina",
        permission="apoderamientos.gestionar_apoderamientos",
        description=_("Inscribir apoderamientos apud acta, bastantear y consultar el registro."),
        order=40,
    )
)

for role in (Role.REGISTRY_CLERK, Role.REGISTRY_HEAD, Role.HABILITADO, Role.ADMINISTRATOR):
    grant(role, "apoderamientos.gestionar_apoderamientos")

# HAB-1..3: authorised officials record the citizen's consent and file for them.
grant(
    Role.HABILITADO,
    "apoderamientos.add_consentimientoexpreso",
    "apoderamientos.view_consentimientoexpreso",
)
