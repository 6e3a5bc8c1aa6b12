"""The notice board: the public list (es/eu, search, no JavaScript) and the staff pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from identidad.workspace import staff_permission_required

from . import selectors, services
from .forms import BuscarForm, EdictoForm, RetirarForm
from .models import Edicto


def index(request):
    form = BuscarForm(request.GET or None)
    q = kind = ""
    if form.is_valid():
        q, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    page = Paginator(selectors.edictos_en_vigor(q=q, kind=kind), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "tablon/index.html",
        {"form": form, "page": page, "q": q, "resumenes": selectors.resumenes_recientes(7)},
    )


def detail(request, public_id):
    try:
        edicto = selectors.edicto_public_get(public_id)
    except Edicto.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "tablon/detail.html", {"edicto": edicto})


def _sealed_pdf(code: str, filename: str) -> HttpResponse:
    from firma.services import csv_resolve, documento_read

    version = csv_resolve(code)
    if version is None:
        raise Http404
    response = HttpResponse(documento_read(version), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf(request, public_id):
    try:
        edicto = selectors.edicto_public_get(public_id)
    except Edicto.DoesNotExist as exc:
        raise Http404 from exc
    name = _("edicto-%(numero)s.pdf") % {"numero": edicto.numero.replace("/", "-")}
    return _sealed_pdf(edicto.csv, name)


def resumen_pdf(request, day):
    from datetime import date

    from .models import ResumenDiario

    try:
        resumen = get_object_or_404(ResumenDiario, date=date.fromisoformat(day))
    except ValueError as exc:
        raise Http404 from exc
    name = _("tablon-resumen-%(fecha)s.pdf") % {"fecha": resumen.date.isoformat()}
    return _sealed_pdf(resumen.csv, name)


# --- Staff ---------------------------------------------------------------------------------


@staff_permission_required("tablon.view_edicto")
def staff_list(request):
    edictos = Paginator(selectors.edictos_staff_list(), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "tablon/staff_list.html",
        {"page": edictos, "resumenes": selectors.resumenes_recientes(10), "now": timezone.now()},
    )


@staff_permission_required("tablon.add_edicto")
@require_http_methods(["GET", "POST"])
def staff_new(request):
    form = EdictoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            edicto = services.edicto_publish(by=request.user, **form.cleaned_data)
        except (services.PublicacionError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or "; ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Publicado el %(numero)s, sellado con el CSV %(csv)s.")
                % {"numero": edicto.numero, "csv": edicto.csv},
            )
            return redirect("tablon:staff_detail", public_id=edicto.public_id)
    return render(request, "tablon/staff_new.html", {"form": form})


@staff_permission_required("tablon.view_edicto")
def staff_detail(request, public_id):
    edicto = get_object_or_404(Edicto.objects.select_related("organo"), public_id=public_id)
    return render(
        request,
        "tablon/staff_detail.html",
        {
            "edicto": edicto,
            "proof": services.publication_proof(edicto),
            "retirar": RetirarForm(),
            "can_change": request.user.has_perm("tablon.change_edicto"),
        },
    )


@staff_permission_required("tablon.change_edicto")
@require_POST
def staff_withdraw(request, public_id):
    edicto = get_object_or_404(Edicto, public_id=public_id)
    form = RetirarForm(request.POST)
    if form.is_valid():
        services.edicto_withdraw(edicto=edicto, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("El edicto se ha retirado del tablón."))
    else:
        messages.error(request, _("Indique el motivo de la retirada."))
    return redirect("tablon:staff_detail", public_id=edicto.public_id)


@staff_permission_required("tablon.change_edicto")
@require_POST
def staff_certify(request, public_id):
    edicto = get_object_or_404(Edicto, public_id=public_id)
    try:
        code = services.certificado_publicacion_issue(edicto=edicto, by=request.user)
    except services.PublicacionError as exc:
        messages.error(request, exc.message)
        return redirect("tablon:staff_detail", public_id=edicto.public_id)
    return _sealed_pdf(code, f"certificado-edicto-{edicto.numero.replace('/', '-')}.pdf")
