"""Which logins django-axes throttles: the staff password logins only (the staff sign-in page
and the admin). Citizens sign in through their identity provider (Giltza, Cl@ve), which
throttles itself; counting their callbacks by address would lock out everyone behind one
public address (a library, a district office)."""

from __future__ import annotations

from django.urls import Resolver404, resolve

STAFF_LOGIN_VIEWS = {"identidad:staff_login"}


def outside_staff_login(request, credentials=None) -> bool:
    """``AXES_WHITELIST_CALLABLE``: True (neither counted nor locked) unless ``request`` is a
    staff password login."""
    path = getattr(request, "path_info", None)
    if not path:
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return True
    return not (match.view_name in STAFF_LOGIN_VIEWS or match.namespace == "admin")
