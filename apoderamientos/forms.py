"""Forms of the registry: parse and validate the input; the services apply the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from identidad.constants import TipoPersona
from identidad.models import Interesado
from identidad.services import interesado_get_or_create
from identidad.validators import normalize_nif, validate_nif
from procedimientos.models import Procedimiento

from .constants import TipoApoderamiento

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AlcanceForm(forms.Form):
    """Type (REA-2), procedures and validity (REA-4) of a power."""

    tipo = forms.ChoiceField(
        label=_("Tipo de apoderamiento"),
        choices=TipoApoderamiento.choices,
        widget=forms.RadioSelect,
        initial=TipoApoderamiento.GENERAL,
    )
    procedimientos = forms.ModelMultipleChoiceField(
        label=_("Procedimientos"),
        queryset=Procedimiento.objects.filter(active=True).order_by("title_es"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Solo para un apoderamiento para trámites concretos."),
    )
    valid_until = forms.DateField(
        label=_("Vigente hasta"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Como máximo cinco años desde la inscripción. Vacío: cinco años."),
    )

    def clean(self):
        data = super().clean()
        tipo = data.get("tipo")
        procs = data.get("procedimientos")
        if tipo == TipoApoderamiento.TRAMITES and not procs:
            self.add_error("procedimientos", _("Elija al menos un procedimiento."))
        if tipo and tipo != TipoApoderamiento.TRAMITES and procs:
            self.add_error(
                "procedimientos",
                _("Solo los poderes para trámites concretos enumeran procedimientos."),
            )
        return data


class GrantForm(AlcanceForm):
    """Apud acta on the sede (REA-3): the identified citizen empowers someone."""

    apoderado_nif = forms.CharField(label=_("DNI, NIE o NIF del apoderado"), max_length=12)
    apoderado_nombre = forms.CharField(label=_("Nombre"), max_length=150, required=False)
    apoderado_apellido1 = forms.CharField(
        label=_("Primer apellido"), max_length=150, required=False
    )
    apoderado_apellido2 = forms.CharField(
        label=_("Segundo apellido"), max_length=150, required=False
    )
    apoderado_razon_social = forms.CharField(
        label=_("Razón social (si es una persona jurídica)"), max_length=250, required=False
    )
    confirm = forms.BooleanField(
        label=_(
            "Otorgo este apoderamiento y firmo su otorgamiento con mi identificación en la sede."
        ),
        required=True,
    )

    field_order = [
        "apoderado_nif",
        "apoderado_nombre",
        "apoderado_apellido1",
        "apoderado_apellido2",
        "apoderado_razon_social",
        "tipo",
        "procedimientos",
        "valid_until",
        "confirm",
    ]

    def clean_apoderado_nif(self) -> str:
        return validate_nif(self.cleaned_data["apoderado_nif"])

    def clean(self):
        data = super().clean()
        nif = data.get("apoderado_nif")
        if nif and not Interesado.objects.filter(nif=nif).exists():
            legal = nif[0].isalpha() and nif[0] not in "XYZ"
            if legal and not data.get("apoderado_razon_social"):
                self.add_error("apoderado_razon_social", _("Indique la razón social."))
            if not legal and not (data.get("apoderado_nombre") and data.get("apoderado_apellido1")):
                self.add_error(
                    "apoderado_nombre",
                    _(
                        "Esta persona aún no consta en la sede: indique su nombre y "
                        "primer apellido."
                    ),
                )
        return data

    def apoderado(self) -> Interesado:
        data = self.cleaned_data
        nif = data["apoderado_nif"]
        legal = nif[0].isalpha() and nif[0] not in "XYZ"
        return interesado_get_or_create(
            nif=nif,
            tipo=TipoPersona.JURIDICA if legal else TipoPersona.FISICA,
            nombre=data.get("apoderado_nombre", ""),
            apellido1=data.get("apoderado_apellido1", ""),
            apellido2=data.get("apoderado_apellido2", ""),
            razon_social=data.get("apoderado_razon_social", ""),
        )


class ExtendForm(forms.Form):
    valid_until = forms.DateField(
        label=_("Nueva fecha de fin de vigencia"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Como máximo cinco años desde hoy. Vacío: cinco años."),
    )


class OfficeRegisterForm(AlcanceForm):
    """At an assistance office (REA-3): staff register the power with the parties present."""

    PRESENTANTE_CHOICES = [
        ("poderdante", _("Un poderdante")),
        ("apoderado", _("El apoderado (acepta al presentarlo)")),
    ]

    poderdante_nifs = forms.CharField(
        label=_("NIF de los poderdantes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Uno por línea. Una persona jurídica, o una o varias personas físicas "
            "conjuntamente. Deben constar ya en la sede."
        ),
    )
    apoderado_nif = forms.CharField(
        label=_("NIF del apoderado"), max_length=12, help_text=_("Debe constar ya en la sede.")
    )
    presentante = forms.ChoiceField(
        label=_("Presenta el apoderamiento"), choices=PRESENTANTE_CHOICES, widget=forms.RadioSelect
    )
    granted_on = forms.DateField(
        label=_("Fecha de otorgamiento"), required=False, widget=DATE_INPUT
    )
    escritura = forms.FileField(
        label=_("Escritura de poder (PDF)"),
        required=False,
        help_text=_("Obligatoria cuando el poderdante es una persona jurídica (bastanteo)."),
    )

    field_order = [
        "poderdante_nifs",
        "apoderado_nif",
        "presentante",
        "tipo",
        "procedimientos",
        "valid_until",
        "granted_on",
        "escritura",
    ]

    def _existing(self, nif: str) -> Interesado:
        number = validate_nif(nif)
        found = Interesado.objects.filter(nif=number).first()
        if found is None:
            raise ValidationError(
                _("%(nif)s no consta en la sede: dé de alta antes a la persona.") % {"nif": number}
            )
        return found

    def clean_poderdante_nifs(self) -> list[Interesado]:
        lines = [normalize_nif(x) for x in self.cleaned_data["poderdante_nifs"].splitlines()]
        return [self._existing(nif) for nif in lines if nif]

    def clean_apoderado_nif(self) -> Interesado:
        return self._existing(self.cleaned_data["apoderado_nif"])


class BastanteoForm(forms.Form):
    note = forms.CharField(
        label=_("Resultado del bastanteo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Escritura, notario, fecha y facultades comprobadas."),
    )


class ReasonForm(forms.Form):
    """REA-7: every staff consultation states its reason (it is audited)."""

    motivo = forms.CharField(
        label=_("Motivo de la consulta"),
        min_length=5,
        max_length=300,
        help_text=_("Queda registrado en la auditoría con su usuario."),
    )


class StaffSearchForm(ReasonForm):
    nif = forms.CharField(label=_("DNI, NIE o NIF del poderdante o apoderado"), max_length=12)

    field_order = ["nif", "motivo"]

    def clean_nif(self) -> str:
        return validate_nif(self.cleaned_data["nif"])
