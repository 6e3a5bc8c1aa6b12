"""Staff session rules (``identidad.staff_auth``): absolute lifetime and the second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .staff_auth import is_strong, session_expired, without_staff_powers


class StaffSessionMiddleware:
    """After authentication: end staff sessions past ``STAFF_SESSION_MAX_AGE`` and withhold
    staff powers from a session without a second factor when ``STAFF_REQUIRE_2FA`` is on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and (user.is_staff or user.is_superuser):
            if session_expired(request):
                logout(request)
                messages.info(request, _("Su sesión de personal ha caducado. Vuelva a entrar."))
                login = reverse("identidad:staff_login")
                return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
            if settings.STAFF_REQUIRE_2FA and not is_strong(request):
                request.user = without_staff_powers(user)
        return self.get_response(request)
