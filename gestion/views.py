"""The staff home: every page the member's roles allow, grouped by section."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from identidad.roles import Role
from identidad.scope import staff_scope
from identidad.workspace import entries_for


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url="admin:login")
    if not (user.is_active and user.is_staff):
        raise Http404
    scope = staff_scope(user)
    allowed = entries_for(user)
    sections = [
        (section, list(items)) for section, items in groupby(allowed, key=lambda e: str(e.section))
    ]
    units = user.unidades.order_by("name_es")
    roles = [Role(r).label for r in sorted(scope.roles)]
    return render(
        request,
        "gestion/home.html",
        {"sections": sections, "units": units, "roles": roles},
    )
