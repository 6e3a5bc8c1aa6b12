"""Forms of the firma app: CSV verification and the portafirmas."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from uploads import Limits, UploadRefused, check_file_size

from .constants import ModoFirma, TipoAccion
from .services.portafirmas import (
    AccionSpec,
    DocumentoSpec,
    documento_spec_from_upload,
    max_document_bytes,
)

MAX_DOCUMENT_BYTES = getattr(settings, "FIRMA_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024)


class VerificarForm(forms.Form):
    csv = forms.CharField(
        label=_("Código seguro de verificación (CSV)"),
        max_length=100,
        help_text=_("Figura al pie de cada página del documento, junto al código QR."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ValidarForm(forms.Form):
    fichero = forms.FileField(
        label=_("Documento firmado"),
        help_text=_("PDF firmado (PAdES), XML firmado (XAdES) o firma CMS (CAdES)."),
    )
    contenido = forms.FileField(
        label=_("Documento original"),
        required=False,
        help_text=_("Solo para firmas separadas (detached): el fichero que se firmó."),
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("fichero", "contenido"):
            upload = cleaned.get(name)
            if upload is not None and upload.size > MAX_DOCUMENT_BYTES:
                self.add_error(name, _("El fichero es demasiado grande."))
        return cleaned


class RechazoForm(forms.Form):
    motivo = forms.CharField(
        label=_("Motivo del rechazo"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _staff_queryset():
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = getattr(obj, "full_name", "") or obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class PeticionForm(forms.Form):
    asunto = forms.CharField(label=_("Asunto"), max_length=255)
    descripcion = forms.CharField(
        label=_("Descripción"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    fecha_limite = forms.DateTimeField(
        label=_("Fecha límite"),
        required=False,
        help_text=_("Formato: 31/12/2026 14:00. Se envían recordatorios al acercarse."),
    )
    documentos = MultipleFileField(
        label=_("Documentos"),
        help_text=_("Uno o varios ficheros. Para firmarlos deben ser PDF."),
    )

    def clean_documentos(self) -> list[DocumentoSpec]:
        """Each file through the one upload policy (``uploads``); a refusal says why."""
        specs = []
        for upload in self.cleaned_data["documentos"]:
            try:
                # Refused before it is read when it is over the limit.
                check_file_size(
                    nombre=upload.name, size=upload.size, limits=Limits.single(max_document_bytes())
                )
                specs.append(
                    documento_spec_from_upload(
                        nombre=upload.name,
                        data=b"".join(upload.chunks()),
                        declared_mime=upload.content_type or "",
                    )
                )
            except UploadRefused as exc:
                raise forms.ValidationError(str(exc)) from exc
        if not specs:
            raise forms.ValidationError(_("Adjunte al menos un documento."))
        return specs


class AccionForm(forms.Form):
    """One row of the circuit: in which step, who, and what they do."""

    paso = forms.IntegerField(label=_("Paso"), min_value=1, max_value=20, initial=1)
    firmante = StaffChoiceField(label=_("Persona"), queryset=_staff_queryset())
    tipo = forms.ChoiceField(label=_("Acción"), choices=TipoAccion.choices)
    modo = forms.ChoiceField(label=_("Modo"), choices=ModoFirma.choices, initial=ModoFirma.PROPIO)
    en_nombre_de = forms.CharField(
        label=_("En nombre de"),
        required=False,
        max_length=255,
        help_text=_("Autoridad delegante o titular sustituido."),
    )

    def has_changed(self) -> bool:
        """A row counts only when a person is chosen: the other fields have defaults."""
        return bool(
            self.data.get(self.add_prefix("firmante"))
            or self.data.get(self.add_prefix("en_nombre_de"))
        )


class BaseAccionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms):
            raise forms.ValidationError(_("Indique al menos una persona en el circuito."))

    def pasos(self) -> list[list[AccionSpec]]:
        """Rows grouped by step number, steps in ascending order (gaps are ignored)."""
        grouped: dict[int, list[AccionSpec]] = {}
        for form in self.forms:
            data = form.cleaned_data
            if not data:
                continue
            grouped.setdefault(data["paso"], []).append(
                AccionSpec(
                    firmante=data["firmante"],
                    tipo=data["tipo"],
                    modo=data["modo"],
                    en_nombre_de=data.get("en_nombre_de", ""),
                )
            )
        return [grouped[n] for n in sorted(grouped)]


AccionFormSet = forms.formset_factory(AccionForm, formset=BaseAccionFormSet, extra=5, max_num=20)
