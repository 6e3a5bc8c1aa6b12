"""Evidence and plan-progress indicators that other apps declare (procedimientos imports none
of them). Each app may keep an ``indicadores.py`` module, discovered at start-up like
``admin.py``, that registers:

* **evidence** (:func:`register_evidence`): a function returning the ids of the procedures for
  which something exists — ``"firma"`` (the sede can take its application signed),
  ``"tramitacion"`` (case files are processed electronically), ``"notificacion"`` (electronic
  notifications are made); all three are declared by ``sede/indicadores.py`` today. The
  derived digitisation level (:func:`nivel_derivado`) uses them.
* **proxies** (:func:`register_proxy`): a function computing an action's progress from data,
  with the formula stated (docs/catalogo.md lists them). Actions without one keep the value
  typed by staff, shown as *declared*.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .constants import NivelDigitalizacion

# The general application (instancia general): filing through it is level 2, never "specific
# form", whatever form it has (CAT-4: it is everybody's form).
INSTANCIA_GENERAL_CODE = "instancia-general"

EVIDENCE_KINDS = ("firma", "tramitacion", "notificacion")


@dataclass(frozen=True)
class Proxy:
    action_code: str
    formula: Any  # lazy translated text of the formula
    compute: Callable[[], tuple[int, int]]  # (numerator, denominator)


@dataclass(frozen=True)
class ProxyValue:
    progress: Decimal
    numerator: int
    denominator: int
    formula: Any


_evidence: dict[str, list[Callable[[], Iterable[int]]]] = {k: [] for k in EVIDENCE_KINDS}
_proxies: dict[str, Proxy] = {}


def register_evidence(kind: str, provider: Callable[[], Iterable[int]]) -> None:
    if kind not in _evidence:
        raise ValueError(f"Unknown evidence kind {kind!r}; expected one of {EVIDENCE_KINDS}")
    _evidence[kind].append(provider)


def register_proxy(proxy: Proxy) -> Proxy:
    _proxies[proxy.action_code] = proxy
    return proxy


def proxies() -> dict[str, Proxy]:
    return dict(_proxies)


def evidence(kind: str) -> set[int]:
    """The ids of the procedures with evidence of ``kind`` (one query per provider)."""
    found: set[int] = set()
    for provider in _evidence.get(kind, []):
        found.update(provider())
    return found


def proxy_value(proxy: Proxy) -> ProxyValue:
    num, den = proxy.compute()
    progress = (
        (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if den
        else Decimal("0.00")
    )
    return ProxyValue(progress=progress, numerator=num, denominator=den, formula=proxy.formula)


@dataclass(frozen=True)
class Evidencias:
    """What exists, read once for the whole catalogue."""

    own_form: frozenset[int]
    generic_route: bool
    firma: frozenset[int]
    tramitacion: frozenset[int]
    notificacion: frozenset[int]

    @classmethod
    def load(cls) -> Evidencias:
        from .constants import EstadoFormulario
        from .models import FormularioVersion

        published = FormularioVersion.objects.filter(status=EstadoFormulario.PUBLICADO)
        own = set(
            published.exclude(procedimiento__code=INSTANCIA_GENERAL_CODE).values_list(
                "procedimiento_id", flat=True
            )
        )
        return cls(
            own_form=frozenset(own),
            generic_route=published.filter(procedimiento__code=INSTANCIA_GENERAL_CODE).exists(),
            firma=frozenset(evidence("firma")),
            tramitacion=frozenset(evidence("tramitacion")),
            notificacion=frozenset(evidence("notificacion")),
        )


def nivel_derivado(
    *, pk: int, code: str, declared: int, signature_required: bool, ev: Evidencias
) -> int:
    """The digitisation level the data supports (docs/catalogo.md "Derived level"):

    * 0–1 (information, downloadable form): nothing in the platform to check — the declared
      value, capped at 1;
    * 2: it can be filed online — through its own published form, or (when it is offered
      online, declared 2 or more) through the general application;
    * 3: it has its own published form (the general application never counts as one) and,
      if it needs a signature, the sede can take it signed;
    * 4: as 3, and its case files are processed and notified electronically.
    """
    level = min(declared, NivelDigitalizacion.FORMULARIO_DESCARGABLE)
    own = pk in ev.own_form and code != INSTANCIA_GENERAL_CODE
    offered_online = declared >= NivelDigitalizacion.INSTANCIA_GENERAL
    if own or (offered_online and ev.generic_route):
        level = NivelDigitalizacion.INSTANCIA_GENERAL
    if own and ((not signature_required) or pk in ev.firma):
        level = NivelDigitalizacion.FORMULARIO_ESPECIFICO
        if pk in ev.tramitacion and pk in ev.notificacion:
            level = NivelDigitalizacion.EXTREMO_A_EXTREMO
    return int(level)


def _procedures_with_specific_form() -> tuple[int, int]:
    from .models import Procedimiento

    ev = Evidencias.load()
    rows = Procedimiento.objects.filter(active=True, is_example=False).values_list(
        "pk", "code", "digitisation_level", "signature_required"
    )
    total = with_form = 0
    for pk, code, declared, signature in rows:
        total += 1
        derived = nivel_derivado(
            pk=pk, code=code, declared=declared, signature_required=signature, ev=ev
        )
        with_form += derived >= NivelDigitalizacion.FORMULARIO_ESPECIFICO
    return with_form, total


def _register_own() -> None:
    from django.utils.translation import gettext_lazy as _

    register_proxy(
        Proxy(
            action_code="procedimientos-sede",
            formula=_(
                "Procedimientos vigentes con formulario electrónico específico publicado (nivel "
                "derivado 3 o más) / procedimientos vigentes del catálogo."
            ),
            compute=_procedures_with_specific_form,
        )
    )


_register_own()
