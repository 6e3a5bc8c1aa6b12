"""The grado de avance of the digitisation plan (formula in docs/catalogo.md).

catalogue progress  C = Σ_p w(p) · a(p) / Σ_p w(p)   over active, non-example procedures
    w(p) = 3 high citizen impact · 2 administrative · 1 normal          (priority weight)
    a(p) = min(level(p), target) / target  if the procedure is standardised or published
           (1 when target is 0), else 0
    level(p) = the DERIVED level (procedimientos.indicadores.nivel_derivado): what the data
           supports, never the declared value when that is higher
plan progress       G = Σ_a weight(a) · progress(a) / Σ_a weight(a)
    progress(a) = C for the actions whose progress comes from the catalogue,
                  the proxy computed from data where one is registered (indicadores.py),
                  the recorded (declared) value for the others.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from identidad.constants import TipoUnidad
from identidad.models import Unidad

from .constants import (
    ESTADOS_ADAPTADOS,
    PESO_PRIORIDAD,
    NivelDigitalizacion,
    OrigenAvance,
)
from .indicadores import Evidencias, nivel_derivado, proxies, proxy_value
from .models import AccionPlan, AvanceReportado, AvanceSnapshot, Procedimiento

TWO = Decimal("0.01")


def _pct(value: Decimal | float) -> Decimal:
    return (Decimal(value) * 100).quantize(TWO, rounding=ROUND_HALF_UP)


def procedure_score(*, level: int, target: int, status: str) -> Decimal:
    """a(p): how far one procedure is towards its target (0..1)."""
    if status not in ESTADOS_ADAPTADOS:
        return Decimal(0)
    if target <= 0:
        return Decimal(1)
    return Decimal(min(level, target)) / Decimal(target)


@dataclass
class Desglose:
    """Numbers of one group (a department or a level) of the catalogue."""

    key: str
    name_es: str
    name_eu: str = ""
    procedures: int = 0
    adapted: int = 0
    weight: Decimal = Decimal(0)
    score: Decimal = Decimal(0)

    @property
    def progress(self) -> Decimal:
        return _pct(self.score / self.weight) if self.weight else Decimal("0.00")

    @property
    def name(self) -> str:
        from .models.i18n import active_lang

        return self.name_eu if active_lang() == "eu" and self.name_eu else self.name_es


@dataclass
class Avance:
    catalogue: Decimal
    overall: Decimal
    procedures: int
    adapted: int
    actions: list[tuple[AccionPlan, Decimal]] = field(default_factory=list)
    by_department: list[Desglose] = field(default_factory=list)
    by_level: list[Desglose] = field(default_factory=list)
    # action code → ("catalogo" | "calculado" | "declarado", ProxyValue or None)
    origins: dict = field(default_factory=dict)
    declared_above: int = 0  # procedures whose declared level is above the derived one

    def detail(self) -> dict:
        return {
            "procedures": self.procedures,
            "adapted": self.adapted,
            "actions": {a.code: str(p) for a, p in self.actions},
            "by_department": {d.key: str(d.progress) for d in self.by_department},
            "by_level": {d.key: d.procedures for d in self.by_level},
            "origins": {code: origin for code, (origin, _v) in self.origins.items()},
            "declared_above": self.declared_above,
        }


def _department_of(unit_id: int, units: dict[int, Unidad]) -> Unidad:
    """The top-level area (child of the council entity) a unit belongs to."""
    unit = units[unit_id]
    while unit.parent_id and unit.parent_id in units:
        parent = units[unit.parent_id]
        if parent.kind == TipoUnidad.ENTIDAD or parent.parent_id is None:
            return unit if parent.kind == TipoUnidad.ENTIDAD else parent
        unit = parent
    return unit


def compute_avance() -> Avance:
    """The indicator from the data, in three queries (procedures, units, actions)."""
    rows = list(
        Procedimiento.objects.filter(active=True, is_example=False).values_list(
            "pk",
            "code",
            "signature_required",
            "unit_id",
            "digitisation_level",
            "target_level",
            "adaptation_status",
            "priority",
        )
    )
    ev = Evidencias.load()
    units = {u.pk: u for u in Unidad.objects.only("id", "parent_id", "kind", "name_es", "name_eu")}
    departments: dict[int, Desglose] = {}
    levels = {
        lvl.value: Desglose(key=str(lvl.value), name_es=str(lvl.label))
        for lvl in NivelDigitalizacion
    }
    total_w = Decimal(0)
    total_s = Decimal(0)
    adapted = 0
    declared_above = 0
    for pk, code, signature, unit_id, declared, target, status, priority in rows:
        level = nivel_derivado(
            pk=pk, code=code, declared=declared, signature_required=signature, ev=ev
        )
        declared_above += declared > level
        w = Decimal(PESO_PRIORIDAD.get(priority, 1))
        s = procedure_score(level=level, target=target, status=status) * w
        total_w += w
        total_s += s
        is_adapted = status in ESTADOS_ADAPTADOS
        adapted += is_adapted
        dept = _department_of(unit_id, units)
        d = departments.setdefault(
            dept.pk, Desglose(key=dept.dir3, name_es=dept.name_es, name_eu=dept.name_eu)
        )
        for group in (d, levels[level]):
            group.procedures += 1
            group.adapted += is_adapted
            group.weight += w
            group.score += s
    catalogue = _pct(total_s / total_w) if total_w else Decimal("0.00")
    actions = []
    origins: dict = {}
    registered = proxies()
    weighted = Decimal(0)
    weights = Decimal(0)
    for action in AccionPlan.objects.all():
        if action.progress_source == OrigenAvance.CATALOGO:
            progress = catalogue
            origins[action.code] = ("catalogo", None)
        elif action.code in registered:
            value = proxy_value(registered[action.code])
            progress = value.progress
            origins[action.code] = ("calculado", value)
        else:
            progress = action.progress
            origins[action.code] = ("declarado", None)
        actions.append((action, Decimal(progress).quantize(TWO)))
        weighted += Decimal(action.weight) * Decimal(progress)
        weights += action.weight
    overall = (weighted / weights).quantize(TWO, rounding=ROUND_HALF_UP) if weights else catalogue
    return Avance(
        catalogue=catalogue,
        overall=overall,
        procedures=len(rows),
        adapted=adapted,
        actions=actions,
        by_department=sorted(departments.values(), key=lambda d: d.name_es),
        by_level=[levels[k] for k in sorted(levels)],
        origins=origins,
        declared_above=declared_above,
    )


@transaction.atomic
def avance_snapshot_take(*, day: date | None = None) -> AvanceSnapshot:
    """Record (or refresh) the computed grado de avance of ``day`` (today by default)."""
    day = day or timezone.localdate()
    avance = compute_avance()
    snapshot, _ = AvanceSnapshot.objects.update_or_create(
        date=day,
        defaults={
            "overall": avance.overall,
            "catalogue": avance.catalogue,
            "detail": avance.detail(),
        },
    )
    return snapshot


@dataclass(frozen=True)
class PuntoHistorico:
    date: date
    value: Decimal
    reported: bool
    catalogue: Decimal | None = None
    source: str = ""


def avance_history() -> list[PuntoHistorico]:
    """Computed snapshots and officially reported values, by date (never mixed)."""
    points = [
        PuntoHistorico(date=s.date, value=s.overall, reported=False, catalogue=s.catalogue)
        for s in AvanceSnapshot.objects.only("date", "overall", "catalogue")
    ]
    points += [
        PuntoHistorico(date=r.date, value=r.value, reported=True, source=r.source)
        for r in AvanceReportado.objects.all()
    ]
    return sorted(points, key=lambda p: (p.date, p.reported))


def avance_history_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "kind", "grado_de_avance", "catalogue_progress", "source"])
    for p in avance_history():
        writer.writerow(
            [
                p.date.isoformat(),
                "reported" if p.reported else "computed",
                str(p.value),
                "" if p.catalogue is None else str(p.catalogue),
                p.source,
            ]
        )
    return out.getvalue()


@transaction.atomic
def plan_import(data: dict) -> dict[str, int]:
    """Load the plan's actions and reported values (``data/plan.yaml``); idempotent."""
    stats = {"acciones": 0, "reportados": 0}
    for i, a in enumerate(data.get("acciones", [])):
        values = {
            "name_es": a["name_es"],
            "name_eu": a.get("name_eu", ""),
            "description_es": a.get("description_es", ""),
            "description_eu": a.get("description_eu", ""),
            "weight": a.get("weight", 1),
            "progress": Decimal(str(a.get("progress", 0))),
            "progress_source": a.get("progress_source", OrigenAvance.MANUAL),
            "status": a.get("status", "pendiente"),
            "order": a.get("order", (i + 1) * 10),
        }
        action = AccionPlan.objects.filter(code=a["code"]).first()
        if action is None:
            action = AccionPlan(code=a["code"], **values)
        elif all(getattr(action, k) == v for k, v in values.items()):
            continue
        else:
            for k, v in values.items():
                setattr(action, k, v)
        action.full_clean()
        action.save()
        stats["acciones"] += 1
    for r in data.get("reportados", []):
        _, created = AvanceReportado.objects.update_or_create(
            date=r["date"],
            defaults={
                "value": Decimal(str(r["value"])),
                "source_es": r["source_es"],
                "source_eu": r.get("source_eu", ""),
                "source_url": r.get("source_url", ""),
            },
        )
        stats["reportados"] += int(created)
    return stats
