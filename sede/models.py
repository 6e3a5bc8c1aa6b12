"""The sede's own rows: a citizen's drafts, their attachments and the submissions made."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from procedimientos.models.i18n import pick

from .constants import EstadoBorrador, MetodoFirma


class Borrador(models.Model):
    """A filing in progress: the answers so far (JSON), saved at every step."""

    public_id = models.UUIDField(
        _("identificador"), default=uuid.uuid4, unique=True, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona usuaria"),
        on_delete=models.CASCADE,
        related_name="borradores",
    )
    procedimiento = models.ForeignKey(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimiento"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    formulario = models.ForeignKey(
        "procedimientos.FormularioVersion",
        verbose_name=_("versión del formulario"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        "identidad.Interesado",
        verbose_name=_("en nombre de"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Vacío cuando la persona actúa en su propio nombre."),
    )
    oficina = models.ForeignKey(
        "registro.Oficina",
        verbose_name=_("oficina (presentación asistida)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Solo en la presentación asistida: la oficina donde un funcionario habilitado "
            "presenta la solicitud en nombre de la persona (HAB-1..3)."
        ),
    )
    data = models.JSONField(_("datos"), default=dict, blank=True)
    # Set when a new form version was published while the draft was open and the draft was
    # moved to it (sede.formularios_publicacion): what the citizen must answer again and the
    # answers the new form no longer asks for, kept here. Cleared once the draft is valid.
    migracion = models.JSONField(_("cambio de versión del formulario"), default=dict, blank=True)
    # Where each prefilled value came from (sede.filing.prefill), kept apart from the answers:
    # {pointer: {"source", "key", "editable", "reference", "value"}}.
    prefill = models.JSONField(_("datos precargados"), default=dict, blank=True)
    current_step = models.CharField(_("paso actual"), max_length=60, blank=True)
    estado = models.CharField(
        _("estado"), max_length=20, choices=EstadoBorrador.choices, default=EstadoBorrador.BORRADOR
    )
    idempotency_key = models.CharField(_("clave de idempotencia"), max_length=80, unique=True)
    # The application PDF as last rendered for signing (path b): the citizen signs these bytes.
    solicitud_file = models.CharField(max_length=200, blank=True)
    solicitud_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificado"), auto_now=True)
    expires_at = models.DateTimeField(_("caduca"))

    class Meta:
        verbose_name = _("borrador")
        verbose_name_plural = _("borradores")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["user", "estado", "-updated_at"], name="sede_borr_user_idx"),
            models.Index(fields=["estado", "expires_at"], name="sede_borr_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.procedimiento_id} · {self.user_id} · {self.public_id}"

    @property
    def asistida(self) -> bool:
        """Filed at an office by an authorised official for the citizen (HAB-1..3)."""
        return self.oficina_id is not None


class Adjunto(models.Model):
    """A file attached to a draft: a required-document slot or a free attachment."""

    borrador = models.ForeignKey(
        Borrador, verbose_name=_("borrador"), on_delete=models.CASCADE, related_name="adjuntos"
    )
    slot = models.CharField(
        _("documento requerido"),
        max_length=20,
        blank=True,
        help_text=_("Índice del documento requerido; vacío para un adjunto libre."),
    )
    description = models.CharField(_("descripción"), max_length=200, blank=True)
    nombre = models.CharField(_("nombre del fichero"), max_length=255)
    mime = models.CharField(_("tipo"), max_length=100)
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    file = models.CharField(_("fichero almacenado"), max_length=200)
    uploaded_at = models.DateTimeField(_("subido"), auto_now_add=True)

    class Meta:
        verbose_name = _("adjunto")
        verbose_name_plural = _("adjuntos")
        ordering = ["borrador", "slot", "uploaded_at"]

    def __str__(self) -> str:
        return self.nombre


class Presentacion(models.Model):
    """A submitted application: the registry entry it produced and how it was signed."""

    public_id = models.UUIDField(
        _("identificador"), default=uuid.uuid4, unique=True, editable=False
    )
    borrador = models.OneToOneField(
        Borrador,
        verbose_name=_("borrador"),
        on_delete=models.PROTECT,
        related_name="presentacion",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presentada por"),
        on_delete=models.PROTECT,
        related_name="presentaciones",
    )
    interesado = models.ForeignKey(
        "identidad.Interesado",
        verbose_name=_("interesado"),
        on_delete=models.PROTECT,
        related_name="presentaciones_sede",
    )
    procedimiento = models.ForeignKey(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimiento"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    asiento = models.OneToOneField(
        "registro.Asiento",
        verbose_name=_("asiento de registro"),
        on_delete=models.PROTECT,
        related_name="presentacion_sede",
    )
    submitted_at = models.DateTimeField(_("presentada"))
    firma_method = models.CharField(
        _("firma"), max_length=20, choices=MetodoFirma.choices, default=MetodoFirma.NINGUNA
    )
    firma_detail = models.JSONField(_("detalle de la firma"), default=dict, blank=True)
    expediente_ref = models.CharField(_("expediente"), max_length=100, blank=True)
    # Design.md step 6: the case file is opened after the filing's commit (a Celery task,
    # and ``expedientes_pendientes_sweep`` for what the broker or the worker lost); True
    # until then. The outbox of that step: a partial index holds only the pending rows.
    expediente_pendiente = models.BooleanField(_("expediente pendiente de abrir"), default=False)

    class Meta:
        verbose_name = _("solicitud presentada")
        verbose_name_plural = _("solicitudes presentadas")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["user", "-submitted_at"], name="sede_pres_user_idx"),
            models.Index(fields=["interesado", "-submitted_at"], name="sede_pres_int_idx"),
            models.Index(
                fields=["submitted_at"],
                name="sede_pres_exp_pend_idx",
                condition=models.Q(expediente_pendiente=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asiento_id} · {self.public_id}"


class AvisoIncidencia(models.Model):
    """A notice of a technical incident of the sede, and of the term extension it brings
    (SEDE-2; Ley 39/2015 art. 32.4). Never deleted: ended notices stay as the history."""

    title_es = models.CharField(_("título (castellano)"), max_length=200)
    title_eu = models.CharField(_("título (euskera)"), max_length=200, blank=True)
    text_es = models.TextField(_("texto (castellano)"))
    text_eu = models.TextField(_("texto (euskera)"), blank=True)
    extends_terms = models.BooleanField(
        _("amplía plazos"),
        default=False,
        help_text=_("Marque si la incidencia amplía los plazos no vencidos (art. 32.4)."),
    )
    starts_at = models.DateTimeField(_("inicio de la incidencia"))
    ended_at = models.DateTimeField(_("fin de la incidencia"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publicado por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalizado por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("publicado"), auto_now_add=True)

    class Meta:
        verbose_name = _("aviso de incidencia")
        verbose_name_plural = _("avisos de incidencias")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["ended_at", "starts_at"], name="sede_aviso_vigor_idx")]

    def __str__(self) -> str:
        return self.title_es

    def clean(self) -> None:
        super().clean()
        if self.ended_at and self.starts_at and self.ended_at < self.starts_at:
            raise ValidationError(
                {"ended_at": _("El fin de la incidencia no puede ser anterior a su inicio.")}
            )

    def in_force(self, at) -> bool:
        return self.starts_at <= at and (self.ended_at is None or self.ended_at > at)

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def text(self) -> str:
        return pick(self, "text")
