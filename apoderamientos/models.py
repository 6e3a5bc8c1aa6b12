"""The powers-of-attorney registry (REA) and the registry of authorised staff (HAB).

Instants, not states, decide what a power allows at a given moment: ``registered_at``,
``accepted_at``, ``bastanteo_at``, ``ended_at`` and ``valid_until`` (REA-5: every change takes
effect from its registration). ``estado`` is the registry's current label, kept up to date by
the services and the periodic sweep; ``apoderamientos.decision`` never trusts it alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from identidad.models import Interesado, Unidad

from .constants import (
    CanalOtorgamiento,
    DocumentoIdentidad,
    EstadoApoderamiento,
    FirmaConsentimiento,
    TipoApoderamiento,
    TipoEvento,
    TipoHabilitacion,
    ViaRepresentacion,
)
from .querysets import ApoderamientoQuerySet, HabilitacionQuerySet


class ApoderamientoContador(models.Model):
    """One row per year: the gapless sequence of registration numbers (locked while used)."""

    year = models.PositiveIntegerField(_("año"), unique=True)
    last = models.PositiveIntegerField(_("último número"), default=0)

    class Meta:
        verbose_name = _("contador de apoderamientos")
        verbose_name_plural = _("contadores de apoderamientos")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Apoderamiento(models.Model):
    """One entry of the registry of powers of attorney (REA-1)."""

    numero = models.CharField(_("número de inscripción"), max_length=20, unique=True)
    registered_at = models.DateTimeField(_("fecha y hora de inscripción"))
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoApoderamiento.choices)
    poderdantes = models.ManyToManyField(
        Interesado, verbose_name=_("poderdantes"), related_name="apoderamientos_otorgados"
    )
    apoderado = models.ForeignKey(
        Interesado,
        verbose_name=_("apoderado"),
        on_delete=models.PROTECT,
        related_name="apoderamientos_recibidos",
    )
    administracion_dir3 = models.CharField(
        _("administración (DIR3)"),
        max_length=9,
        blank=True,
        help_text=_("Solo para apoderamientos ante una administración concreta."),
    )
    procedimientos = models.ManyToManyField(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimientos"),
        blank=True,
        related_name="apoderamientos",
    )
    granted_on = models.DateField(_("fecha de otorgamiento"))
    valid_until = models.DateTimeField(
        _("vigente hasta"), help_text=_("Primer instante en que el apoderamiento ya no es válido.")
    )
    canal = models.CharField(_("canal"), max_length=10, choices=CanalOtorgamiento.choices)
    presentante = models.ForeignKey(
        Interesado,
        verbose_name=_("presentado por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inscrito por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    oficina = models.ForeignKey(
        Unidad,
        verbose_name=_("oficina"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    estado = models.CharField(
        _("estado"),
        max_length=25,
        choices=EstadoApoderamiento.choices,
        default=EstadoApoderamiento.PENDIENTE_ACEPTACION,
    )
    acceptance_deadline = models.DateTimeField(_("plazo de aceptación"))
    accepted_at = models.DateTimeField(_("aceptado"), null=True, blank=True)
    requires_bastanteo = models.BooleanField(_("requiere bastanteo"), default=False)
    bastanteo_at = models.DateTimeField(_("bastanteado"), null=True, blank=True)
    bastanteo_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bastanteado por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bastanteo_note = models.TextField(_("resultado del bastanteo"), blank=True)
    escritura = models.FileField(
        _("escritura de poder"), upload_to="apoderamientos/escrituras/%Y/", blank=True
    )
    escritura_sha256 = models.CharField(_("SHA-256 de la escritura"), max_length=64, blank=True)
    firma_note = models.TextField(
        _("firma del otorgamiento"),
        blank=True,
        help_text=_("Constancia de la firma o comparecencia con la que se otorgó (REA-3)."),
    )
    documento_csv = models.CharField(
        _("CSV del documento de otorgamiento"),
        max_length=40,
        blank=True,
        help_text=_("Código seguro de verificación del otorgamiento sellado (REA-3, FIR-8)."),
    )
    ended_at = models.DateTimeField(_("fin de efectos"), null=True, blank=True)

    objects = ApoderamientoQuerySet.as_manager()

    class Meta:
        verbose_name = _("apoderamiento")
        verbose_name_plural = _("apoderamientos")
        ordering = ["-registered_at"]
        permissions = [
            (
                "gestionar_apoderamientos",
                _("Puede inscribir, bastantear y consultar apoderamientos en oficina"),
            )
        ]
        indexes = [models.Index(fields=["estado", "acceptance_deadline"])]

    def __str__(self) -> str:
        return str(self.numero)

    @property
    def acceptance_last_instant(self) -> datetime:
        """The last instant of the acceptance term (the stored deadline is exclusive)."""
        return self.acceptance_deadline - timedelta(microseconds=1)

    @property
    def valid_through(self) -> datetime:
        """The last instant of validity (``valid_until`` is exclusive)."""
        return self.valid_until - timedelta(microseconds=1)

    def is_party(self, interesado: Interesado | None) -> bool:
        if interesado is None:
            return False
        return self.apoderado_id == interesado.pk or self.is_poderdante(interesado)

    def is_poderdante(self, interesado: Interesado | None) -> bool:
        if interesado is None:
            return False
        return self.poderdantes.filter(pk=interesado.pk).exists()

    def state_at(self, instant: datetime) -> str:
        """The state this power had (or has) at ``instant``, whatever the sweep has done."""
        if self.ended_at is not None and self.ended_at <= instant:
            return self.estado
        if self.accepted_at is None or self.accepted_at > instant:
            if instant >= self.acceptance_deadline:
                return EstadoApoderamiento.NO_ACEPTADO
            if instant >= self.valid_until:
                return EstadoApoderamiento.CADUCADO
            return EstadoApoderamiento.PENDIENTE_ACEPTACION
        if instant >= self.valid_until:
            return EstadoApoderamiento.CADUCADO
        if self.requires_bastanteo and (self.bastanteo_at is None or self.bastanteo_at > instant):
            return EstadoApoderamiento.PENDIENTE_BASTANTEO
        return EstadoApoderamiento.ACTIVO


class ApoderamientoEvento(models.Model):
    """The history of a power: each registration, acceptance, bastanteo, end or extension."""

    apoderamiento = models.ForeignKey(
        Apoderamiento,
        verbose_name=_("apoderamiento"),
        on_delete=models.CASCADE,
        related_name="eventos",
    )
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoEvento.choices)
    registered_at = models.DateTimeField(_("fecha y hora de inscripción"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    detail = models.JSONField(_("detalle"), default=dict, blank=True)

    class Meta:
        verbose_name = _("evento de apoderamiento")
        verbose_name_plural = _("eventos de apoderamiento")
        ordering = ["registered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.apoderamiento_id} {self.tipo} {self.registered_at:%Y-%m-%d %H:%M}"


class Habilitacion(models.Model):
    """HAB-1: a member of staff authorised for some kind of act, scope and period."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("empleado público"),
        on_delete=models.PROTECT,
        related_name="habilitaciones",
    )
    tipo = models.CharField(
        _("tipo de habilitación"), max_length=25, choices=TipoHabilitacion.choices
    )
    all_procedimientos = models.BooleanField(_("todos los procedimientos"), default=False)
    procedimientos = models.ManyToManyField(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimientos"),
        blank=True,
        related_name="habilitaciones",
    )
    oficina = models.ForeignKey(
        Unidad,
        verbose_name=_("oficina"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateTimeField(_("vigente desde"))
    valid_until = models.DateTimeField(_("vigente hasta"))
    revoked_at = models.DateTimeField(_("revocada"), null=True, blank=True)
    created_at = models.DateTimeField(_("alta"), auto_now_add=True)

    objects = HabilitacionQuerySet.as_manager()

    class Meta:
        verbose_name = _("habilitación")
        verbose_name_plural = _("personal habilitado")
        ordering = ["staff", "tipo", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.staff} · {self.get_tipo_display()}"

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": _("El fin de la vigencia debe ser posterior.")})
        if self.staff_id and not self.staff.is_staff:
            raise ValidationError({"staff": _("Solo el personal municipal puede ser habilitado.")})


class ConsentimientoExpreso(models.Model):
    """HAB-2: the citizen's written express consent for an authorised official to act."""

    habilitacion = models.ForeignKey(
        Habilitacion,
        verbose_name=_("habilitación"),
        on_delete=models.PROTECT,
        related_name="consentimientos",
    )
    interesado = models.ForeignKey(
        Interesado, verbose_name=_("interesado"), on_delete=models.PROTECT, related_name="+"
    )
    procedimiento = models.ForeignKey(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimiento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    documento = models.FileField(
        _("documento de consentimiento"), upload_to="apoderamientos/consentimientos/%Y/"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    given_at = models.DateTimeField(_("fecha y hora"))
    documento_identidad = models.CharField(
        _("documento de identidad comprobado"),
        max_length=12,
        choices=DocumentoIdentidad.choices,
        blank=True,
    )
    firma = models.CharField(
        _("firma del consentimiento"),
        max_length=10,
        choices=FirmaConsentimiento.choices,
        default=FirmaConsentimiento.PAPEL,
    )

    class Meta:
        verbose_name = _("consentimiento expreso")
        verbose_name_plural = _("consentimientos expresos")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.interesado} → {self.habilitacion.staff} ({self.given_at:%Y-%m-%d})"


class RepresentacionContexto(models.Model):
    """The recorded ground on which someone acted for an interesado (one per positive use).

    Other apps keep its primary key on their own rows (an asiento, a comparecencia ...).
    """

    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario que actúa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_interesado = models.ForeignKey(
        Interesado,
        verbose_name=_("persona que actúa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    interesado = models.ForeignKey(
        Interesado, verbose_name=_("interesado"), on_delete=models.PROTECT, related_name="+"
    )
    procedimiento = models.ForeignKey(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimiento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    via = models.CharField(_("título"), max_length=15, choices=ViaRepresentacion.choices)
    apoderamiento = models.ForeignKey(
        Apoderamiento,
        verbose_name=_("apoderamiento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="usos",
    )
    habilitacion = models.ForeignKey(
        Habilitacion,
        verbose_name=_("habilitación"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="usos",
    )
    consentimiento = models.ForeignKey(
        ConsentimientoExpreso,
        verbose_name=_("consentimiento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="usos",
    )
    instant = models.DateTimeField(_("fecha y hora del acto"))
    reason = models.CharField(_("motivo"), max_length=300)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        verbose_name = _("contexto de representación")
        verbose_name_plural = _("contextos de representación")
        ordering = ["-instant"]

    def __str__(self) -> str:
        return f"{self.get_via_display()} → {self.interesado_id} ({self.instant:%Y-%m-%d %H:%M})"
