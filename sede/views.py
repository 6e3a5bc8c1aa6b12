"""The citizen's shell of the sede: home, Mi carpeta and the SEDE-2 content pages."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

# Links to other apps as plain paths: those apps may not be built yet, and a {% url %} to a
# missing route would break every page. Basque pages live under /eu/ (i18n_patterns).
CATALOGO_PATH = "catalogo/"
VERIFICAR_PATH = "verificar/"
CALENDARIO_PATH = "calendario/"


def _localised_path(request, path: str) -> str:
    """``path`` (without leading slash) under the current language's prefix."""
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return f"{prefix}/{path}"


def _entry_points(request) -> dict[str, str]:
    return {
        "catalogo_url": _localised_path(request, CATALOGO_PATH),
        "verificar_url": _localised_path(request, VERIFICAR_PATH),
        "calendario_url": _localised_path(request, CALENDARIO_PATH),
    }


def home(request):
    return render(request, "sede/home.html", _entry_points(request))


# Mi carpeta: one section per kind of item. Each app fills its own section by providing a
# selector that returns the items of ``request.user`` (the access rule applied there) and a
# template "sede/mi_carpeta/<key>.html" that lists them; until then the section says that
# there is nothing to show. Keys are stable: they are also the sections' HTML ids.
MI_CARPETA_SECTIONS = [
    ("borradores", gettext_lazy("Mis borradores")),
    ("solicitudes", gettext_lazy("Mis solicitudes presentadas")),
    ("expedientes", gettext_lazy("Mis expedientes")),
    ("notificaciones", gettext_lazy("Mis notificaciones")),
    ("apoderamientos", gettext_lazy("Mis representaciones")),
    ("pagos", gettext_lazy("Mis pagos")),
]


def _mi_carpeta_items(request, key: str) -> list:
    """The items of one Mi carpeta section for the logged-in user (empty until wired)."""
    from .selectors import mi_carpeta_page

    return mi_carpeta_page(request.user, key, request.GET.get(key))


@login_required
def mi_carpeta(request):
    sections = [
        {"key": key, "title": title, "items": _mi_carpeta_items(request, key)}
        for key, title in MI_CARPETA_SECTIONS
    ]
    return render(request, "sede/mi_carpeta.html", {"sections": sections})


@require_POST
def logout(request):
    """Close the session (POST only, so a link or a prefetch cannot log anybody out)."""
    auth_logout(request)
    messages.info(request, _("Ha cerrado la sesión."))
    return redirect("sede:home")


def titularidad(request):
    """SEDE-2, SEDE-3: owner of the sede and its creation act."""
    context = {
        "dir3": settings.COUNCIL_DIR3,
        "creation_act": getattr(settings, "SEDE_CREATION_ACT", ""),
        "site_url": settings.SITE_URL,
    }
    return render(request, "sede/titularidad.html", context)


def identificacion(request):
    """SEDE-2, ID-1, ID-3, ID-4: identification and signature systems accepted."""
    return render(request, "sede/identificacion.html")


def normas_registro(request):
    """SEDE-2, REG-1, REG-2: rules of the electronic registry in plain language."""
    return render(request, "sede/normas_registro.html", _entry_points(request))


def fecha_calendario(request):
    """SEDE-2, TIME-1, TIME-7: official date and time, and the calendar of non-working days."""
    return render(request, "sede/fecha_calendario.html", _entry_points(request))


def accesibilidad(request):
    """SEDE-2: accessibility statement (WCAG 2.1 AA) with contact and complaint route."""
    context = {
        "accessibility_email": getattr(
            settings, "SEDE_ACCESSIBILITY_EMAIL", "accesibilidad@bilbao.eus"
        ),
        "statement_date": date.fromisoformat(
            getattr(settings, "SEDE_ACCESSIBILITY_STATEMENT_DATE", "2026-11-30")
        ),
    }
    return render(request, "sede/accesibilidad.html", context)


def aviso_legal(request):
    """Legal notice and personal data protection."""
    context = {
        "dpo_email": getattr(settings, "SEDE_DPO_EMAIL", "dpd@bilbao.eus"),
        "dir3": settings.COUNCIL_DIR3,
    }
    return render(request, "sede/aviso_legal.html", context)


def incidencias(request):
    """SEDE-2: notices of technical incidents and term extensions (L39 art. 32.4): the ones
    in force and the history of ended ones (published by staff, sede.incidencias)."""
    from .incidencias import avisos_en_vigor, avisos_historial

    context = {"incidents": avisos_en_vigor(), "history": avisos_historial()[:50]}
    return render(request, "sede/incidencias.html", context)


def verificacion(request):
    """SEDE-1, SEDE-2: how to verify the sede certificate, the council's seals and CSV documents."""
    return render(request, "sede/verificacion.html", _entry_points(request))


def quejas(request):
    """SEDE-2: complaints and suggestions."""
    return render(request, "sede/quejas.html")


def mapa(request):
    """Map of the sede: every page, including the SEDE-2 minimum contents."""
    return render(request, "sede/mapa.html", _entry_points(request))


def oficinas(request):
    """SEDE-2: the geographic directory of registry assistance offices, from the data staff
    edit (address, hours, services, a plain map link: no embedded map, no external script)."""
    from registro.selectors import oficinas_published

    return render(request, "sede/oficinas.html", {"oficinas": list(oficinas_published())})
