"""The staff workspace registry: the pages and role permissions each app declares.

Each app that has staff pages keeps a ``staff.py`` module (discovered when the project starts,
like ``admin.py``) that calls :func:`register_entry` for each page and :func:`grant` for the
permissions its models give each role::

    from identidad.roles import Role
    from identidad.workspace import StaffEntry, grant, register_entry

    register_entry(StaffEntry(
        key="registro.libro", section=_("Registro"), label=_("Libro de registro"),
        url_name="registro:libro", permission="registro.view_asiento",
        description=_("Consultar los asientos de su oficina."),
    ))
    grant(Role.REGISTRY_CLERK, "registro.view_asiento", "registro.add_asiento")

The staff home (app ``gestion``) shows each user the entries their permissions allow; nothing
imports ``gestion``, so adding a staff page never edits a central menu. The granted permissions
are written to the role groups after every ``migrate`` (:func:`sync_role_permissions`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from .roles import Role


@dataclass(frozen=True)
class StaffEntry:
    key: str
    section: Any  # lazy translated label of the group of entries ("Registro", "Expedientes", …)
    label: Any  # lazy translated label of the page
    url_name: str
    permission: str | None = None  # "app_label.codename"; None: any active staff member
    description: Any = ""
    order: int = 100

    def allowed(self, user) -> bool:
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return False
        return self.permission is None or user.has_perm(self.permission)

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


_entries: dict[str, StaffEntry] = {}
_grants: dict[str, set[str]] = defaultdict(set)


def register_entry(entry: StaffEntry) -> StaffEntry:
    _entries[entry.key] = entry
    return entry


def grant(role: Role | str, *permissions: str) -> None:
    """Declare that ``role`` holds ``permissions`` ("app_label.codename")."""
    _grants[str(role)].update(permissions)


def entries() -> list[StaffEntry]:
    return sorted(_entries.values(), key=lambda e: (e.order, str(e.section), str(e.label)))


def entries_for(user) -> list[StaffEntry]:
    """The staff pages ``user`` may open, in menu order (permissions are cached per user)."""
    return [e for e in entries() if e.allowed(user) and e.url()]


def declared_permissions(role: Role | str) -> frozenset[str]:
    return frozenset(_grants.get(str(role), ()))


def _permission_objects(names: Iterable[str]):
    from django.contrib.auth.models import Permission

    wanted = {tuple(n.split(".", 1)) for n in names}
    if not wanted:
        return Permission.objects.none()
    perms = Permission.objects.select_related("content_type").filter(
        codename__in={c for _, c in wanted}
    )
    return [p for p in perms if (p.content_type.app_label, p.codename) in wanted]


def sync_role_permissions(sender=None, **_kwargs) -> None:
    """Give each role group exactly the permissions the apps declare.

    Connected to ``post_migrate``, which Django sends once per app after creating that app's
    permissions: it acts on the last app's signal, when every permission exists.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group

    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if sender is not None and with_models and sender is not with_models[-1]:
        return

    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(_permission_objects(declared_permissions(role)))


def staff_permission_required(permission: str):
    """View decorator for staff pages: logged-in, active staff holding ``permission``; anyone
    else logged in gets a 404, as if nothing were here (anonymous users are sent to log in)."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required
    from django.http import Http404

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user.is_active and user.is_staff and user.has_perm(permission)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
