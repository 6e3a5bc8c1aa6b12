"""Test-only urlconf: the project's URLs plus a django-oauth-toolkit OpenID provider."""

from django.urls import include, path

from bilbao_sede.urls import urlpatterns as project_urlpatterns

from .oidc_provider import ProviderLoginView

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("proveedor/login/", ProviderLoginView.as_view(), name="provider_login"),
    *project_urlpatterns,
]
