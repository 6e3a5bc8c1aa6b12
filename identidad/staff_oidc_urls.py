"""/oidc-personal/: the staff OIDC sign-in (outside the language prefix, like /oidc/)."""

from django.urls import path

from .staff_oidc import StaffOIDCAuthenticationCallbackView, StaffOIDCAuthenticationRequestView

urlpatterns = [
    path(
        "authenticate/",
        StaffOIDCAuthenticationRequestView.as_view(),
        name="staff_oidc_authenticate",
    ),
    path("callback/", StaffOIDCAuthenticationCallbackView.as_view(), name="staff_oidc_callback"),
]
