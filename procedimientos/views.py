"""Public catalogue pages and the plan progress dashboard (no JavaScript needed)."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .avance import avance_history, avance_history_csv, compute_avance
from .chart import render_chart
from .constants import ESTADOS_ADAPTADOS
from .forms import CatalogoFiltroForm
from .models import AvanceReportado, Procedimiento
from .selectors import (
    materias_with_counts,
    procedimiento_public_get,
    procedimiento_public_list,
    unidades_with_procedures,
)

PAGE_SIZE = 20


def catalogo_list(request: HttpRequest) -> HttpResponse:
    form = CatalogoFiltroForm(
        request.GET or None,
        materias=list(materias_with_counts()),
        unidades=list(unidades_with_procedures()),
    )
    filtro = form.filtro()
    page = Paginator(procedimiento_public_list(filtro), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procedimientos/catalogo_list.html",
        {"form": form, "page": page, "querystring": query.urlencode(), "filtro": filtro},
    )


def procedimiento_detail(request: HttpRequest, code: str) -> HttpResponse:
    proc = procedimiento_public_get(code)
    return render(
        request,
        "procedimientos/procedimiento_detail.html",
        {"proc": proc, "guia": getattr(proc, "guia", None)},
    )


def _avance_context() -> dict:
    avance = compute_avance()
    history = avance_history()
    chart = render_chart(
        history,
        title=_("Evolución del grado de avance"),
        desc=_(
            "Línea: valor calculado cada día a partir de los datos. Rombos: valores "
            "reportados oficialmente, mostrados tal cual."
        ),
        computed_label=_("Calculado"),
        reported_label=_("Reportado"),
    )
    action_rows = [
        {
            "action": action,
            "progress": progress,
            "origin": avance.origins.get(action.code, ("declarado", None))[0],
            "value": avance.origins.get(action.code, ("declarado", None))[1],
        }
        for action, progress in avance.actions
    ]
    return {
        "avance": avance,
        "action_rows": action_rows,
        "history": history,
        "chart": chart,
        "reported": list(AvanceReportado.objects.all()),
    }


def avance_dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "procedimientos/avance.html", _avance_context())


def avance_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(avance_history_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="grado-de-avance.csv"'
    return response


@staff_member_required
def avance_staff(request: HttpRequest) -> HttpResponse:
    """Staff view: the same figures plus each procedure's contribution, to plan the work."""
    pending = (
        Procedimiento.objects.filter(active=True, is_example=False)
        .exclude(adaptation_status__in=ESTADOS_ADAPTADOS)
        .select_related("unit", "adaptation_owner")
        .order_by("priority", "title_es")[:200]
    )
    return render(
        request, "procedimientos/avance_staff.html", {**_avance_context(), "pending": pending}
    )
