"""Staff pages and role permissions of the catalogue (identidad.workspace)."""

from django.utils.translation import gettext_lazy as _

from identidad.roles import Role
from identidad.workspace import StaffEntry, grant, register_entry

SECTION = _("Catálogo de procedimientos")

register_entry(
    StaffEntry(
        key="procedimientos.admin",
        section=SECTION,
        label=_("Gestionar procedimientos"),
        url_name="admin:procedimientos_procedimiento_changelist",
        permission="procedimientos.change_procedimiento",
        description=_(
            "Editar las fichas del catálogo, sus formularios y su nivel de digitalización."
        ),
        order=50,
    )
)
register_entry(
    StaffEntry(
        key="procedimientos.avance",
        section=SECTION,
        label=_("Grado de avance del plan"),
        url_name="procedimientos:avance_staff",
        permission="procedimientos.view_accionplan",
        description=_("Seguir el avance del plan de digitalización y lo que queda por adaptar."),
        order=51,
    )
)
register_entry(
    StaffEntry(
        key="procedimientos.constructor",
        section=SECTION,
        label=_("Constructor de formularios"),
        url_name="procedimientos:builder_list",
        permission="procedimientos.gestionar_catalogo",
        description=_(
            "Crear y editar las versiones del formulario de cada trámite, en castellano y en "
            "euskera, con vista previa de la página de la ciudadanía."
        ),
        order=52,
    )
)

register_entry(
    StaffEntry(
        key="procedimientos.formularios",
        section=SECTION,
        label=_("Formularios y versiones"),
        url_name="procedimientos:formulario_indice",
        permission="procedimientos.editar_formularios",
        description=_(
            "Crear borradores de los formularios, enviarlos a revisión, publicarlos y "
            "comparar versiones."
        ),
        order=52,
    )
)
register_entry(
    StaffEntry(
        key="procedimientos.formularios_revision",
        section=SECTION,
        label=_("Formularios pendientes de aprobación"),
        url_name="procedimientos:formulario_revisiones",
        permission="procedimientos.aprobar_formularios",
        description=_(
            "Aprobar o devolver con observaciones los formularios de los procedimientos de "
            "sus unidades."
        ),
        order=53,
    )
)

CATALOGUE = (
    "procedimientos.gestionar_catalogo",
    "procedimientos.view_procedimiento",
    "procedimientos.change_procedimiento",
    "procedimientos.add_procedimiento",
    "procedimientos.view_accionplan",
    "procedimientos.change_accionplan",
)
# The form workflow (docs/catalogo.md, "Versiones y revisión de formularios"): editors prepare
# and publish, the head of the procedure's unit approves; administrators may do both.
FORMS_EDIT = ("procedimientos.editar_formularios", "procedimientos.view_formularioversion")
FORMS_APPROVE = ("procedimientos.aprobar_formularios", "procedimientos.view_formularioversion")
grant(Role.CATALOGUE_EDITOR, *CATALOGUE, *FORMS_EDIT)
grant(Role.ADMINISTRATOR, *CATALOGUE, *FORMS_EDIT, *FORMS_APPROVE)
grant(
    Role.UNIT_HEAD,
    "procedimientos.view_procedimiento",
    "procedimientos.change_procedimiento",
    "procedimientos.view_accionplan",
    *FORMS_APPROVE,
)
