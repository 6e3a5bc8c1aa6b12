"""Forms of assisted filing at a district office (HAB-1..3)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apoderamientos.constants import DocumentoIdentidad
from identidad.validators import validate_nif
from procedimientos.models import Procedimiento


def _is_natural_person(nif: str) -> bool:
    return bool(nif) and (nif[0].isdigit() or nif[0] in "XYZ")


class IdentificacionForm(forms.Form):
    """Step 1: the office, the procedure and the citizen, identified with their document."""

    oficina = forms.ModelChoiceField(label=_("Oficina"), queryset=None)
    procedimiento = forms.ModelChoiceField(
        label=_("Procedimiento"),
        queryset=Procedimiento.objects.none(),
        help_text=_("Cualquier procedimiento del catálogo."),
    )
    documento_identidad = forms.ChoiceField(
        label=_("Documento de identidad presentado"),
        choices=DocumentoIdentidad.choices,
        widget=forms.RadioSelect,
    )
    nif = forms.CharField(label=_("Número del documento (NIF o NIE)"), max_length=20)
    nombre = forms.CharField(label=_("Nombre"), max_length=150)
    apellido1 = forms.CharField(label=_("Primer apellido"), max_length=150)
    apellido2 = forms.CharField(label=_("Segundo apellido"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Correo electrónico de la persona"),
        required=False,
        help_text=_("Para los avisos de notificaciones, si la persona lo desea."),
    )
    documento_comprobado = forms.BooleanField(
        label=_("He comprobado el documento de identidad original y coincide con la persona"),
        error_messages={
            "required": _("Compruebe el documento de identidad original antes de continuar.")
        },
    )
    obligado_electronico = forms.BooleanField(
        label=_(
            "La persona actúa como obligada a relacionarse electrónicamente (profesional "
            "colegiado en el ejercicio de su profesión, empleado público en trámites de su "
            "condición o representante de una persona jurídica)"
        ),
        required=False,
        help_text=_("Art. 14.2 de la Ley 39/2015: en ese caso no puede actuar por ella."),
    )

    field_order = [
        "oficina",
        "procedimiento",
        "documento_identidad",
        "nif",
        "nombre",
        "apellido1",
        "apellido2",
        "email",
        "documento_comprobado",
        "obligado_electronico",
    ]

    def __init__(self, *args, oficinas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oficina"].queryset = oficinas
        self.fields["procedimiento"].queryset = Procedimiento.objects.filter(active=True).order_by(
            "title_es"
        )

    def clean_nif(self) -> str:
        try:
            nif = validate_nif(self.cleaned_data["nif"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        if not _is_natural_person(nif):
            raise ValidationError(
                _("El personal habilitado solo puede actuar por personas físicas.")
            )
        return nif

    def clean(self):
        data = super().clean()
        doc, nif = data.get("documento_identidad"), data.get("nif") or ""
        if doc == DocumentoIdentidad.DNI and nif and not nif[0].isdigit():
            self.add_error("nif", _("Un DNI empieza por una cifra; un NIE, por X, Y o Z."))
        if doc == DocumentoIdentidad.NIE and nif and nif[0] not in "XYZ":
            self.add_error("nif", _("Un NIE empieza por X, Y o Z."))
        return data


class ConsentimientoForm(forms.Form):
    """Step 2: the signed consent, digitised from paper or signed on a tablet."""

    escaneo = forms.FileField(
        label=_("Consentimiento firmado y digitalizado"),
        required=False,
        help_text=_("PDF o imagen del documento impreso y firmado por la persona."),
    )
    firma_tableta = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("escaneo") and not data.get("firma_tableta"):
            raise ValidationError(
                _(
                    "Adjunte el consentimiento firmado y digitalizado, o recoja la firma en "
                    "la tableta."
                )
            )
        return data
