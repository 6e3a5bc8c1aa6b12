"""OpenID Connect login views (Izenpe Giltza by default, any provider works). legal.md ID-4.

mozilla-django-oidc does the protocol (state, nonce, PKCE, token exchange, signature checks);
these subclasses add what the sede needs:

- the start view takes the Giltza method the citizen chose (BakQ, certificate, mobile ID) and
  sends the matching ``acr_values`` (``settings.OIDC_ACR_VALUES``);
- the callback view records the method and level of assurance in the session, audits the
  login (ok or denegado) and, on failure, returns to the login page with a clear message.

They are plugged in through ``OIDC_AUTHENTICATE_CLASS`` and ``OIDC_CALLBACK_CLASS``, so the
URLs stay ``/oidc/authenticate/`` and ``/oidc/callback/`` (outside the language prefix: the
redirect URI registered with the provider must not change with the language).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .backends.base import login_failed, login_succeeded
from .backends.oidc import SESSION_OIDC_METHOD_KEY
from .constants import MetodoIdentificacion
from .forms import GiltzaMethodForm


def _provider_name() -> str:
    return str(settings.OIDC_PROVIDER_NAME or "oidc")


class GiltzaAuthenticationRequestView(OIDCAuthenticationRequestView):
    """``/oidc/authenticate/?method=bakq|cert|mobile&next=…`` → the provider's login."""

    method: str = MetodoIdentificacion.BAKQ

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        form = GiltzaMethodForm(request.GET)
        if not form.is_valid():
            messages.error(request, _("Elija cómo quiere identificarse en Giltza."))
            return HttpResponseRedirect(reverse("identidad:login"))
        self.method = form.cleaned_data["method"]
        request.session[SESSION_OIDC_METHOD_KEY] = self.method
        return super().get(request)

    def get_extra_params(self, request):
        params = dict(super().get_extra_params(request))
        acr = settings.OIDC_ACR_VALUES.get(self.method)
        if acr:
            params["acr_values"] = acr
        language = get_language()
        if language:
            params.setdefault("ui_locales", language)
        return params


class GiltzaAuthenticationCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: log in, record method and level, audit; or explain the refusal."""

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().get(request)

    def _requested_method(self) -> str:
        return self.request.session.get(SESSION_OIDC_METHOD_KEY) or MetodoIdentificacion.BAKQ

    def login_success(self):
        response = super().login_success()
        outcome = getattr(self.request, "identidad_oidc", None) or {}
        method = outcome.get("method") or self._requested_method()
        login_succeeded(
            self.request,
            user=self.user,
            method=method,
            level=outcome.get("level"),
            provider=_provider_name(),
        )
        self.request.session.pop(SESSION_OIDC_METHOD_KEY, None)
        return response

    def login_failure(self):
        request = self.request
        failure = getattr(request, "identidad_login_error", None)
        if failure is not None:
            message, reason, nif = failure
        elif request.GET.get("error"):
            message = _(
                "No se ha completado la identificación en %(provider)s. Puede intentarlo de nuevo."
            ) % {"provider": _provider_name()}
            reason = f"provider error: {request.GET.get('error')}"
            nif = ""
        else:
            message = _("No se ha podido completar la identificación. Inténtelo de nuevo.")
            reason = "no code, unknown state or authentication refused"
            nif = ""
        login_failed(
            request,
            method=self._requested_method(),
            reason=reason,
            nif=nif,
            provider=_provider_name(),
        )
        request.session.pop(SESSION_OIDC_METHOD_KEY, None)
        messages.error(request, message)
        return HttpResponseRedirect(reverse("identidad:login"))
