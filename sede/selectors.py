"""Reads of the filing flow, with the access rule applied here once: a draft is its author's
only; a submission is visible to who filed it and to the interesado it was filed for."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

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


def presentaciones_of(user: User) -> QuerySet[Presentacion]:
    """What the user filed, what was filed for them, and what was filed by or for someone
    whose power, in force now, lets the user act in that procedure (REA-2, REA-7) — all in
    one SQL query, whatever the volume."""
    from apoderamientos.decision import person_interesado

    own = person_interesado(user)
    rule = Q(user=user)
    if own is not None:
        rule |= Q(interesado=own) | Q(_power_allows(own))
    return (
        Presentacion.objects.filter(rule)
        .select_related("procedimiento", "asiento", "interesado")
        .order_by("-submitted_at", "-pk")
    )


def _power_allows(apoderado):
    from django.conf import settings
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from apoderamientos.constants import TipoApoderamiento
    from apoderamientos.models import Apoderamiento

    scope = (
        Q(tipo=TipoApoderamiento.GENERAL)
        | Q(tipo=TipoApoderamiento.ADMINISTRACION, administracion_dir3=settings.COUNCIL_DIR3)
        | Q(tipo=TipoApoderamiento.TRAMITES, procedimientos=OuterRef("procedimiento_id"))
    )
    return Exists(
        Apoderamiento.objects.filter(apoderado=apoderado, poderdantes=OuterRef("interesado_id"))
        .effective_at(timezone.now())
        .filter(scope)
    )


def presentacion_for_user(user: User, public_id) -> Presentacion:
    return presentaciones_of(user).get(public_id=public_id)


# --- Mi carpeta ------------------------------------------------------------------------

MI_CARPETA_PAGE_SIZE = 10


def representaciones_of(user: User):
    """The powers the user is party to (poderdante or apoderado): REA-7, nothing else."""
    from apoderamientos.selectors import apoderamientos_for_user

    return apoderamientos_for_user(user).order_by("-registered_at", "-pk")


def notificaciones_of(user: User):
    """Notifications to the user and to those they represent: pending first (nearest expiry
    first), then the rest, newest first (notificaciones.selectors applies the access rule)."""
    from notificaciones.selectors import notificaciones_ordered_for_citizen

    return notificaciones_ordered_for_citizen(user)


MI_CARPETA_SOURCES = {
    "borradores": borradores_of,
    "solicitudes": presentaciones_of,
    "notificaciones": notificaciones_of,
    "apoderamientos": representaciones_of,
}


def mi_carpeta_page(user: User, key: str, page_number=None):
    """One page of a Mi carpeta section (a ``Page``), or [] for a section without source
    yet (case files, notifications). A bounded number of queries whatever the volume: the
    access rule is a filter in SQL, each page is one slice plus one count."""
    from django.core.paginator import Paginator

    source = MI_CARPETA_SOURCES.get(key)
    if source is None:
        return []
    page = Paginator(source(user), MI_CARPETA_PAGE_SIZE).get_page(page_number)
    page.section_key = key
    return page


# --- What is left before submitting (reads) ---------------------------------------------


def definition_of(borrador: Borrador):
    from .filing.engine import Definition

    return Definition(borrador.formulario.schema, borrador.formulario.layout)


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
