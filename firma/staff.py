"""Staff pages and role permissions of the signature portal (identidad.workspace)."""

from django.utils.translation import gettext_lazy as _

from identidad.roles import Role
from identidad.workspace import StaffEntry, grant, register_entry

SECTION = _("Firma")

register_entry(
    StaffEntry(
        key="firma.bandeja",
        section=SECTION,
        label=_("Portafirmas: documentos para firmar"),
        url_name="firma:bandeja",
        description=_("Firmar, dar el visto bueno o rechazar los documentos que le han enviado."),
        order=30,
    )
)
register_entry(
    StaffEntry(
        key="firma.peticiones",
        section=SECTION,
        label=_("Portafirmas: peticiones enviadas"),
        url_name="firma:peticiones",
        permission="firma.add_peticionfirma",
        description=_("Enviar documentos a firma y seguir sus circuitos."),
        order=31,
    )
)

for role in (Role.CASE_HANDLER, Role.UNIT_HEAD, Role.ADMINISTRATOR):
    grant(role, "firma.add_peticionfirma", "firma.view_peticionfirma")
