"""Login pages: the choice of identity provider, the development IdP and logout."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .backends.base import login_failed, login_succeeded, set_pending_identification
from .backends.dev import BACKEND_PATH as DEV_BACKEND_PATH
from .backends.dev import dev_idp_allowed
from .constants import MetodoIdentificacion
from .forms import DevLoginForm, GiltzaMethodForm, StaffLoginForm
from .staff_auth import mark_strong


def safe_next_url(request: HttpRequest) -> str:
    """The ``next`` parameter when it points inside this site, else an empty string."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _login_context(request: HttpRequest, *, dev_form: DevLoginForm | None = None) -> dict:
    next_url = safe_next_url(request)
    staff_url = reverse("identidad:staff_login")
    return {
        "next": next_url,
        "oidc_enabled": settings.OIDC_ENABLED,
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
        "giltza_form": GiltzaMethodForm(initial={"method": "bakq"}, auto_id="giltza_%s"),
        "saml_enabled": settings.SAML_ENABLED,
        "dev_idp": dev_idp_allowed(),
        "dev_form": dev_form or DevLoginForm(auto_id="dev_%s"),
        "staff_login_url": staff_url,
    }


@require_http_methods(["GET", "HEAD"])
def login_page(request: HttpRequest) -> HttpResponse:
    """Every way in: Giltza (OIDC), Cl@ve (SAML), the development IdP and staff login."""
    return render(request, "identidad/login.html", _login_context(request))


@require_http_methods(["GET", "POST"])
def dev_login(request: HttpRequest) -> HttpResponse:
    """The development IdP: a demo persona and a simulated method. 404 unless DEBUG."""
    if not dev_idp_allowed():
        raise Http404
    if request.method == "GET":
        return redirect("identidad:login")
    form = DevLoginForm(request.POST, auto_id="dev_%s")
    if not form.is_valid():
        return render(
            request, "identidad/login.html", _login_context(request, dev_form=form), status=400
        )
    method = form.cleaned_data["method"]
    user = authenticate(request, dev_persona=form.cleaned_data["persona"])
    if user is None or not user.is_active:
        login_failed(request, method=method, reason="dev IdP refused the persona", provider="dev")
        messages.error(request, _("No se ha podido iniciar la sesión."))
        return redirect("identidad:login")
    login(request, user, backend=DEV_BACKEND_PATH)
    if user.is_staff:
        mark_strong(request, "dev")  # the development IdP exists only with DEBUG on
    login_succeeded(request, user=user, method=method, provider="dev")
    return redirect(safe_next_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Ha cerrado la sesión."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _staff_next(request: HttpRequest) -> str:
    return safe_next_url(request) or resolve_url(settings.STAFF_LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    """Staff sign-in: the council's identity provider when configured, else password + TOTP.

    The password goes through ``authenticate`` (so django-axes throttles it); a wrong or
    missing second factor counts as a failed login too. With ``STAFF_REQUIRE_2FA`` on, an
    account without a confirmed TOTP device cannot sign in here.
    """
    from django.contrib.auth.signals import user_login_failed
    from django_otp import devices_for_user, match_token
    from django_otp import login as otp_login

    form = StaffLoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not settings.STAFF_PASSWORD_LOGIN:
        raise Http404
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = authenticate(request, username=data["username"], password=data["password"])
        refused = _("Usuario, contraseña o código de verificación incorrectos.")
        if user is None or not user.is_staff or not user.is_active:
            form.add_error(None, refused)
            if user is not None:  # a valid password of a non-staff account: still a failure
                user_login_failed.send(
                    sender=__name__, credentials={"username": data["username"]}, request=request
                )
        else:
            devices = list(devices_for_user(user, confirmed=True))
            device = match_token(user, data["otp_token"]) if data["otp_token"] else None
            if device is None and (devices or settings.STAFF_REQUIRE_2FA):
                if not devices:
                    form.add_error(
                        None,
                        _(
                            "Su cuenta no tiene segundo factor de autenticación. Pida a "
                            "administración que le dé de alta la aplicación de códigos."
                        ),
                    )
                else:
                    form.add_error(None, refused)
                # Counts towards the throttle (django-axes) and is audited (backends.base).
                user_login_failed.send(
                    sender=__name__, credentials={"username": data["username"]}, request=request
                )
            else:
                set_pending_identification(
                    request,
                    method=(
                        MetodoIdentificacion.PASSWORD_TOTP
                        if device is not None
                        else MetodoIdentificacion.PASSWORD
                    ),
                    level=None,
                    provider="local",
                )
                login(request, user)
                if device is not None:
                    otp_login(request, device)
                    mark_strong(request, "totp")
                return redirect(_staff_next(request))
    return render(
        request,
        "identidad/staff_login.html",
        {
            "form": form,
            "next": safe_next_url(request),
            "staff_oidc_enabled": settings.STAFF_OIDC_ENABLED,
            "staff_oidc_provider_name": settings.STAFF_OIDC_PROVIDER_NAME,
            "password_login": settings.STAFF_PASSWORD_LOGIN,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def staff_login_redirect(request: HttpRequest) -> HttpResponse:
    """/admin/login/ → the staff login (keeping ``next``)."""
    from django.utils.http import urlencode

    target = reverse("identidad:staff_login")
    next_url = safe_next_url(request)
    return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
