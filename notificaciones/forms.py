from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import ResultadoPapel


class IntentoPapelForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Fecha y hora del intento"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    resultado = forms.ChoiceField(label=_("Resultado"), choices=ResultadoPapel.choices)
    agente = forms.CharField(label=_("Agente notificador"), max_length=150)
    receptor_nombre = forms.CharField(
        label=_("Persona que recibe (si se entregó)"), max_length=200, required=False
    )
    receptor_nif = forms.CharField(label=_("Su documento"), max_length=20, required=False)
    observaciones = forms.CharField(label=_("Observaciones"), max_length=300, required=False)

    def clean_at(self):
        value = self.cleaned_data["at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class PreferenciaForm(forms.Form):
    electronica = forms.TypedChoiceField(
        label=_("Cómo quiere recibir las notificaciones del Ayuntamiento"),
        choices=[
            ("1", _("Electrónicamente, en la sede (con aviso por correo o SMS)")),
            ("0", _("En papel, en mi domicilio (también estarán en la sede)")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )


class RemesaForm(forms.Form):
    titulo = forms.CharField(label=_("Título interno"), max_length=250)
    asunto = forms.CharField(label=_("Asunto"), max_length=250)
    texto = forms.CharField(label=_("Texto íntegro del acto"), widget=forms.Textarea)
    recursos = forms.CharField(
        label=_("Recursos, órgano y plazo"),
        widget=forms.Textarea,
        help_text=_("Si el acto pone fin a la vía administrativa, los recursos que proceden."),
    )
    nifs = forms.CharField(
        label=_("NIF de los destinatarios"),
        widget=forms.Textarea,
        help_text=_("Uno por línea. Deben constar como interesados."),
    )

    def clean_nifs(self):
        from identidad.models import Interesado

        nifs = {
            line.strip().upper() for line in self.cleaned_data["nifs"].splitlines() if line.strip()
        }
        if not nifs:
            raise forms.ValidationError(_("Indique al menos un destinatario."))
        found = dict(Interesado.objects.filter(nif__in=nifs).values_list("nif", "pk"))
        missing = sorted(nifs - set(found))
        if missing:
            raise forms.ValidationError(
                _("No constan como interesados: %(nifs)s") % {"nifs": ", ".join(missing[:20])}
            )
        return list(found.values())
