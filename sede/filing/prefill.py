"""Prefill of a draft from the registered sources (``procedimientos.formularios.prefill``).

A property asks for a value with ``"x-prefill": {"source": "<id>", "key": "<key>",
"editable": true|false}`` (on a field, on an object whose fields then take the object's
members, or on an array shown as a repeatable group). Forms written before x-prefill keep their
implicit prefill, now through the same sources: ``solicitante`` from ``identificacion``,
``representante`` from ``representante`` and ``notificacion.email`` from the representative, if
any, else the interesado.

- When a draft is created, and when a step is shown, every x-prefill field still empty and never
  prefilled is asked of its source. What was filled is recorded per pointer in
  ``Borrador.prefill`` ({pointer: {source, key, editable, reference, value}}), never in the
  answers themselves.
- The step page says where each prefilled value came from and, when ``editable`` is false,
  shows it read-only; ``enforce`` puts the recorded value back into whatever was posted (the
  server is the judge).
- A source that fails (missing file, timeout, any exception) is logged and leaves its fields
  empty: the form never breaks because of a source.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html
from django.utils.translation import gettext as _

from procedimientos.formularios.prefill import FUENTES, Dato

from .engine import Definition, condition_holds
from .pointers import MISSING, get, parts, put

logger = logging.getLogger(__name__)

EMPTY: tuple[Any, ...] = (MISSING, None, "", [], {})


@dataclass(frozen=True)
class Peticion:
    """What one pointer asks for: (source, key) candidates in order, and whether it may change."""

    pointer: str
    candidates: tuple[tuple[str, str], ...]
    editable: bool = True


@dataclass(frozen=True)
class Contexto:
    """Who the data is for. ``person`` is None when an official files for the citizen."""

    person: Any
    interesado: Any
    procedimiento: Any


def contexto_of(borrador) -> Contexto:
    from apoderamientos.decision import person_interesado

    if borrador.asistida:
        return Contexto(None, borrador.on_behalf_of, borrador.procedimiento)
    return Contexto(
        borrador.user,
        borrador.on_behalf_of or person_interesado(borrador.user),
        borrador.procedimiento,
    )


# --- What a form asks for ---------------------------------------------------------------


def _explicit(schema: Mapping, base: str = "") -> Iterable[Peticion]:
    for key, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, Mapping):
            continue
        pointer = f"{base}/{key}"
        spec = prop.get("x-prefill")
        if isinstance(spec, Mapping) and spec.get("source"):
            yield Peticion(
                pointer=pointer,
                candidates=((str(spec["source"]), str(spec.get("key") or key)),),
                editable=bool(spec.get("editable", True)),
            )
        elif prop.get("type") == "object":
            yield from _explicit(prop, pointer)


def peticiones(schema: Mapping) -> list[Peticion]:
    """Every pointer the form asks to prefill (explicit x-prefill, then the implicit ones)."""
    out = list(_explicit(schema))
    taken = {p.pointer for p in out}

    def free(pointer: str) -> bool:
        return not any(
            pointer == t or pointer.startswith(t + "/") or t.startswith(pointer + "/")
            for t in taken
        )

    props = schema.get("properties") or {}
    for block, source in (("solicitante", "identificacion"), ("representante", "representante")):
        for key in (props.get(block) or {}).get("properties") or {}:
            if free(f"/{block}/{key}"):
                out.append(Peticion(f"/{block}/{key}", ((source, key),)))
    notificacion = (props.get("notificacion") or {}).get("properties") or {}
    if "email" in notificacion and free("/notificacion/email"):
        out.append(
            Peticion(
                "/notificacion/email",
                (("representante", "email"), ("identificacion", "email")),
            )
        )
    return out


# --- Asking the sources -----------------------------------------------------------------


class _Answers:
    """Each source asked at most once per fill; a failing source answers nothing."""

    def __init__(self, ctx: Contexto):
        self.ctx = ctx
        self.cache: dict[str, Mapping[str, Any]] = {}

    def _values(self, source: str) -> Mapping[str, Any]:
        if source not in self.cache:
            fuente = FUENTES.get(source)
            if fuente is None:
                logger.warning("prefill: unknown source %r", source)
                self.cache[source] = {}
            else:
                try:
                    self.cache[source] = fuente.values(
                        person=self.ctx.person,
                        interesado=self.ctx.interesado,
                        procedimiento=self.ctx.procedimiento,
                    )
                except Exception:  # a source never breaks the form
                    logger.warning("prefill: source %r failed", source, exc_info=True)
                    self.cache[source] = {}
        return self.cache[source]

    def get(self, source: str, key: str) -> Dato | None:
        try:
            value = self._values(source).get(key)
        except Exception:
            logger.warning("prefill: source %r failed for %r", source, key, exc_info=True)
            self.cache[source] = {}
            return None
        if isinstance(value, Dato):
            return value if value.value not in EMPTY else None
        return None if value in EMPTY else Dato(value=value)


def _fits(schema: Mapping | None, value: Any) -> Any:
    """The value as the form holds it: a number or a flag as text in a text field, and of an
    object (or of each item of an array) only the members the form has — a register's extra
    data never lands in the answers where the citizen cannot see or correct it."""
    if not schema:
        return copy.deepcopy(value)
    kind = schema.get("type")
    if kind == "string" and isinstance(value, bool | int | float):
        return str(value)
    if kind == "object" and isinstance(value, Mapping) and schema.get("properties"):
        props = schema["properties"]
        return {k: _fits(props[k], v) for k, v in value.items() if k in props and v not in EMPTY}
    if kind == "array" and isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [_fits(schema["items"], item) for item in value]
    return copy.deepcopy(value)


def fill(
    definition: Definition,
    ctx: Contexto,
    data: dict,
    records: dict,
    *,
    only: Iterable[str] | None = None,
) -> bool:
    """Fill (in place) the asked pointers still empty and never prefilled. True if any was."""
    from .pointers import subschema

    wanted = set(only) if only is not None else None
    answers = _Answers(ctx)
    changed = False
    for peticion in peticiones(definition.schema):
        pointer = peticion.pointer
        if wanted is not None and not any(
            pointer == w or pointer.startswith(w + "/") or w.startswith(pointer + "/")
            for w in wanted
        ):
            continue
        if pointer in records or get(data, pointer, MISSING) not in EMPTY:
            continue
        for source, key in peticion.candidates:
            dato = answers.get(source, key)
            if dato is None:
                continue
            value = _fits(subschema(definition.schema, pointer), dato.value)
            put(data, pointer, value)
            records[pointer] = {
                "source": source,
                "key": key,
                "editable": peticion.editable,
                "reference": dato.reference,
                "value": copy.deepcopy(value),
            }
            changed = True
            break
    return changed


def initial(definition: Definition, ctx: Contexto) -> tuple[dict, dict]:
    """The answers and provenance records a new draft starts with."""
    data: dict = {}
    records: dict = {}
    fill(definition, ctx, data, records)
    props = definition.schema.get("properties") or {}
    notificacion = props.get("notificacion") or {}
    if get(data, "/notificacion/email", MISSING) not in EMPTY and "canal" in (
        notificacion.get("properties") or {}
    ):
        data["notificacion"].setdefault("canal", "electronica")
    if "actua_por_representante" in props and any(p.startswith("/representante/") for p in records):
        data["actua_por_representante"] = True
    return data, records


# --- Read-only values -------------------------------------------------------------------


def _dropped(definition: Definition, pointer: str, data: Any) -> bool:
    """Whether the pointer lies in a fieldset whose condition does not hold (its answers are
    dropped by the engine, so a read-only value must not come back there either)."""
    for step in definition.steps:
        for fs in step.fieldsets:
            owned = [fs.repeat["path"]] if fs.repeat else fs.spec["fields"]
            inside = any(
                pointer == o or pointer.startswith(o + "/") or o.startswith(pointer + "/")
                for o in owned
            )
            if inside and fs.condition and not condition_holds(fs.condition, data):
                return True
    return False


def enforce(definition: Definition, records: Mapping, data: dict) -> dict:
    """``data`` with every read-only prefilled value put back as it was prefilled."""
    for pointer, record in records.items():
        if record.get("editable", True) or _dropped(definition, pointer, data):
            continue
        if get(data, pointer, MISSING) != record["value"]:
            logger.info("prefill: a changed read-only value at %s was ignored", pointer)
            put(data, pointer, copy.deepcopy(record["value"]))
    return data


# --- What the citizen sees ----------------------------------------------------------------


def record_for(records: Mapping, pointer: str) -> tuple[dict, Any] | None:
    """The record that filled ``pointer`` (itself or an enclosing object or array) and the
    value it gave to that pointer."""
    if pointer in records:
        return records[pointer], records[pointer]["value"]
    keys = parts(pointer)
    for n in range(len(keys) - 1, 0, -1):
        ancestor = "/" + "/".join(keys[:n])
        if ancestor in records:
            record = records[ancestor]
            rest = "/" + "/".join(keys[n:])
            return record, get(record["value"], rest, MISSING)
    return None


def provenance(record: Mapping) -> str:
    fuente = FUENTES.get(record.get("source", ""))
    reference = str(record.get("reference") or "")
    if fuente is not None and hasattr(fuente, "provenance"):
        return str(fuente.provenance(reference))
    label = getattr(fuente, "label_es", record.get("source", ""))
    from django.utils.translation import get_language

    if fuente is not None and (get_language() or "").startswith("eu"):
        label = fuente.label_eu or label
    return _("Dato obtenido de: %(fuente)s") % {"fuente": label}


def note(record: Mapping) -> str:
    """«Dato del padrón municipal. Puede cambiarlo si no es correcto.»"""
    where = provenance(record)
    if record.get("editable", True):
        return _("%(origen)s. Puede cambiarlo si no es correcto.") % {"origen": where}
    return _("%(origen)s. Este dato no se puede cambiar en este formulario.") % {"origen": where}


def annotate(form, records: Mapping, data: Any) -> None:
    """Mark the prefilled fields of a step form: where the value came from (read out with the
    field, as part of its help text) and, when it may not change, read-only."""
    from django.forms import CheckboxInput, CheckboxSelectMultiple, RadioSelect, Select

    from ..forms import _initial

    for name, spec in form.specs.items():
        found = record_for(records, spec.pointer)
        if found is None:
            continue
        record, value = found
        locked = not record.get("editable", True)
        if value is MISSING or (not locked and get(data, spec.pointer, MISSING) != value):
            continue  # the citizen changed it: it no longer comes from the source
        field = form.fields[name]
        # A repeatable group filled as a whole says it once, above the groups (block_note).
        in_group = spec.pointer not in records and isinstance(record["value"], list)
        if not in_group:
            help_text = str(field.help_text or "")
            text = note(record)
            field.help_text = (
                format_html('{} <span class="field__prefill">{}</span>', help_text, text)
                if help_text
                else format_html('<span class="field__prefill">{}</span>', text)
            )
        if not locked:
            continue
        holder: dict = {}
        put(holder, spec.pointer, value)
        field.initial = _initial(spec, holder)
        if isinstance(field.widget, CheckboxInput | CheckboxSelectMultiple | RadioSelect | Select):
            field.disabled = True  # not sent: enforce() puts the value back
        else:
            field.widget.attrs["readonly"] = True
            if form.is_bound:
                form.data = form.data.copy()
                form.data[name] = field.initial if field.initial is not None else ""


def locked(records: Mapping, pointer: str) -> bool:
    record = records.get(pointer)
    return record is not None and not record.get("editable", True)


def block_note(records: Mapping, path: str, data: Any) -> str:
    """The note of a repeatable group filled as a whole (e.g. the household from the padrón)."""
    record = records.get(path)
    if record is None:
        return ""
    if record.get("editable", True) and get(data, path, MISSING) != record["value"]:
        return ""
    return note(record)
