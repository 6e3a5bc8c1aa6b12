"""Versioned form definitions: JSON Schema (draft 2020-12) plus a layout."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..constants import (
    ESTADOS_FORMULARIO_EDITABLES,
    ESTADOS_FORMULARIO_FINALES,
    AccionFormulario,
    EstadoFormulario,
)


class FormularioCongelado(Exception):  # noqa: N818 - domain name
    """A published form version cannot change: submissions point at it."""


FROZEN_FIELDS = ("procedimiento_id", "version", "schema", "layout")


class FormularioVersion(models.Model):
    """One version of a procedure's form: only a draft changes; a version in review, approved,
    published or superseded is frozen (docs/catalogo.md, "Versiones y revisión")."""

    procedimiento = models.ForeignKey(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimiento"),
        on_delete=models.PROTECT,
        related_name="formularios",
    )
    version = models.PositiveIntegerField(_("versión"))
    status = models.CharField(
        _("estado"),
        max_length=20,
        choices=EstadoFormulario.choices,
        default=EstadoFormulario.BORRADOR,
    )
    schema = models.JSONField(_("esquema JSON"))
    layout = models.JSONField(_("disposición"), default=dict, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creado por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    basada_en = models.ForeignKey(
        "self",
        verbose_name=_("basada en la versión"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("publicado"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publicado por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("versión de formulario")
        verbose_name_plural = _("versiones de formulario")
        ordering = ["procedimiento", "-version"]
        permissions = [
            (
                "editar_formularios",
                _("Puede crear borradores de formulario, enviarlos a revisión y publicarlos"),
            ),
            (
                "aprobar_formularios",
                _("Puede aprobar o devolver los formularios de los procedimientos de sus unidades"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["procedimiento", "version"], name="formulario_version_unica"
            ),
            models.UniqueConstraint(
                fields=["procedimiento"],
                condition=models.Q(status="publicado"),
                name="formulario_un_publicado",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedimiento_id} v{self.version} ({self.status})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values("status", "procedimiento_id", "version", "schema", "layout")
                .first()
            )
            if stored and stored["status"] not in ESTADOS_FORMULARIO_EDITABLES:
                changed = [f for f in FROZEN_FIELDS if stored[f] != getattr(self, f)]
                # A version sent back goes to draft again; a published one never does.
                back = (
                    stored["status"] in ESTADOS_FORMULARIO_FINALES
                    and self.status not in ESTADOS_FORMULARIO_FINALES
                )
                if changed or back:
                    raise FormularioCongelado(
                        f"Form version {self.pk} is {stored['status']}: create a new version."
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_frozen:
            raise FormularioCongelado("A published form version cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.status not in ESTADOS_FORMULARIO_EDITABLES

    @property
    def is_final(self) -> bool:
        """Published or superseded: filings may point at it, it never changes again."""
        return self.status in ESTADOS_FORMULARIO_FINALES


class HistorialInmutable(Exception):  # noqa: N818 - domain name
    """The history of a form version is append-only."""


class FormularioHistorial(models.Model):
    """One step of a form version's workflow: who, when, from which state to which, and why.

    Append-only: rows are inserted by the services of ``procedimientos.formularios.versiones``
    and never changed or deleted (each step is also in the audit trail, ENS-1)."""

    formulario = models.ForeignKey(
        FormularioVersion,
        verbose_name=_("versión de formulario"),
        on_delete=models.PROTECT,
        related_name="historial",
    )
    accion = models.CharField(_("acción"), max_length=20, choices=AccionFormulario.choices)
    from_status = models.CharField(
        _("estado anterior"), max_length=20, choices=EstadoFormulario.choices, blank=True
    )
    to_status = models.CharField(_("estado nuevo"), max_length=20, choices=EstadoFormulario.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_repr = models.CharField(_("persona"), max_length=200, blank=True)
    at = models.DateTimeField(_("fecha"))
    comment = models.TextField(_("observaciones"), blank=True)
    detail = models.JSONField(_("detalle"), default=dict, blank=True)

    class Meta:
        verbose_name = _("paso del historial de un formulario")
        verbose_name_plural = _("historial de los formularios")
        ordering = ["formulario", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.formulario_id} {self.accion} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise HistorialInmutable("The history of a form version cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HistorialInmutable("The history of a form version cannot be deleted.")
