"""The citizen's case files in Mi carpeta: status, phase, the documents they may see, the
next deadline and what they can do now (answer a request, add documents, allegations).

Reads come from ``expedientes.selectors`` (the access rule lives there: the person's files
and those of people they represent under a power in force); files go through the sede's
upload checks before the registry registers them. Anyone else gets a 404.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from expedientes import selectors as exp_selectors
from expedientes import services as exp_services
from expedientes.constants import EstadoRequerimiento, TipoEntrada
from uploads import UploadRefused, check_upload

from .filing.adapters import oficina_sede


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class AportarForm(forms.Form):
    tipo = forms.ChoiceField(label=gettext_lazy("Qué presenta"), widget=forms.RadioSelect)
    texto = forms.CharField(
        label=gettext_lazy("Escrito"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Opcional si adjunta documentos."),
    )
    ficheros = MultipleFileField(
        label=gettext_lazy("Documentos"),
        required=False,
        help_text=gettext_lazy("PDF, JPEG, PNG, ODT, ODS, DOCX, XLSX o XML. Puede elegir varios."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, answering: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (TipoEntrada.APORTACION.value, _("Aportar documentos")),
            (TipoEntrada.ALEGACION.value, _("Presentar alegaciones")),
        ]
        if answering:
            choices.insert(0, (TipoEntrada.SUBSANACION.value, _("Responder al requerimiento")))
        tipo = self.fields["tipo"]
        assert isinstance(tipo, forms.ChoiceField)
        tipo.choices = choices
        tipo.initial = choices[0][0]


def _expediente_or_404(request, pk: int):
    exp = exp_selectors.expediente_for_citizen(request.user, pk)
    if exp is None:
        raise Http404
    return exp


@login_required
def expediente_detalle(request, pk: int):
    exp = _expediente_or_404(request, pk)
    detalle = exp_selectors.expediente_detail(exp, citizen=True)
    answerable = next(
        (
            r
            for r in reversed(detalle.requerimientos)
            if r.estado in (EstadoRequerimiento.PENDIENTE, EstadoRequerimiento.VENCIDO)
        ),
        None,
    )
    return render(
        request,
        "sede/expedientes/detalle.html",
        {"exp": exp, "d": detalle, "requerimiento": answerable, "now": timezone.now()},
    )


@login_required
def expediente_documento(request, pk: int, doc: int):
    member = exp_selectors.documento_for_citizen(request.user, pk, doc)
    if member is None:
        raise Http404
    version = member.documento.actual
    return FileResponse(
        version.content.open("rb"),
        as_attachment=True,
        filename=member.documento.nombre,
        content_type=version.mime,
    )


@login_required
@require_http_methods(["GET", "POST"])
def expediente_aportar(request, pk: int):
    exp = _expediente_or_404(request, pk)
    if not exp.is_open:
        raise Http404
    answering = exp.requerimientos.filter(
        estado__in=[EstadoRequerimiento.PENDIENTE, EstadoRequerimiento.VENCIDO]
    ).exists()
    form = AportarForm(
        request.POST or None,
        request.FILES or None,
        answering=answering,
        initial={"idempotency_key": uuid.uuid4().hex},
    )
    if request.method == "POST" and form.is_valid():
        from registro.services import DocumentoNuevo

        documentos, count, total = [], 0, 0
        try:
            for upload in form.cleaned_data["ficheros"]:
                checked = check_upload(
                    nombre=upload.name, data=upload.read(), already_count=count, already_bytes=total
                )
                count, total = count + 1, total + len(checked.data)
                documentos.append(
                    DocumentoNuevo(nombre=checked.nombre, content=checked.data, mime=checked.mime)
                )
        except UploadRefused as exc:
            form.add_error("ficheros", str(exc))
        key = form.cleaned_data["idempotency_key"]
        if not form.errors:
            try:
                asiento = exp_services.expediente_aportacion_register(
                    expediente=exp,
                    user=request.user,
                    tipo=form.cleaned_data["tipo"],
                    documentos=documentos,
                    texto=form.cleaned_data["texto"],
                    oficina=oficina_sede(),
                    idempotency_key=f"exp-{key}" if key.isalnum() and len(key) == 32 else None,
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("Registrado con el número %(numero)s. Puede descargar el justificante.")
                    % {"numero": asiento.numero},
                )
                return redirect("sede:expediente_detalle", pk=exp.pk)
    return render(
        request, "sede/expedientes/aportar.html", {"exp": exp, "form": form, "answering": answering}
    )
