"""Views of the staff OIDC sign-in (``identidad.backends.staff_oidc``), at /oidc-personal/."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .backends.base import login_failed, login_succeeded
from .backends.staff_oidc import staff_oidc_setting
from .constants import MetodoIdentificacion
from .staff_auth import mark_strong


class StaffOIDCAuthenticationRequestView(OIDCAuthenticationRequestView):
    @staticmethod
    def get_settings(attr, *args):
        return staff_oidc_setting(attr, *args)

    def get(self, request):
        if not settings.STAFF_OIDC_ENABLED:
            raise Http404
        return super().get(request)


class StaffOIDCAuthenticationCallbackView(OIDCAuthenticationCallbackView):
    @staticmethod
    def get_settings(attr, *args):
        return staff_oidc_setting(attr, *args)

    def get(self, request):
        if not settings.STAFF_OIDC_ENABLED:
            raise Http404
        request.staff_oidc = True  # only the staff backend answers this callback
        return super().get(request)

    def login_success(self):
        response = super().login_success()
        mark_strong(self.request, "oidc")
        login_succeeded(
            self.request,
            user=self.user,
            method=MetodoIdentificacion.CORPORATIVO,
            provider=str(settings.STAFF_OIDC_PROVIDER_NAME),
        )
        return response

    def login_failure(self):
        request = self.request
        failure = getattr(request, "identidad_login_error", None)
        message = failure[0] if failure else _("No se ha podido completar el acceso del personal.")
        reason = failure[1] if failure else "no code, unknown state or authentication refused"
        login_failed(
            request,
            method=MetodoIdentificacion.CORPORATIVO,
            reason=reason,
            provider=str(settings.STAFF_OIDC_PROVIDER_NAME),
        )
        messages.error(request, message)
        return HttpResponseRedirect(reverse("identidad:staff_login"))
