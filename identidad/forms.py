"""Forms of the login pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .backends.dev import DEV_METHODS
from .constants import MetodoIdentificacion
from .demo import CITIZENS

GILTZA_METHODS = [
    MetodoIdentificacion.BAKQ,
    MetodoIdentificacion.CERTIFICADO,
    MetodoIdentificacion.MOVIL,
]


class GiltzaMethodForm(forms.Form):
    """The Giltza method the citizen wants to use; it decides the ``acr_values`` sent."""

    method = forms.ChoiceField(
        label=_("Método de Giltza"),
        choices=[(m.value, m.label) for m in GILTZA_METHODS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Elija cómo quiere identificarse en Giltza.")},
    )


class DevLoginForm(forms.Form):
    persona = forms.ChoiceField(
        label=_("Persona de demostración"),
        choices=[(p.key, f"{p.first_name} {p.last_name} ({p.nif})") for p in CITIZENS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Elija una persona de demostración.")},
    )
    method = forms.ChoiceField(
        label=_("Método de identificación simulado"),
        choices=[(m.value, m.label) for m in DEV_METHODS],
        initial=MetodoIdentificacion.BAKQ.value,
    )


class StaffLoginForm(forms.Form):
    """Staff password sign-in with a TOTP second factor (where no corporate IdP is set up)."""

    username = forms.CharField(label=_("Usuario"), max_length=150)
    password = forms.CharField(label=_("Contraseña"), widget=forms.PasswordInput, strip=False)
    otp_token = forms.CharField(
        label=_("Código de verificación"),
        max_length=8,
        required=False,
        help_text=_("Los 6 dígitos que muestra ahora su aplicación de autenticación."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
