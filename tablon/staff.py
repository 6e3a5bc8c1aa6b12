"""Staff pages and role permissions of the notice board (identidad.workspace)."""

from django.utils.translation import gettext_lazy as _

from identidad.roles import Role
from identidad.workspace import StaffEntry, grant, register_entry

register_entry(
    StaffEntry(
        key="tablon.gestion",
        section=_("Sede electrónica"),
        label=_("Tablón de edictos"),
        url_name="tablon:staff_list",
        permission="tablon.view_edicto",
        description=_(
            "Publicar edictos y anuncios con su periodo de exposición, retirarlos y emitir "
            "certificados de exposición."
        ),
        order=70,
    )
)
BOARD = ("tablon.view_edicto", "tablon.add_edicto", "tablon.change_edicto")
grant(Role.REGISTRY_HEAD, *BOARD)
grant(Role.ADMINISTRATOR, *BOARD)
