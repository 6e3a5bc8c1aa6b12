"""The working-day calendar as data: the declared non-working days (TIME-7)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .constants import Ambito


class DiaInhabil(models.Model):
    """A declared holiday (día inhábil) of the one calendar the sede applies (TIME-7).

    Saturdays and Sundays are always non-working (Ley 39/2015 art. 30.2) and are not
    stored. A day that is only announced by the press and not yet confirmed in an official
    journal is kept with ``verified=False``: it still counts as non-working (the published
    calendar is the one the registry applies, art. 31.3), and the sede says it is pending.
    One row per date: when two authorities declare the same day, keep the widest scope and
    name the other in the notes.
    """

    date = models.DateField(_("fecha"), unique=True)
    name_es = models.CharField(_("nombre (castellano)"), max_length=200)
    name_eu = models.CharField(_("nombre (euskera)"), max_length=200, blank=True)
    scope = models.CharField(_("ámbito"), max_length=10, choices=Ambito.choices)
    source = models.TextField(
        _("fuente"), help_text=_("Disposición o publicación que declara el día inhábil.")
    )
    notes = models.TextField(_("notas"), blank=True)
    verified = models.BooleanField(
        _("confirmado"),
        default=True,
        help_text=_("Desmarcado mientras la fecha no se haya confirmado en el boletín oficial."),
    )
    updated_at = models.DateTimeField(_("modificado"), auto_now=True)

    class Meta:
        verbose_name = _("día inhábil")
        verbose_name_plural = _("días inhábiles")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name_es}"

    @property
    def name(self) -> str:
        if get_language() == "eu" and self.name_eu:
            return self.name_eu
        return self.name_es
