"""Publication checks: what depends on a form and what a new version does to it.

``procedimientos`` knows nothing of the apps that keep answers to its forms (a citizen's drafts
live in ``sede``, which nothing may import). Those apps register a :class:`PublishCheck` here in
their ``AppConfig.ready()``; publishing a version (``versiones.version_publish``) asks each one
what the new version would break, refuses to publish when something would break and the
publisher did not choose to migrate, and lets each one apply the publication inside the
publishing transaction (move drafts to the new version, migrating them when chosen).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .cambios import Rotura

if TYPE_CHECKING:
    from ..models import FormularioVersion


@dataclass(frozen=True)
class Afectado:
    """One thing that depends on the form (e.g. a citizen's draft, by a reference that does not
    identify the person) and what the new version would break in it."""

    ref: str
    roturas: tuple[Rotura, ...] = ()


@dataclass(frozen=True)
class Impacto:
    """What one check found: how many items depend on the older versions, and the broken ones."""

    check: str
    label: Any  # lazy translated, e.g. "Borradores de la ciudadanía en curso"
    total: int = 0
    afectados: tuple[Afectado, ...] = ()

    @property
    def compatibles(self) -> int:
        return self.total - len(self.afectados)

    def resumen(self) -> list[tuple[Rotura, int]]:
        """Each distinct break (kind + field) with the number of items it affects."""
        counts: Counter[tuple[str, str]] = Counter()
        first: dict[tuple[str, str], Rotura] = {}
        for item in self.afectados:
            seen = set()
            for r in item.roturas:
                key = (r.kind, _generic(r.pointer))
                if key in seen:
                    continue
                seen.add(key)
                counts[key] += 1
                first.setdefault(key, r)
        return [(first[k], n) for k, n in sorted(counts.items(), key=lambda kv: kv[0][1])]


def _generic(pointer: str) -> str:
    return "/".join("*" if p.isdigit() else p for p in pointer.split("/"))


class PublishCheck(Protocol):
    key: str
    label: Any

    def impacto(self, *, nueva: FormularioVersion) -> Impacto:
        """What publishing ``nueva`` would do (read only)."""
        ...

    def aplicar(self, *, nueva: FormularioVersion, migrar: bool, by: Any) -> dict[str, int]:
        """Called inside the publishing transaction once ``nueva`` is published."""
        ...


_checks: dict[str, PublishCheck] = {}


def register_publish_check(check: PublishCheck) -> PublishCheck:
    _checks[check.key] = check
    return check


def publish_checks() -> list[PublishCheck]:
    return list(_checks.values())


@dataclass
class Evaluacion:
    impactos: list[Impacto] = field(default_factory=list)

    @property
    def rompe(self) -> bool:
        return any(i.afectados for i in self.impactos)

    @property
    def total(self) -> int:
        return sum(i.total for i in self.impactos)


def evaluar_publicacion(nueva: FormularioVersion) -> Evaluacion:
    """Ask every registered check what publishing ``nueva`` would do."""
    return Evaluacion([check.impacto(nueva=nueva) for check in publish_checks()])


__all__ = [
    "Afectado",
    "Evaluacion",
    "Impacto",
    "PublishCheck",
    "evaluar_publicacion",
    "publish_checks",
    "register_publish_check",
]
