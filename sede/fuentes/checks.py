"""System checks of the prefill settings (``manage.py check``): a back-end name with a typo
fails loudly (sede.E001) instead of leaving every form without the register's data; a
configured file that is not there is a warning (sede.W001: the fields are simply empty)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

from .municipales import FicheroJSON, RegistroMunicipal

BACKENDS = ("SEDE_PREFILL_PADRON_BACKEND", "SEDE_PREFILL_TRIBUTOS_BACKEND")


@register(Tags.compatibility, "sede")
def check_prefill_backends(app_configs=None, **kwargs):
    messages = []
    for name in BACKENDS:
        dotted = getattr(settings, name, "")
        try:
            backend = import_string(dotted)
        except ImportError as exc:
            messages.append(
                Error(
                    f"{name}: cannot import {dotted!r} ({exc}).",
                    hint="A dotted path to a sede.fuentes.municipales.RegistroMunicipal.",
                    id="sede.E001",
                )
            )
            continue
        if not (isinstance(backend, type) and issubclass(backend, RegistroMunicipal)):
            messages.append(
                Error(
                    f"{name}: {dotted!r} is not a RegistroMunicipal.",
                    hint="Subclass sede.fuentes.municipales.RegistroMunicipal.",
                    id="sede.E001",
                )
            )
            continue
        if issubclass(backend, FicheroJSON):
            path = getattr(settings, backend.setting, "") or ""
            if path and not Path(path).is_file():
                messages.append(
                    Warning(
                        f"{backend.setting}: {path} does not exist; that prefill source gives "
                        "no data (the fields stay empty).",
                        id="sede.W001",
                    )
                )
    return messages
