"""Reads of the filing flow, with the access rule applied here once: a draft is its author's
only; a submission is visible to who filed it and to the interesado it was filed for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bilbao_sede.pagination import WindowCountPaginator
from identidad.models import User

from .constants import EstadoBorrador
from .models import Borrador, Presentacion

# The generic form, used by procedures that are online without a form of their own
# (digitisation level 2: "tramitación electrónica con la instancia general").
INSTANCIA_GENERAL_CODE = "instancia-general"


def procedimiento_for_filing(code: str):
    """(procedure, published form) for a procedure that can be started online, or
    ``Procedimiento.DoesNotExist`` / ``FormularioVersion.DoesNotExist``.

    A procedure's own form is used when it exists (Ley 39/2015 art. 66.6, CAT-4); otherwise
    the instancia general's, and the entry is still registered for the procedure."""
    from procedimientos.models import FormularioVersion, Procedimiento
    from procedimientos.selectors import formulario_publicado_get

    procedimiento = Procedimiento.objects.select_related("unit").get(code=code, active=True)
    if not procedimiento.can_start_online:
        raise Procedimiento.DoesNotExist
    formulario = formulario_publicado_get(code=code) or formulario_publicado_get(
        code=INSTANCIA_GENERAL_CODE
    )
    if formulario is None:
        raise FormularioVersion.DoesNotExist
    return procedimiento, formulario


def procedimiento_for_assisted_filing(procedimiento):
    """The published form an authorised official uses at the desk for ``procedimiento``: its
    own or the instancia general's (any catalogue procedure can be filed at an office, even
    one not yet offered online). ``FormularioVersion.DoesNotExist`` when there is none."""
    from procedimientos.models import FormularioVersion
    from procedimientos.selectors import formulario_publicado_get

    formulario = formulario_publicado_get(code=procedimiento.code) or formulario_publicado_get(
        code=INSTANCIA_GENERAL_CODE
    )
    if formulario is None:
        raise FormularioVersion.DoesNotExist
    return formulario


def borradores_of(user: User) -> QuerySet[Borrador]:
    return (
        Borrador.objects.filter(user=user, estado=EstadoBorrador.BORRADOR)
        .select_related("procedimiento", "on_behalf_of")
        .order_by("-updated_at")
    )


def borrador_for_user(user: User, public_id) -> Borrador:
    """The user's own open draft; ``Borrador.DoesNotExist`` otherwise (→ 404)."""
    return (
        Borrador.objects.select_related("procedimiento", "formulario", "on_behalf_of")
        .filter(user=user, estado=EstadoBorrador.BORRADOR)
        .get(public_id=public_id)
    )


@dataclass(frozen=True)
class FilingScope:
    """Whose filings a user may see, resolved once per request (REA-2, REA-7): what the
    user filed, what was filed for the user's interesado, and what was filed for anyone whose
    power, in force now, lets the user act in that procedure."""

    user_id: int
    interesados: frozenset[int]  # own + represented in every procedure
    by_procedure: tuple[tuple[frozenset[int], frozenset[int]], ...]  # (interesados, procs)

    def branches(self) -> list[Q]:
        """Each a condition one index serves (user; interesado; interesado + procedure)."""
        out = [Q(user_id=self.user_id)]
        if self.interesados:
            out.append(Q(interesado_id__in=sorted(self.interesados)))
        for interesados, procedures in self.by_procedure:
            out.append(
                Q(interesado_id__in=sorted(interesados), procedimiento_id__in=sorted(procedures))
            )
        return out

    def rule(self) -> Q:
        rule = Q()
        for branch in self.branches():
            rule |= branch
        return rule


def filing_scope(user: User) -> FilingScope:
    """The user's ``FilingScope``, kept on the user object for the rest of the request."""
    from apoderamientos.selectors import interesado_and_representados

    cached = getattr(user, "_sede_filing_scope", None)
    if cached is not None:
        return cached
    own, represented = interesado_and_representados(user)  # one query on PostgreSQL
    interesados = set(represented.everywhere)
    if own is not None:
        interesados.add(own.pk)
    scope = FilingScope(
        user_id=user.pk,
        interesados=frozenset(interesados),
        by_procedure=tuple(represented.procedure_groups()),
    )
    user._sede_filing_scope = scope
    user._sede_interesado = own
    return scope


def _own_interesado(user: User):
    filing_scope(user)
    return user._sede_interesado


def presentaciones_of(user: User) -> QuerySet[Presentacion]:
    """Every filing the user may see (``FilingScope``), newest first. The conditions are
    plain column filters (no correlated subquery), so PostgreSQL serves them from the
    indexes on user and interesado; lists page with ``presentaciones_page``."""
    return (
        Presentacion.objects.filter(filing_scope(user).rule())
        .select_related("procedimiento", "asiento", "interesado")
        .order_by("-submitted_at", "-pk")
    )


def presentacion_for_user(user: User, public_id) -> Presentacion:
    return presentaciones_of(user).get(public_id=public_id)


# --- Mi carpeta ------------------------------------------------------------------------

MI_CARPETA_PAGE_SIZE = 10


# The columns Mi carpeta's lists show (sede/templates/sede/mi_carpeta/*.html): only these
# are read, so each section's query is a fraction of the SQL to build and of the rows to
# turn into objects (Procedimiento alone has some forty columns).
def _PERSON_COLUMNS(path: str) -> tuple[str, ...]:  # noqa: N802 - a constant of a path
    """What ``Interesado.display_name`` reads."""
    return tuple(
        f"{path}__{name}" for name in ("tipo", "nombre", "apellido1", "apellido2", "razon_social")
    )


_TITLE = ("title_es", "title_eu")
_SOLICITUD_COLUMNS = (
    "public_id",
    "submitted_at",
    *(f"procedimiento__{c}" for c in _TITLE),
    "asiento__year",
    "asiento__direction",
    "asiento__seq",
)


@dataclass
class KeysetPage:
    """One page of a list paginated by key ((submitted_at, pk) of the last row shown):
    each page costs the same bounded index reads, however deep; there is no total count."""

    rows: list
    next_cursor: str | None
    is_first: bool
    section_key: str = ""

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor) or not self.is_first


def _cursor_of(presentacion: Presentacion) -> str:
    return f"{presentacion.submitted_at.astimezone(UTC):%Y%m%d%H%M%S%f}_{presentacion.pk}"


def _parse_cursor(value) -> tuple[datetime, int] | None:
    try:
        stamp, pk = str(value).split("_")
        return datetime.strptime(stamp, "%Y%m%d%H%M%S%f").replace(tzinfo=UTC), int(pk)
    except (ValueError, TypeError):
        return None


def presentaciones_page(
    user: User, cursor=None, page_size: int = MI_CARPETA_PAGE_SIZE
) -> KeysetPage:
    """A page of the user's filings after ``cursor``, in ONE query on PostgreSQL: each
    branch of the scope (own by user, by interesado, represented by procedure) is an index
    scan limited to one page, and the page is taken from their UNION — never a scan or a
    count of the whole table, whatever its size. (SQLite, which cannot limit the parts of a
    UNION, gets the same conditions OR-ed: the demo's volumes.)"""
    after = _parse_cursor(cursor) if cursor else None
    keyset = Q()
    if after is not None:
        at, pk = after
        keyset = Q(submitted_at__lt=at) | Q(submitted_at=at, pk__lt=pk)
    scope = filing_scope(user)
    ordering = ("-submitted_at", "-pk")
    limit = page_size + 1
    if connection.features.supports_slicing_ordering_in_compound:
        parts = [
            Presentacion.objects.filter(branch, keyset).order_by(*ordering).values("pk")[:limit]
            for branch in scope.branches()
        ]
        ids = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        qs = Presentacion.objects.filter(pk__in=ids)
    else:
        qs = Presentacion.objects.filter(scope.rule(), keyset)
    rows = list(
        qs.select_related("procedimiento", "asiento", "interesado")
        .only(*_PERSON_COLUMNS("interesado"), *_SOLICITUD_COLUMNS)
        .order_by(*ordering)[:limit]
    )
    next_cursor = _cursor_of(rows[page_size - 1]) if len(rows) > page_size else None
    return KeysetPage(rows=rows[:page_size], next_cursor=next_cursor, is_first=after is None)


def representaciones_of(user: User):
    """The powers the user is party to (poderdante or apoderado): REA-7, nothing else."""
    from apoderamientos.models import Apoderamiento

    return (
        Apoderamiento.objects.visible_to(_own_interesado(user))
        .select_related("apoderado")
        .only("numero", "tipo", "estado", "valid_until", *_PERSON_COLUMNS("apoderado"))
        .prefetch_related("poderdantes")
        .order_by("-registered_at", "-pk")
    )


def expedientes_of(user: User):
    """The person's case files and those of people they represent (expedientes' rule)."""
    from expedientes.selectors import CitizenScope, citizen_expedientes

    scope = filing_scope(user)  # the same people, already resolved for this request
    return (
        citizen_expedientes(
            user, CitizenScope(interesados=scope.interesados, by_procedure=scope.by_procedure)
        )
        .select_related("procedimiento", "flujo")
        .only(
            "identificador",
            "opened_at",
            "estado",
            "fase",
            "flujo__fases",
            *(f"procedimiento__{c}" for c in _TITLE),
        )
        .order_by("-opened_at", "-pk")
    )


def notificaciones_of(user: User):
    """Notifications to the user and to those they represent: pending first (nearest expiry
    first), then the rest, newest first (notificaciones.selectors applies the access rule)."""
    from notificaciones.selectors import Alcance, notificaciones_ordered_for_citizen

    scope = filing_scope(user)  # the same people, already resolved for this request
    return notificaciones_ordered_for_citizen(
        user, Alcance(interesados=scope.interesados, by_procedure=scope.by_procedure)
    )


def pagos_of(user: User):
    """The payments the user made (pagos' own rule: one's own only)."""
    from pagos.selectors import pagos_of_user

    return (
        pagos_of_user(user)
        .select_related(None)  # the list does not show the procedure
        .only("public_id", "concept_es", "concept_eu", "amount_cents", "estado", "created_at")
        .order_by("-created_at", "-pk")
    )


def _borradores_listed(user: User):
    """The user's drafts with the columns Mi carpeta shows (not the answers)."""
    return borradores_of(user).only(
        "public_id",
        "updated_at",
        "expires_at",
        *(f"procedimiento__{c}" for c in _TITLE),
        *_PERSON_COLUMNS("on_behalf_of"),
    )


MI_CARPETA_SOURCES = {
    "borradores": _borradores_listed,
    "expedientes": expedientes_of,
    "notificaciones": notificaciones_of,
    "apoderamientos": representaciones_of,
    "pagos": pagos_of,
}
MI_CARPETA_KEYSET_SOURCES = {"solicitudes": presentaciones_page}


def mi_carpeta_page(user: User, key: str, page_number=None):
    """One page of a Mi carpeta section, or [] for a section without source yet (case
    files, notifications). One query per section whatever the volume: the access rule is
    resolved once per request and applied in SQL; the filings page by key (no count), the
    per-person sections carry their total in the page's query (a window count)."""
    keyset = MI_CARPETA_KEYSET_SOURCES.get(key)
    if keyset is not None:
        page = keyset(user, page_number)
    else:
        source = MI_CARPETA_SOURCES.get(key)
        if source is None:
            return []
        page = WindowCountPaginator(source(user), MI_CARPETA_PAGE_SIZE).get_page(page_number)
    page.section_key = key
    return page


# --- What is left before submitting (reads) ---------------------------------------------


def definition_of(borrador: Borrador):
    """The draft's form definition (shared by the process, ``Definition.of``), kept on the
    form version's instance: a request asks for it several times (validation, the answers
    with attachments, the PDF) and ``Definition.of`` hashes the whole schema each time."""
    from .filing.engine import Definition

    formulario = borrador.formulario
    key = (id(formulario.schema), id(formulario.layout))
    cached = formulario.__dict__.get("_definition")
    if cached is None or cached[0] != key:
        cached = formulario.__dict__["_definition"] = (
            key,
            Definition.of(formulario.schema, formulario.layout),
        )
    return cached[1]


def slot_names(borrador: Borrador, language: str) -> list[dict]:
    out = []
    for i, doc in enumerate(borrador.procedimiento.required_documents or []):
        name = (doc.get("name_eu") if language == "eu" else None) or doc.get("name_es", "")
        out.append({"slot": str(i), "name": name, "mandatory": doc.get("mandatory", True)})
    return out


def data_with_attachments(borrador: Borrador, adjuntos: list, language: str) -> dict:
    """The answers with each attachments array (fields with contentMediaType) filled from
    the uploaded attachments: {"tipo": document name, "fichero": "sha256:<hex>"}."""
    import copy

    from .filing.pointers import put

    definition = definition_of(borrador)
    data = copy.deepcopy(borrador.data)
    names = {s["slot"]: s["name"] for s in slot_names(borrador, language)}
    for step in definition.steps:
        for fs in step.fieldsets:
            if not (fs.repeat and definition.is_attachments_fieldset(fs)):
                continue
            items = []
            for adjunto in adjuntos:
                item = {}
                for spec in definition.group_fields(fs, 0):
                    if spec.kind == "file":
                        item[spec.key] = f"sha256:{adjunto.sha256}"
                    elif spec.schema.get("type") == "string":
                        item[spec.key] = (
                            names.get(adjunto.slot) or adjunto.description or adjunto.nombre
                        )[:200]
                items.append(item)
            put(data, fs.repeat["path"], items)
    return data


def borrador_errors(borrador: Borrador, language: str) -> dict[str, list[str]]:
    """Every problem left before submitting: form errors by pointer, plus missing documents
    under the key ``"adjuntos"``."""
    adjuntos = list(borrador.adjuntos.all())
    definition = definition_of(borrador)
    errors = definition.validate(data_with_attachments(borrador, adjuntos, language))
    present = {a.slot for a in adjuntos}
    missing = [
        s["name"]
        for s in slot_names(borrador, language)
        if s["mandatory"] and s["slot"] not in present
    ]
    for name in missing:
        errors.setdefault("adjuntos", []).append(
            _("Falta el documento «%(nombre)s».") % {"nombre": name}
        )
    return errors
