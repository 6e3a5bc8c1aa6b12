"""Staff pages of the sede: incident notices (publish, end, history)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from identidad.workspace import staff_permission_required

from . import incidencias
from .models import AvisoIncidencia


class AvisoForm(forms.Form):
    title_es = forms.CharField(label=gettext_lazy("Título en castellano"), max_length=200)
    title_eu = forms.CharField(
        label=gettext_lazy("Título en euskera"), max_length=200, required=False
    )
    text_es = forms.CharField(
        label=gettext_lazy("Texto en castellano"), widget=forms.Textarea(attrs={"rows": 5})
    )
    text_eu = forms.CharField(
        label=gettext_lazy("Texto en euskera"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    extends_terms = forms.BooleanField(
        label=gettext_lazy("La incidencia amplía los plazos no vencidos (Ley 39/2015, art. 32.4)"),
        required=False,
    )
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Inicio de la incidencia"),
        required=False,
        help_text=gettext_lazy("Déjelo vacío si empieza ahora."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


@staff_permission_required("sede.view_avisoincidencia")
@require_http_methods(["GET", "POST"])
def incidencias_gestion(request):
    can_add = request.user.has_perm("sede.add_avisoincidencia")
    form = AvisoForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            raise Http404
        if form.is_valid():
            try:
                incidencias.aviso_incidencia_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, "; ".join(exc.messages))
            else:
                messages.success(request, _("Aviso publicado: ya se muestra en la sede."))
                return redirect("sede:incidencias_gestion")
    return render(
        request,
        "sede/incidencias_gestion.html",
        {
            "form": form,
            "can_add": can_add,
            "can_end": request.user.has_perm("sede.change_avisoincidencia"),
            "avisos": AvisoIncidencia.objects.select_related("created_by", "ended_by")[:100],
        },
    )


@staff_permission_required("sede.change_avisoincidencia")
@require_POST
def incidencia_finalizar(request, pk: int):
    aviso = get_object_or_404(AvisoIncidencia, pk=pk)
    incidencias.aviso_incidencia_end(aviso=aviso, by=request.user)
    messages.success(request, _("Incidencia finalizada: queda en el historial de la sede."))
    return redirect("sede:incidencias_gestion")
