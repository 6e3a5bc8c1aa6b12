"""The sede's answer when a new version of a form is published: the citizens' drafts in progress.

Registered in ``SedeConfig.ready()`` as a publication check of ``procedimientos`` (which may
not import ``sede``). The rule (docs/catalogo.md, "Versiones y revisión de formularios"):

- Every open draft made with an older version of the form moves to the new one, so that what is
  filed is the form in force (CAT-4, Ley 39/2015 art. 66.6). Submitted drafts never move: a
  filing keeps the version it was made with.
- A draft the new version does not break (its answers still fit; new required fields carry a
  default) moves silently, answers intact.
- A draft it would break (answers to removed fields, answers the new version no longer accepts,
  new required answers) makes publication refuse, with the list of what breaks — unless the
  publisher chose to migrate: then the answers that no longer fit are moved aside into
  ``Borrador.migracion`` (kept, shown to the citizen with their old value) and the citizen is
  told which answers the new version needs.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from identidad.services import audit_record
from procedimientos.formularios.cambios import OBLIGATORIO, RETIRADO, migrar_datos, roturas
from procedimientos.formularios.publicacion import Afectado, Impacto

from .constants import EstadoBorrador
from .models import Borrador


def _open_drafts(nueva):
    """Open drafts made with an earlier version of the same procedure's form (the instancia
    general's drafts for other procedures included: they use its form)."""
    return (
        Borrador.objects.filter(
            estado=EstadoBorrador.BORRADOR,
            formulario__procedimiento_id=nueva.procedimiento_id,
            formulario__version__lt=nueva.version,
        )
        .select_related("formulario")
        .order_by("pk")
    )


def _ref(borrador: Borrador) -> str:
    return str(borrador.public_id)[:8]


class BorradoresCheck:
    key = "sede.borradores"
    label = _("Borradores de la ciudadanía en curso")

    def impacto(self, *, nueva) -> Impacto:
        total = 0
        afectados: list[Afectado] = []
        for borrador in _open_drafts(nueva).iterator(chunk_size=500):
            total += 1
            found = roturas(borrador.data, borrador.formulario.schema, nueva.schema)
            if found:
                afectados.append(Afectado(_ref(borrador), tuple(found)))
        return Impacto(self.key, self.label, total, tuple(afectados))

    def aplicar(self, *, nueva, migrar: bool, by: Any) -> dict[str, int]:
        step_ids = [s["id"] for s in (nueva.layout or {}).get("steps", [])]
        moved = migrated = 0
        files: list[str] = []
        for borrador in _open_drafts(nueva).select_for_update():
            old = borrador.formulario
            data, found = migrar_datos(borrador.data, old.schema, nueva.schema)
            if found and not migrar:  # evaluated a moment ago: a draft changed since
                from procedimientos.formularios.versiones import PublicacionBloqueada

                raise PublicacionBloqueada(_reevaluate(nueva))
            fields = ["formulario", "data", "migracion", "updated_at"]
            if found:
                migrated += 1
                borrador.migracion = {
                    "from_version": old.version,
                    "to_version": nueva.version,
                    "at": timezone.now().isoformat(),
                    "roturas": [r.as_dict() for r in found],
                }
                if borrador.solicitud_file:  # the answers changed: the PDF to sign too
                    files.append(borrador.solicitud_file)
                    borrador.solicitud_file = ""
                    borrador.solicitud_sha256 = ""
                    fields += ["solicitud_file", "solicitud_sha256"]
            else:
                moved += 1
            borrador.formulario = nueva
            borrador.data = data
            if step_ids and borrador.current_step not in step_ids:
                borrador.current_step = step_ids[0]
                fields.append("current_step")
            borrador.save(update_fields=fields)
            if found:
                audit_record(
                    actor=by,
                    action="sede.borrador.migrate",
                    obj=borrador,
                    detail={
                        "from_version": old.version,
                        "to_version": nueva.version,
                        "roturas": [r.pointer for r in found],
                    },
                )
        if files:
            transaction.on_commit(lambda: _delete_files(files))
        return {"movidos": moved, "migrados": migrated}


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _reevaluate(nueva):
    from procedimientos.formularios.publicacion import evaluar_publicacion

    return evaluar_publicacion(nueva)


def aviso_migracion(borrador: Borrador, lang: str) -> list[dict]:
    """What the citizen is told about a draft moved to a new version with breaks: each field,
    what happened, the old answer (kept on the draft) and whether it is answered again."""
    from .filing.pointers import get

    items = []
    for r in (borrador.migracion or {}).get("roturas", []):
        current = get(borrador.data, r["pointer"], None)
        items.append(
            {
                "label": (r.get("label_eu") if lang == "eu" else None) or r.get("label_es", ""),
                "kind": r["kind"],
                "old": r.get("value"),
                "answered": r["kind"] != RETIRADO and current not in (None, "", [], {}),
                "new_required": r["kind"] == OBLIGATORIO,
                "removed": r["kind"] == RETIRADO,
            }
        )
    return items


BORRADORES_CHECK = BorradoresCheck()
