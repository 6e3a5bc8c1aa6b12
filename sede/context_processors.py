"""Context shared by every page: council identity, official time, language links, identity.

Settings read here (all optional; defaults below):

- ``SEDE_OFFICIAL_TIME_ZONE``: the zone of the sede's official time (TIME-1), "Europe/Madrid".
- ``SEDE_TIME_SOURCE``: the reference the servers' clocks are synchronised with over NTP,
  "Real Instituto y Observatorio de la Armada" (TIME-1). A proper name, shown untranslated.
- ``SEDE_TIME_NTP_SERVER``: the NTP server named in the note, "hora.roa.es".
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.templatetags.tz import do_timezone
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.html import format_html

DEFAULT_TIME_ZONE = "Europe/Madrid"
DEFAULT_TIME_SOURCE = "Real Instituto y Observatorio de la Armada"
DEFAULT_NTP_SERVER = "hora.roa.es"

# Each language is named in itself, so a reader finds theirs whatever the page's language.
LANGUAGE_SELF_NAMES = {"es": "Castellano", "eu": "Euskara"}


def official_now():
    """The sede's official date and time (TIME-1): server time in Europe/Madrid."""
    zone = ZoneInfo(getattr(settings, "SEDE_OFFICIAL_TIME_ZONE", DEFAULT_TIME_ZONE))
    # Like the |timezone filter: marked so that templates do not convert it to the active zone.
    return do_timezone(timezone.now(), zone)


def _path_in_language(path: str, language: str) -> str:
    """The same page in another language (prefix_default_language=False: es has no prefix)."""
    translated = translate_url(path, language)
    if translated != path:
        return translated
    # translate_url only knows resolvable paths (not a 404): swap the prefix by hand.
    codes = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    bare = path
    for code in codes:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            bare = path[len(code) + 1 :] or "/"
            break
    if language == settings.LANGUAGE_CODE:
        return bare
    return f"/{language}{bare}"


def _language_links(request) -> list[dict]:
    path = request.get_full_path() if request is not None else "/"
    current = translation.get_language()
    return [
        {
            "code": code,
            "name": LANGUAGE_SELF_NAMES.get(code, code),
            "url": _path_in_language(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


def _identification(request) -> dict | None:
    """Name, method and level of assurance of the person logged in, for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    from identidad.constants import MetodoIdentificacion, NivelGarantia
    from identidad.session import identification_level, identification_method

    method = identification_method(request)
    level = identification_level(request)
    try:
        method_label = MetodoIdentificacion(method).label if method else ""
    except ValueError:
        method_label = ""
    try:
        level_label = NivelGarantia(level).label
    except ValueError:
        level_label = ""
    name = getattr(user, "full_name", "") or user.get_full_name() or user.get_username()
    return {"name": name, "method": method_label, "level": level_label}


def sede(request):
    """Council identity and the official date and time (TIME-1) for every page."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "council_name_eu": settings.COUNCIL_NAME_EU,
        "official_now": official_now(),
        # A proper name in Spanish: marked as such inside Basque sentences (WCAG 3.1.2).
        "time_source": format_html(
            '<span lang="es">{}</span>', getattr(settings, "SEDE_TIME_SOURCE", DEFAULT_TIME_SOURCE)
        ),
        "time_ntp_server": getattr(settings, "SEDE_TIME_NTP_SERVER", DEFAULT_NTP_SERVER),
        "language_links": _language_links(request),
        "identification": _identification(request),
        # Called by the template only (cached list, dropped on every change: shown at once).
        "incident_notices": _incident_notices,
    }


def _incident_notices():
    from .incidencias import avisos_en_vigor

    return avisos_en_vigor()
