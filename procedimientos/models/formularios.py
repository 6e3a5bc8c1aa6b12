"""Versioned form definitions: JSON Schema (draft 2020-12) plus a layout."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..constants import EstadoFormulario


class FormularioCongelado(Exception):  # noqa: N818 - domain name
    """A published form version cannot change: submissions point at it."""


FROZEN_FIELDS = ("procedimiento_id", "version", "schema", "layout")


class FormularioVersion(models.Model):
    """One version of a procedure's form. Published versions are frozen."""

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
            if stored and stored["status"] != EstadoFormulario.BORRADOR:
                changed = [f for f in FROZEN_FIELDS if stored[f] != getattr(self, f)]
                if changed or self.status == EstadoFormulario.BORRADOR:
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
        return self.status != EstadoFormulario.BORRADOR
