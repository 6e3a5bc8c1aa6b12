"""Staff pages and role permissions of identidad (identidad.workspace)."""

from django.utils.translation import gettext_lazy as _

from .roles import Role
from .workspace import StaffEntry, grant, register_entry

register_entry(
    StaffEntry(
        key="identidad.admin",
        section=_("Administración"),
        label=_("Administración de datos"),
        url_name="admin:index",
        permission="identidad.change_user",
        description=_("Usuarios, unidades, roles y correcciones de datos (solo administración)."),
        order=90,
    )
)
register_entry(
    StaffEntry(
        key="identidad.auditoria",
        section=_("Administración"),
        label=_("Registro de auditoría"),
        url_name="admin:identidad_auditentry_changelist",
        permission="identidad.view_auditentry",
        description=_("Quién consultó o cambió qué, y cuándo (ENS)."),
        order=91,
    )
)

grant(
    Role.ADMINISTRATOR,
    "identidad.view_user",
    "identidad.change_user",
    "identidad.add_user",
    "identidad.view_unidad",
    "identidad.change_unidad",
    "identidad.add_unidad",
    "identidad.view_auditentry",
    "auth.view_group",
    # Second factors of staff (django-otp): enrol a TOTP device and show its QR code.
    "otp_totp.view_totpdevice",
    "otp_totp.add_totpdevice",
    "otp_totp.change_totpdevice",
    "otp_totp.delete_totpdevice",
)
