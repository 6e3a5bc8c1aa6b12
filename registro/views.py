"""Web views of the registro app: the filer's receipt, the registry book and the district
desk for staff. Thin: parse, authorise, call one service or selector, render."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bilbao_sede.net import client_ip
from identidad.services import audit_record, interesado_get_or_create

from .constants import Canal, Direccion, DocumentacionFisica, EstadoAsiento
from .documentos import copia_autentica_papel
from .forms import (
    BookSearchForm,
    DeskEntradaForm,
    DeskSalidaForm,
    ReceiptsOfDayForm,
    ReprintForm,
)
from .justificante import (
    receipt_context,
    receipt_filename,
    render_receipt_pdf,
    sealed_receipt_bytes,
)
from .models import Asiento
from .selectors import (
    BookFilters,
    asiento_by_numero_for_reprint,
    asiento_get_for,
    asiento_in_scope,
    asientos_of_office_day,
    is_registry_staff,
    oficinas_for_registering,
    registry_book,
)
from .services import DocumentoNuevo, asiento_register
from .templatetags.registro_fechas import fecha_hora, fecha_hora_minutos

if TYPE_CHECKING:
    from .selectors import BookEntry


def staff_only(view):
    """Users of the registry book (clerks, heads of registry, administrators); anyone else,
    staff of another unit included, gets a 404 (no hint that the page exists)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_registry_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def desk_only(view):
    """Registering at the desk: ``registro.add_asiento`` and at least one office of one's own."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.has_perm("registro.add_asiento") and oficinas_for_registering(user).exists()):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@login_required
def asiento_detalle(request, pk: int):
    """The receipt at once: provisional (unsealed) until the sealed PDF is ready (REG-5)."""
    asiento = asiento_get_for(request.user, pk)
    if asiento is None:
        raise Http404
    context = receipt_context(asiento, csv=asiento.justificante_csv)
    context["perms_staff"] = is_registry_staff(request.user)
    return render(request, "registro/asiento_detalle.html", context)


@login_required
def justificante_pdf(request, pk: int):
    asiento = asiento_get_for(request.user, pk)
    data = sealed_receipt_bytes(asiento) if asiento is not None else None
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt_filename(asiento)}"'
    return response


def _audit_foreign_lookup(request, asiento: Asiento, action: str) -> None:
    """Every look-up of another office's entry by a clerk is audited (issue 14.1)."""
    audit_record(
        actor=request.user,
        action=action,
        obj=asiento,
        detail={"numero": asiento.numero, "oficina": asiento.oficina.code},
        ip=client_ip(request),
    )


@staff_only
def libro(request):
    """The registry book: a clerk's offices (heads: all). An exact number finds any entry,
    shown only to reprint its receipt, and the look-up is audited."""
    form = BookSearchForm(request.GET or None)
    page = None
    foreign = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = BookFilters(
            numero=data["numero"],
            desde=data["desde"],
            hasta=data["hasta"],
            nif=data["nif"],
            unidad=data["unidad"].pk if data["unidad"] else None,
            direction=data["direction"],
        )
        page = registry_book(user=request.user, filters=filters, cursor=request.GET.get("c", ""))
        if data["numero"] and not page.rows:
            foreign = asiento_by_numero_for_reprint(request.user, data["numero"])
            if foreign is not None:
                _audit_foreign_lookup(request, foreign, "registro.asiento.busqueda_otra_oficina")
    elif not form.is_bound:
        page = registry_book(user=request.user, filters=BookFilters(), cursor="")
    next_query = None
    if page is not None and page.next_cursor:
        query = request.GET.copy()
        query["c"] = page.next_cursor
        next_query = query.urlencode()
    return render(
        request,
        "registro/libro.html",
        {
            "form": form,
            "page": page,
            "rows": _book_rows(page.rows) if page is not None else [],
            "foreign": foreign,
            "next_query": next_query,
            "can_register": request.user.has_perm("registro.add_asiento")
            and oficinas_for_registering(request.user).exists(),
        },
    )


@dataclass(frozen=True, slots=True)
class BookRow:
    """One line of the registry book, its cells as the page writes them."""

    url: str
    numero: str
    presented: str
    effective: str
    interesados: str  # HTML: "nombre (nif)" lines joined by <br>, escaped
    unidad: str
    resumen: str
    estado: str


_PK_SLOT = 987654321


def _asiento_url_maker():
    """``pk -> reverse("registro:asiento_detalle", args=[pk])`` with one ``reverse`` per page:
    the URLs differ only in the ``<int:pk>`` at their end, and 50 ``reverse`` calls (the
    resolver's lookup, the language prefix, quoting) were a tenth of the book's CPU."""
    before, _slot, after = reverse("registro:asiento_detalle", args=[_PK_SLOT]).rpartition(
        str(_PK_SLOT)
    )
    return lambda pk: f"{before}{int(pk)}{after}"


def _book_rows(asientos: list[BookEntry]) -> list[BookRow]:
    """The book's cells computed once in Python: in the template, a ``{% url %}``, two
    filters, a loop over the parties and ``get_estado_display`` (which rebuilds and
    translates the choices) on each of 50 rows were most of the page's CPU."""
    estados = {value: str(label) for value, label in EstadoAsiento.choices}
    url_of = _asiento_url_maker()
    return [
        BookRow(
            url=url_of(a.pk),
            numero=a.numero,
            presented=fecha_hora(a.presented_at),
            effective=fecha_hora_minutos(a.effective_at),
            interesados=format_html_join(
                mark_safe("<br>"),  # noqa: S308 - a constant
                "{} ({})",
                ((p.nombre, p.nif) for p in a.book_partes),
            ),
            unidad=a.unidad.name if a.unidad is not None else "",
            resumen=a.resumen,
            estado=estados.get(a.estado, a.estado),
        )
        for a in asientos
    ]


@staff_only
def reimprimir(request):
    """Reprint the receipt of ANY entry found by its exact number (a citizen brings it).

    Another office's entry is audited; nothing but the receipt is shown."""
    form = ReprintForm(request.GET or None)
    if not (form.is_bound and form.is_valid()):
        return render(request, "registro/reimprimir.html", {"form": form}, status=200)
    asiento = asiento_by_numero_for_reprint(request.user, form.cleaned_data["numero"])
    if asiento is None:
        form.add_error("numero", _("No consta ningún asiento con ese número."))
        return render(request, "registro/reimprimir.html", {"form": form}, status=404)
    if not asiento_in_scope(request.user, asiento):
        _audit_foreign_lookup(request, asiento, "registro.justificante.reimpresion_otra_oficina")
    data = sealed_receipt_bytes(asiento) if asiento.is_sealed else None
    if data is None:
        data = render_receipt_pdf(asiento)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt_filename(asiento)}"'
    return response


def _print_items(asientos) -> list[dict]:
    return [receipt_context(a, csv=a.justificante_csv) for a in asientos]


@login_required
def imprimir(request, pk: int):
    """Print view (A4) of one receipt, for whoever may read the entry."""
    asiento = asiento_get_for(request.user, pk)
    if asiento is None:
        raise Http404
    return render(
        request,
        "registro/imprimir.html",
        {
            "items": _print_items([asiento]),
            "title": _("Justificante de registro %(numero)s") % {"numero": asiento.numero},
            "back_url": reverse("registro:asiento_detalle", args=[asiento.pk]),
        },
    )


@staff_only
def justificantes_dia(request):
    """Batch reprint: every receipt an office registered on a day, one per A4 page."""
    oficinas = oficinas_for_registering(request.user)
    form = ReceiptsOfDayForm(
        request.GET or None, oficinas=oficinas, initial={"fecha": timezone.localdate()}
    )
    if not (form.is_bound and form.is_valid()):
        return render(request, "registro/justificantes_dia.html", {"form": form})
    oficina, day = form.cleaned_data["oficina"], form.cleaned_data["fecha"]
    asientos = asientos_of_office_day(user=request.user, oficina=oficina, day=day)
    return render(
        request,
        "registro/imprimir.html",
        {
            "items": _print_items(asientos),
            "title": _("Justificantes de %(oficina)s del %(dia)s")
            % {"oficina": oficina.name, "dia": date_format(day, "SHORT_DATE_FORMAT")},
            "back_url": reverse("registro:justificantes_dia"),
            "empty": not asientos,
        },
    )


def _apply_errors(form, exc: ValidationError, mapping: dict[str, str]) -> None:
    for field, messages in exc.message_dict.items():
        target = mapping.get(field)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


def _form_key(request) -> str:
    """A key per form shown: submitting the same form twice registers it once."""
    key = request.POST.get("idempotency_key", "")
    return key if key.isalnum() and len(key) == 32 else uuid.uuid4().hex


def _desk_key(request) -> str | None:
    key = request.POST.get("idempotency_key", "")
    if not (key.isalnum() and len(key) == 32):
        return None
    return f"desk-{request.user.pk}-{key}"


@desk_only
@require_http_methods(["GET", "POST"])
def oficina_entrada(request):
    """District desk (Zuzenean): register a paper submission for a citizen (REG-12)."""
    form = DeskEntradaForm(
        request.POST or None, request.FILES or None, oficinas=oficinas_for_registering(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        key = _desk_key(request)
        done = Asiento.objects.filter(idempotency_key=key).first() if key else None
        if done is not None:  # the same form sent twice: one entry, one sealed copy
            return redirect("registro:asiento_detalle", pk=done.pk)
        try:
            # REG-12: the paper becomes an authentic copy (EE03): ≥200 ppi, CSV, council seal.
            copia = copia_autentica_papel(
                nombre=data["escaneo"].name,
                content=data["escaneo"],
                mime=data["escaneo"].content_type or "",
            )
        except ValueError as exc:
            form.add_error("escaneo", str(exc))
            return _desk_entrada_page(request, form)
        try:
            interesado = interesado_get_or_create(**form.party_data())
            asiento = asiento_register(
                direction=Direccion.ENTRADA,
                oficina=data["oficina"],
                canal=Canal.PRESENCIAL,
                interesados=[interesado],
                unidad_destino=data["unidad_destino"],
                procedimiento=data["procedimiento"],
                resumen=data["resumen"],
                expone=data["expone"],
                solicita=data["solicita"],
                documentos=[copia],
                documentacion_fisica=(
                    DocumentacionFisica.REQUERIDA
                    if data["originales_custodiados"]
                    else DocumentacionFisica.NINGUNA
                ),
                idioma=get_language()[:2],
                registrado_por=request.user,
                idempotency_key=key,
            )
        except ValidationError as exc:
            _apply_errors(form, exc, {"documentos": "escaneo", "nif": "nif"})
        else:
            return redirect("registro:asiento_detalle", pk=asiento.pk)
    return _desk_entrada_page(request, form)


def _desk_entrada_page(request, form):
    return render(
        request,
        "registro/oficina_form.html",
        {
            "form": form,
            "title": _("Registrar un escrito en papel"),
            "entrada": True,
            "idempotency_key": _form_key(request),
        },
    )


@desk_only
@require_http_methods(["GET", "POST"])
def oficina_salida(request):
    """Register an exit (salida) in the same registry (REG-6)."""
    form = DeskSalidaForm(
        request.POST or None, request.FILES or None, oficinas=oficinas_for_registering(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        documentos = []
        if data.get("documento"):
            documentos.append(
                DocumentoNuevo(
                    nombre=data["documento"].name,
                    content=data["documento"],
                    mime=data["documento"].content_type or "",
                )
            )
        try:
            interesado = interesado_get_or_create(**form.party_data())
            asiento = asiento_register(
                direction=Direccion.SALIDA,
                oficina=data["oficina"],
                canal=Canal.PRESENCIAL,
                interesados=[interesado],
                unidad_origen=data["unidad_origen"],
                resumen=data["resumen"],
                documentos=documentos,
                idioma=get_language()[:2],
                registrado_por=request.user,
                idempotency_key=_desk_key(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc, {"documentos": "documento"})
        else:
            return redirect("registro:asiento_detalle", pk=asiento.pk)
    return render(
        request,
        "registro/oficina_form.html",
        {
            "form": form,
            "title": _("Registrar una salida"),
            "entrada": False,
            "idempotency_key": _form_key(request),
        },
    )
