"""The digitisation plan: actions, daily snapshots and officially reported values."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..constants import EstadoAccion, OrigenAvance
from .i18n import pick

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class AccionPlan(models.Model):
    """An action of the plan (signature policy, registry, notifications...), weighted."""

    code = models.SlugField(_("código"), max_length=60, unique=True)
    name_es = models.CharField(_("nombre (castellano)"), max_length=200)
    name_eu = models.CharField(_("nombre (euskera)"), max_length=200, blank=True)
    description_es = models.TextField(_("descripción (castellano)"), blank=True)
    description_eu = models.TextField(_("descripción (euskera)"), blank=True)
    weight = models.PositiveSmallIntegerField(_("peso"), default=1)
    progress = models.DecimalField(
        _("avance (%)"), max_digits=5, decimal_places=2, default=Decimal(0), validators=PERCENT
    )
    status = models.CharField(
        _("estado"), max_length=20, choices=EstadoAccion.choices, default=EstadoAccion.PENDIENTE
    )
    progress_source = models.CharField(
        _("origen del avance"),
        max_length=20,
        choices=OrigenAvance.choices,
        default=OrigenAvance.MANUAL,
    )
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    updated_at = models.DateTimeField(_("modificado"), auto_now=True)

    class Meta:
        verbose_name = _("acción del plan")
        verbose_name_plural = _("acciones del plan")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name_es

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def description(self) -> str:
        return pick(self, "description")


class AvanceSnapshot(models.Model):
    """The computed grado de avance of one day (taken daily by Celery beat)."""

    date = models.DateField(_("fecha"), unique=True)
    overall = models.DecimalField(_("grado de avance (%)"), max_digits=5, decimal_places=2)
    catalogue = models.DecimalField(_("avance del catálogo (%)"), max_digits=5, decimal_places=2)
    detail = models.JSONField(_("detalle"), default=dict, blank=True)
    created_at = models.DateTimeField(_("calculado"), auto_now=True)

    class Meta:
        verbose_name = _("instantánea del grado de avance")
        verbose_name_plural = _("instantáneas del grado de avance")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.overall}%"


class AvanceReportado(models.Model):
    """A value officially reported for a date (e.g. 44% at 31/12/2020): shown, never fitted."""

    date = models.DateField(_("fecha"), unique=True)
    value = models.DecimalField(
        _("valor reportado (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    source_es = models.CharField(_("fuente (castellano)"), max_length=300)
    source_eu = models.CharField(_("fuente (euskera)"), max_length=300, blank=True)
    source_url = models.URLField(_("enlace a la fuente"), blank=True)

    class Meta:
        verbose_name = _("valor reportado oficialmente")
        verbose_name_plural = _("valores reportados oficialmente")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.value}% ({self.source_es})"

    @property
    def source(self) -> str:
        return pick(self, "source")
