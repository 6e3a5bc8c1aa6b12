"""Staff roles: Django groups whose permissions each app declares (design.md "Staff workspace").

A role is a ``Group`` named by its code. The groups are created by a migration
(``identidad/migrations/0002_staff_roles.py``); their permissions are declared by the app that
owns them, in ``<app>/staff.py`` (see :mod:`identidad.workspace`), and set on the groups after
every ``migrate`` (permissions only exist once Django has created them, after the migrations).
Being staff (``is_staff``) grants nothing beyond the staff home; the scope of a role is
role × units (:mod:`identidad.scope`). The roles are documented in ``docs/roles.md``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTRY_CLERK = "registro_oficina", _("Encargado/a de registro (su oficina)")
    REGISTRY_HEAD = "registro_jefatura", _("Jefatura de registro")
    CASE_HANDLER = "tramitador", _("Tramitador/a de expedientes (sus unidades)")
    UNIT_HEAD = "jefatura_unidad", _("Jefatura de unidad (sus unidades)")
    HABILITADO = "habilitado", _("Funcionario/a habilitado/a")
    CATALOGUE_EDITOR = "editor_catalogo", _("Editor/a del catálogo")
    ADMINISTRATOR = "administrador", _("Administrador/a")
