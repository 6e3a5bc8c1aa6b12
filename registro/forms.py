"""Forms of the registro app: the registry book search and the district desk."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from identidad.constants import TipoPersona
from identidad.models import Interesado, Unidad
from identidad.validators import normalize_nif, validate_nif
from procedimientos.models import Procedimiento

from .constants import MAX_RESUMEN, Direccion, TipoOficina
from .models import Oficina
from .selectors import parse_numero


def _unidades():
    return Unidad.objects.filter(active=True).order_by("name_es")


class _UnidadChoices(forms.models.ModelChoiceIterator):
    """The units' options read as plain rows: the same values and labels as the stock
    iterator's (``Unidad.__str__`` in the active language), without building a model
    instance per unit through a server-side cursor — the registry book's filter lists
    every active unit of the council on every page a clerk turns."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.values_list("pk", "name_es", "name_eu", "dir3")
        for pk, name_es, name_eu, dir3 in rows:
            yield (pk, Unidad.label_of(name_es=name_es, name_eu=name_eu, dir3=dir3))


class UnidadChoiceField(forms.ModelChoiceField):
    iterator = _UnidadChoices


class BookSearchForm(forms.Form):
    numero = forms.CharField(
        label=_("Número de registro"),
        required=False,
        max_length=30,
        help_text=_("Por ejemplo 2026/E/00000042."),
    )
    desde = forms.DateField(
        label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    hasta = forms.DateField(
        label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    nif = forms.CharField(label=_("NIF de un interesado"), required=False, max_length=20)
    unidad = UnidadChoiceField(
        label=_("Unidad"),
        queryset=Unidad.objects.none(),
        required=False,
        empty_label=_("Todas"),
    )
    direction = forms.ChoiceField(
        label=_("Sentido"),
        required=False,
        choices=[("", _("Entradas y salidas")), *Direccion.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unidad"].queryset = _unidades()

    def clean_numero(self) -> str:
        value = self.cleaned_data["numero"].strip()
        if value and parse_numero(value) is None:
            raise ValidationError(_("Escriba el número como año/E o S/número, p. ej. 2026/E/42."))
        return value

    def clean_nif(self) -> str:
        return normalize_nif(self.cleaned_data["nif"])

    def clean(self):
        data = super().clean()
        if data.get("desde") and data.get("hasta") and data["desde"] > data["hasta"]:
            self.add_error("hasta", _("La fecha final es anterior a la inicial."))
        return data


class _PartyFields(forms.Form):
    """Find the interesado by NIF, or give the data to create them."""

    nif = forms.CharField(label=_("NIF, NIE o CIF"), max_length=20)
    nombre = forms.CharField(label=_("Nombre"), required=False, max_length=150)
    apellido1 = forms.CharField(label=_("Primer apellido"), required=False, max_length=150)
    apellido2 = forms.CharField(label=_("Segundo apellido"), required=False, max_length=150)
    razon_social = forms.CharField(
        label=_("Razón social"),
        required=False,
        max_length=250,
        help_text=_("Sólo para personas jurídicas."),
    )
    email = forms.EmailField(label=_("Correo electrónico"), required=False)

    def clean_nif(self) -> str:
        try:
            return validate_nif(self.cleaned_data["nif"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def clean(self):
        data = super().clean()
        nif = data.get("nif")
        if nif and not Interesado.objects.filter(nif=nif).exists():
            juridica = not (nif[0].isdigit() or nif[0] in "XYZ")
            if juridica and not data.get("razon_social"):
                self.add_error(
                    "razon_social",
                    _("No consta este NIF: indique la razón social para darlo de alta."),
                )
            if not juridica and not (data.get("nombre") and data.get("apellido1")):
                self.add_error(
                    "nombre",
                    _("No consta este NIF: indique nombre y primer apellido para darlo de alta."),
                )
        return data

    def party_data(self) -> dict:
        data = self.cleaned_data
        nif = data["nif"]
        juridica = not (nif[0].isdigit() or nif[0] in "XYZ")
        return {
            "nif": nif,
            "tipo": TipoPersona.JURIDICA if juridica else TipoPersona.FISICA,
            "nombre": data.get("nombre", ""),
            "apellido1": data.get("apellido1", ""),
            "apellido2": data.get("apellido2", ""),
            "razon_social": data.get("razon_social", ""),
            "email": data.get("email", ""),
        }


class DeskEntradaForm(_PartyFields):
    """A paper submission registered at a district office (Zuzenean) for a citizen."""

    oficina = forms.ModelChoiceField(label=_("Oficina"), queryset=Oficina.objects.none())
    procedimiento = forms.ModelChoiceField(
        label=_("Procedimiento"),
        queryset=Procedimiento.objects.none(),
        required=False,
        empty_label=_("Ninguno (escrito general)"),
    )
    unidad_destino = forms.ModelChoiceField(
        label=_("Unidad de destino"),
        queryset=Unidad.objects.none(),
        required=False,
        help_text=_("Si se deja vacía, la unidad competente del procedimiento."),
    )
    resumen = forms.CharField(label=_("Resumen"), max_length=MAX_RESUMEN)
    expone = forms.CharField(label=_("Expone"), required=False, widget=forms.Textarea)
    solicita = forms.CharField(label=_("Solicita"), required=False, widget=forms.Textarea)
    escaneo = forms.FileField(
        label=_("Escrito digitalizado"),
        help_text=_(
            "PDF o imagen escaneados a 200 ppp como mínimo: se registran como copia auténtica "
            "del papel."
        ),
    )
    originales_custodiados = forms.BooleanField(
        label=_("La oficina custodia los originales (6 meses)"),
        required=False,
        help_text=_("Déjelo sin marcar si los originales se devuelven en el acto."),
    )

    field_order = [
        "oficina",
        "nif",
        "nombre",
        "apellido1",
        "apellido2",
        "razon_social",
        "email",
        "procedimiento",
        "unidad_destino",
        "resumen",
        "expone",
        "solicita",
        "escaneo",
        "originales_custodiados",
    ]

    def __init__(self, *args, oficinas=None, **kwargs):
        super().__init__(*args, **kwargs)
        oficinas = Oficina.objects.filter(active=True) if oficinas is None else oficinas
        self.fields["oficina"].queryset = oficinas.filter(kind=TipoOficina.PRESENCIAL)
        self.fields["procedimiento"].queryset = Procedimiento.objects.filter(active=True).order_by(
            "title_es"
        )
        self.fields["unidad_destino"].queryset = _unidades()

    def clean(self):
        data = super().clean()
        if not data.get("unidad_destino"):
            procedimiento = data.get("procedimiento")
            if procedimiento is not None:
                data["unidad_destino"] = procedimiento.unit
            else:
                self.add_error("unidad_destino", _("Indique la unidad de destino."))
        return data


class DeskSalidaForm(_PartyFields):
    """An exit (salida): a document the council sends, registered in the same registry."""

    oficina = forms.ModelChoiceField(label=_("Oficina"), queryset=Oficina.objects.none())
    unidad_origen = forms.ModelChoiceField(
        label=_("Unidad que lo emite"), queryset=Unidad.objects.none()
    )
    resumen = forms.CharField(label=_("Resumen"), max_length=MAX_RESUMEN)
    documento = forms.FileField(label=_("Documento"), required=False)

    field_order = [
        "oficina",
        "unidad_origen",
        "nif",
        "nombre",
        "apellido1",
        "apellido2",
        "razon_social",
        "email",
        "resumen",
        "documento",
    ]

    def __init__(self, *args, oficinas=None, **kwargs):
        super().__init__(*args, **kwargs)
        oficinas = Oficina.objects.filter(active=True) if oficinas is None else oficinas
        self.fields["oficina"].queryset = oficinas
        self.fields["unidad_origen"].queryset = _unidades()
        self.fields["nif"].label = _("NIF del destinatario")


class ReceiptsOfDayForm(forms.Form):
    """Batch reprint: the receipts of one office on one day."""

    oficina = forms.ModelChoiceField(label=_("Oficina"), queryset=Oficina.objects.none())
    fecha = forms.DateField(label=_("Día"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, oficinas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if oficinas is None:
            oficinas = Oficina.objects.none()
        self.fields["oficina"].queryset = oficinas


class ReprintForm(forms.Form):
    numero = forms.CharField(
        label=_("Número de registro"), max_length=30, help_text=_("Por ejemplo 2026/E/00000042.")
    )

    def clean_numero(self) -> str:
        value = self.cleaned_data["numero"].strip()
        if parse_numero(value) is None:
            raise ValidationError(_("Escriba el número como año/E o S/número, p. ej. 2026/E/42."))
        return value
