"""The electronic notice board (tablón de edictos, Ley 39/2015 art. 45; SEDE-2).

An ``Edicto`` is published for a period; its text is rendered to a PDF that the council seals
and that carries a CSV (firma). A ``ResumenDiario`` is the sealed digest of what was on the board
on one day: the chain of digests proves that an edict was on the board from date A to date B.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from procedimientos.models.i18n import pick

from .constants import TipoPublicacion


class Edicto(models.Model):
    public_id = models.UUIDField(
        _("identificador"), default=uuid.uuid4, unique=True, editable=False
    )
    numero = models.CharField(_("número"), max_length=20, unique=True)
    kind = models.CharField(
        _("tipo"), max_length=20, choices=TipoPublicacion.choices, default=TipoPublicacion.EDICTO
    )
    title_es = models.CharField(_("título (castellano)"), max_length=300)
    title_eu = models.CharField(_("título (euskera)"), max_length=300, blank=True)
    body_es = models.TextField(_("texto (castellano)"))
    body_eu = models.TextField(_("texto (euskera)"), blank=True)
    organo = models.ForeignKey(
        "identidad.Unidad",
        verbose_name=_("órgano que lo publica"),
        on_delete=models.PROTECT,
        related_name="edictos",
    )
    published_from = models.DateTimeField(_("publicado desde"))
    published_until = models.DateTimeField(_("publicado hasta"))
    withdrawn_at = models.DateTimeField(_("retirado el"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("motivo de la retirada"), max_length=300, blank=True)
    csv = models.CharField(_("CSV del edicto sellado"), max_length=64, blank=True)
    sha256 = models.CharField(_("huella SHA-256 del PDF sellado"), max_length=64, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publicado por"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("edicto o anuncio")
        verbose_name_plural = _("edictos y anuncios")
        ordering = ["-published_from", "-id"]
        indexes = [
            models.Index(fields=["published_from", "published_until"], name="tablon_vigor_idx")
        ]

    def __str__(self) -> str:
        return f"{self.numero} · {self.title_es}"

    def clean(self) -> None:
        super().clean()
        start, end = self.published_from, self.published_until
        if start and end and end <= start:
            raise ValidationError(
                {"published_until": _("El fin de la publicación debe ser posterior al inicio.")}
            )

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def body(self) -> str:
        return pick(self, "body")

    def in_force(self, at) -> bool:
        end = min(self.published_until, self.withdrawn_at or self.published_until)
        return self.published_from <= at < end


class ResumenDiario(models.Model):
    """The sealed digest of one day of the board: every edict on it that day, with its CSV
    and hash. One per day, never changed once sealed."""

    date = models.DateField(_("fecha"), unique=True)
    entries = models.JSONField(_("publicaciones"), default=list)
    csv = models.CharField(_("CSV del resumen sellado"), max_length=64)
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("sellado"), auto_now_add=True)

    class Meta:
        verbose_name = _("resumen diario del tablón")
        verbose_name_plural = _("resúmenes diarios del tablón")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} ({len(self.entries)})"

    def lists(self, numero: str) -> bool:
        return any(e.get("numero") == numero for e in self.entries)
