"""A staff member's scope — role × units — resolved once per request (design.md).

Selectors filter in SQL with the ids held here instead of asking per row (conventions.md,
anti-pattern 6). ``staff_scope(user)`` caches the answer on the user object, which Django keeps
for the whole request.
"""

from __future__ import annotations

from dataclasses import dataclass

from .roles import Role


@dataclass(frozen=True)
class StaffScope:
    user_id: int | None
    is_staff: bool
    is_superuser: bool
    roles: frozenset[str]
    unit_ids: frozenset[int]  # the user's units and every unit below them

    def has_role(self, *roles: Role | str) -> bool:
        return self.is_superuser or any(str(r) in self.roles for r in roles)

    @property
    def sees_all_units(self) -> bool:
        return self.is_superuser or Role.ADMINISTRATOR.value in self.roles


NO_SCOPE = StaffScope(None, False, False, frozenset(), frozenset())


def units_below(unit_ids: set[int]) -> set[int]:
    """``unit_ids`` and all their descendants (one query over the unit tree)."""
    from .models import Unidad

    if not unit_ids:
        return set()
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Unidad.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    return _below(children, unit_ids)


def _below(children: dict[int | None, list[int]], roots) -> set[int]:
    found, stack = set(), list(roots)
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, ()))
    return found


def _user_units_below(user) -> set[int]:
    """``units_below`` of the user's own units, read with the unit tree in ONE query (each
    unit of the tree says whether the user belongs to it)."""
    from django.db.models import Exists, OuterRef

    from .models import Unidad, User

    mine = User.unidades.through.objects.filter(user_id=user.pk, unidad_id=OuterRef("pk"))
    children: dict[int | None, list[int]] = {}
    own: list[int] = []
    tree = Unidad.objects.order_by().values_list("id", "parent_id", Exists(mine))
    for pk, parent_id, is_mine in tree:
        children.setdefault(parent_id, []).append(pk)
        if is_mine:
            own.append(pk)
    return _below(children, own)


def staff_scope(user) -> StaffScope:
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_staff):
        return NO_SCOPE
    cached = getattr(user, "_staff_scope", None)
    if cached is not None:
        return cached
    roles = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    units = frozenset(_user_units_below(user))
    scope = StaffScope(user.pk, True, user.is_superuser, roles, units)
    user._staff_scope = scope
    return scope
