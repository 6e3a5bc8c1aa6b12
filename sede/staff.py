"""Staff pages of the sede (identidad.workspace): assisted filing by authorised officials."""

from django.utils.translation import gettext_lazy as _

from identidad.workspace import StaffEntry, register_entry

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
