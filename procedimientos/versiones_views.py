"""Staff pages of the form workflow: versions of a procedure, one version with the actions the
user may take, the unit head's review tray, and the difference between two versions.

Thin: authorise (``formularios.consultas``: anyone without the role or outside its scope gets a
404), call one service (``formularios.versiones``), render. No JavaScript needed.
"""

from __future__ import annotations

from functools import wraps
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from identidad.models import User

from .constants import (
    ESTADOS_FORMULARIO_EN_CURSO,
    PERMISO_APROBAR_FORMULARIOS,
    PERMISO_EDITAR_FORMULARIOS,
    EstadoFormulario,
)
from .formularios import consultas, versiones
from .formularios.cambios import diff_formularios
from .models import FormularioVersion

PAGE_SIZE = 50


def _forms_staff(view):
    """Signed-in active staff holding a role of the form workflow; anyone else: 404."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (
            user.is_active
            and user.is_staff
            and (
                user.has_perm(PERMISO_EDITAR_FORMULARIOS)
                or user.has_perm(PERMISO_APROBAR_FORMULARIOS)
            )
        ):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _lang() -> str:
    return (get_language() or "es")[:2]


def _version_or_404(request, pk: int) -> FormularioVersion:
    try:
        return consultas.version_visible_get(request.user, pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _procedimiento_or_404(request, code: str):
    try:
        return consultas.procedimiento_visible_get(request.user, code)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _editor_url(version: FormularioVersion) -> str:
    """The builder's page for a draft (issue 16, item 1)."""
    try:
        return reverse("procedimientos:builder_edit", args=[version.pk])
    except NoReverseMatch:
        return ""


@_forms_staff
def formulario_indice(request: HttpRequest) -> HttpResponse:
    """The procedures whose forms the user works on, with their published version and the one
    on its way (if any)."""
    q = (request.GET.get("q") or "").strip()
    qs = consultas.procedimientos_visibles(request.user).select_related("unit")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(title_es__icontains=q) | Q(title_eu__icontains=q))
    versions = FormularioVersion.objects.filter(procedimiento=OuterRef("pk"))
    qs = qs.annotate(
        publicada=Subquery(
            versions.filter(status=EstadoFormulario.PUBLICADO).values("version")[:1]
        ),
        en_curso=Subquery(
            versions.filter(status__in=ESTADOS_FORMULARIO_EN_CURSO)
            .order_by("-version")
            .values("status")[:1]
        ),
    ).order_by("title_es", "code")
    page = Paginator(qs.only("code", "title_es", "title_eu", "unit"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "procedimientos/formularios/indice.html",
        {
            "page": page,
            "q": q,
            "estados": dict(EstadoFormulario.choices),
            "revisa": request.user.has_perm(PERMISO_APROBAR_FORMULARIOS),
        },
    )


@_forms_staff
def formulario_revisiones(request: HttpRequest) -> HttpResponse:
    """The unit head's tray: versions of their units awaiting approval."""
    if not request.user.has_perm(PERMISO_APROBAR_FORMULARIOS):
        raise Http404
    return render(
        request,
        "procedimientos/formularios/revisiones.html",
        {"versiones": list(consultas.bandeja_revision(request.user)[:200])},
    )


@_forms_staff
def formulario_versiones(request: HttpRequest, code: str) -> HttpResponse:
    proc = _procedimiento_or_404(request, code)
    return render(
        request,
        "procedimientos/formularios/versiones.html",
        {
            "proc": proc,
            "versiones": list(consultas.versiones_de(proc)),
            "en_curso": consultas.version_en_curso(proc),
            "puede_editar": consultas.puede_editar(request.user, proc),
        },
    )


@_forms_staff
def formulario_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(request, pk)
    proc = version.procedimiento
    acciones = consultas.acciones_permitidas(request.user, version)
    evaluacion = None
    if acciones[consultas.PUBLICAR]:
        evaluacion = versiones.evaluar(version)
    compare_with = (
        FormularioVersion.objects.filter(procedimiento=proc, status=EstadoFormulario.PUBLICADO)
        .exclude(pk=version.pk)
        .values_list("version", flat=True)
        .first()
    ) or (version.basada_en.version if version.basada_en else None)
    return render(
        request,
        "procedimientos/formularios/version.html",
        {
            "version": version,
            "proc": proc,
            "acciones": acciones,
            "historial": list(consultas.historial_de(version)),
            "evaluacion": evaluacion,
            "en_curso": consultas.version_en_curso(proc) if acciones["nuevo_borrador"] else None,
            "compare_with": compare_with,
            "editor_url": _editor_url(version)
            if version.status == EstadoFormulario.BORRADOR
            else "",
            "lang": _lang(),
        },
    )


@_forms_staff
def formulario_version_accion(request: HttpRequest, pk: int, accion: str) -> HttpResponse:
    """POST: send to review, approve, send back (with a comment) or publish."""
    version = _version_or_404(request, pk)
    if accion not in consultas.ACCIONES:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    comment = (request.POST.get("comment") or "")[:4000]
    user = cast(User, request.user)  # signed in: _forms_staff
    try:
        if accion == consultas.ENVIAR:
            versiones.version_send_to_review(version=version, by=user, comment=comment)
            messages.success(request, _("Versión enviada a revisión."))
        elif accion == consultas.APROBAR:
            versiones.version_approve(version=version, by=user, comment=comment)
            messages.success(request, _("Versión aprobada: ya se puede publicar."))
        elif accion == consultas.DEVOLVER:
            versiones.version_return(version=version, by=user, comment=comment)
            messages.success(request, _("Versión devuelta a borrador con sus observaciones."))
        else:
            versiones.version_publish(
                version=version,
                by=user,
                comment=comment,
                migrar_borradores=request.POST.get("migrar") == "1",
            )
            messages.success(request, _("Versión publicada."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("procedimientos:formulario_version", pk=version.pk)


@_forms_staff
def formulario_nuevo_borrador(request: HttpRequest, code: str) -> HttpResponse:
    """POST: a new draft of the procedure's form, copied from ``desde`` (a version id) or from
    the published version. When a version is already on its way, go to it."""
    proc = _procedimiento_or_404(request, code)
    if not consultas.puede_editar(request.user, proc):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    desde = None
    if (raw := request.POST.get("desde", "")).isdigit():
        desde = FormularioVersion.objects.filter(procedimiento=proc, pk=int(raw)).first()
        if desde is None:
            raise Http404
    try:
        version = versiones.version_new_draft(
            procedimiento=proc, by=cast(User, request.user), desde=desde
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.info(request, message)
        if exc.code == "en_curso" and exc.params:
            return redirect("procedimientos:formulario_version", pk=exc.params["pk"])
        return redirect("procedimientos:formulario_versiones", code=proc.code)
    messages.success(request, _("Nuevo borrador creado (versión %(v)s).") % {"v": version.version})
    return redirect("procedimientos:formulario_version", pk=version.pk)


def _pick(versions: dict[int, FormularioVersion], raw, default):
    try:
        return versions.get(int(raw), default)
    except (TypeError, ValueError):
        return default


@_forms_staff
def formulario_diff(request: HttpRequest, code: str) -> HttpResponse:
    """The difference between two versions (``?a=<n>&b=<n>``): by default the published one and
    the latest."""
    proc = _procedimiento_or_404(request, code)
    versions = {v.version: v for v in FormularioVersion.objects.filter(procedimiento=proc)}
    if not versions:
        raise Http404
    latest = versions[max(versions)]
    published = next((v for v in versions.values() if v.status == EstadoFormulario.PUBLICADO), None)
    default_a = published if published and published is not latest else None
    if default_a is None:
        default_a = latest.basada_en if latest.basada_en_id else versions.get(latest.version - 1)
    b = _pick(versions, request.GET.get("b"), latest)
    a = _pick(versions, request.GET.get("a"), default_a or latest)
    diff = diff_formularios(
        a.schema,
        a.layout,
        b.schema,
        b.layout,
        old_name=_("versión %(v)s") % {"v": a.version},
        new_name=_("versión %(v)s") % {"v": b.version},
    )
    return render(
        request,
        "procedimientos/formularios/diff.html",
        {
            "proc": proc,
            "a": a,
            "b": b,
            "diff": diff,
            "choices": sorted(versions.values(), key=lambda v: -v.version),
            "lang": _lang(),
        },
    )
