"""Notifications and communications (Ley 39/2015 arts. 40–46; RD 203/2021 arts. 41–45).

A ``Notificacion`` goes to one addressee (an interesado); who may open it for them is asked of
``apoderamientos.can_act`` at the moment of access. Its state changes only through
``notificaciones.services``; every change appends a ``NotificacionEvento`` (append-only) and,
where the law wants proof, a sealed ``Evidencia`` (NOT-9).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import (
    Canal,
    CanalAviso,
    Clase,
    Estado,
    EstadoAviso,
    EstadoRemesa,
    MotivoCanal,
    ResultadoPapel,
    TipoAviso,
    TipoEvidencia,
)


class Remesa(models.Model):
    """One act notified to many addressees in one operation (e.g. 10,000 tax notices)."""

    titulo = models.CharField(_("título"), max_length=250)
    asunto = models.CharField(_("asunto"), max_length=250)
    texto = models.TextField(_("texto del acto"))
    recursos = models.TextField(_("recursos y plazos"), blank=True)
    unidad = models.ForeignKey(
        "identidad.Unidad", verbose_name=_("órgano emisor"), on_delete=models.PROTECT
    )
    procedimiento = models.ForeignKey(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimiento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    documento = models.ForeignKey(
        "expedientes.DocumentoENI",
        verbose_name=_("documento del acto"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    estado = models.CharField(
        _("estado"), max_length=20, choices=EstadoRemesa.choices, default=EstadoRemesa.PREPARADA
    )
    total = models.PositiveIntegerField(_("destinatarios"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("creada por"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminada"), null=True, blank=True)

    class Meta:
        verbose_name = _("remesa")
        verbose_name_plural = _("remesas")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.titulo


class RemesaDestinatario(models.Model):
    """One addressee of a bulk act; ``notificacion`` is set once, so a re-run skips it."""

    remesa = models.ForeignKey(Remesa, on_delete=models.CASCADE, related_name="destinatarios")
    interesado = models.ForeignKey(
        "identidad.Interesado", on_delete=models.PROTECT, related_name="+"
    )
    notificacion = models.OneToOneField(
        "Notificacion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("destinatario de la remesa")
        verbose_name_plural = _("destinatarios de la remesa")
        constraints = [
            models.UniqueConstraint(
                fields=["remesa", "interesado"], name="remesa_destinatario_uniq"
            )
        ]
        indexes = [
            models.Index(
                fields=["remesa", "id"],
                name="remesa_dest_pendiente_idx",
                condition=models.Q(notificacion__isnull=True, error=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.remesa_id} · {self.interesado_id}"


class Notificacion(models.Model):
    clase = models.CharField(
        _("clase"), max_length=20, choices=Clase.choices, default=Clase.NOTIFICACION
    )
    identificador = models.CharField(_("identificador"), max_length=40, unique=True)
    destinatario = models.ForeignKey(
        "identidad.Interesado",
        verbose_name=_("destinatario"),
        on_delete=models.PROTECT,
        related_name="notificaciones",
    )
    expediente = models.ForeignKey(
        "expedientes.Expediente",
        verbose_name=_("expediente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notificaciones",
    )
    pendiente = models.ForeignKey(
        "expedientes.NotificacionPendiente",
        verbose_name=_("notificación pendiente del expediente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notificaciones",
    )
    remesa = models.ForeignKey(
        Remesa, null=True, blank=True, on_delete=models.PROTECT, related_name="notificaciones"
    )
    procedimiento = models.ForeignKey(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimiento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unidad = models.ForeignKey(
        "identidad.Unidad",
        verbose_name=_("órgano emisor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    asunto = models.CharField(_("asunto"), max_length=250)
    texto = models.TextField(_("texto íntegro del acto"))
    recursos = models.TextField(
        _("recursos, órgano y plazo"),
        blank=True,
        help_text=_("Si pone fin a la vía administrativa, recursos, órgano y plazo (NOT-1)."),
    )
    plazo_dias_naturales = models.BooleanField(
        _("contiene plazos en días naturales"),
        default=False,
        help_text=_("Se advierte expresamente en la notificación (art. 30.2, TIME-6)."),
    )
    documentos = models.ManyToManyField(
        "expedientes.DocumentoENI",
        verbose_name=_("documentos notificados"),
        blank=True,
        related_name="+",
    )
    huellas = models.JSONField(
        _("huellas de los documentos"),
        default=list,
        blank=True,
        help_text=_(
            "Nombre, identificador y SHA-256 de cada documento en el momento de notificar."
        ),
    )
    canal = models.CharField(_("canal"), max_length=20, choices=Canal.choices)
    motivo_canal = models.CharField(
        _("motivo del canal"), max_length=20, choices=MotivoCanal.choices
    )
    idioma = models.CharField(_("idioma"), max_length=5, default="es")
    estado = models.CharField(
        _("estado"), max_length=20, choices=Estado.choices, default=Estado.PREPARADA
    )
    created_at = models.DateTimeField(_("preparada"))
    puesta_at = models.DateTimeField(_("puesta a disposición"), null=True, blank=True)
    expira_at = models.DateTimeField(
        _("se entiende rechazada en"),
        null=True,
        blank=True,
        help_text=_("Instante en que se entiende rechazada si nadie accede (NOT-6)."),
    )
    practicada_at = models.DateTimeField(_("practicada"), null=True, blank=True)
    abierta_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accedida o rechazada por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    via = models.CharField(_("en calidad de"), max_length=20, blank=True)
    apoderamiento = models.ForeignKey(
        "apoderamientos.Apoderamiento",
        verbose_name=_("apoderamiento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recordatorio_enviado = models.BooleanField(_("recordatorio enviado"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("preparada por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notificación")
        verbose_name_plural = _("notificaciones")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["destinatario", "-created_at"], name="notif_destinatario_idx"),
            models.Index(
                fields=["expira_at"],
                name="notif_expira_idx",
                condition=models.Q(estado="puesta", clase="notificacion"),
            ),
            models.Index(fields=["expediente", "created_at"], name="notif_expediente_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pendiente", "destinatario"],
                name="notif_pendiente_destinatario_uniq",
                condition=models.Q(pendiente__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.identificador} · {self.asunto}"

    @property
    def is_pending(self) -> bool:
        return self.estado == Estado.PUESTA

    @property
    def has_legal_effects(self) -> bool:
        return self.clase == Clase.NOTIFICACION


class NotificacionEvento(models.Model):
    """The append-only history of a notification (one row per transition or fact)."""

    notificacion = models.ForeignKey(Notificacion, on_delete=models.PROTECT, related_name="eventos")
    at = models.DateTimeField(_("instante"))
    estado = models.CharField(_("estado resultante"), max_length=20, choices=Estado.choices)
    descripcion = models.CharField(_("descripción"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detalle = models.JSONField(_("detalle"), default=dict, blank=True)

    class Meta:
        verbose_name = _("evento de notificación")
        verbose_name_plural = _("eventos de notificación")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.descripcion}"


class Evidencia(models.Model):
    """A sealed acuse (NOT-9): instants, addressee, who acted and the documents' hashes."""

    notificacion = models.ForeignKey(
        Notificacion, on_delete=models.PROTECT, related_name="evidencias"
    )
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoEvidencia.choices)
    at = models.DateTimeField(_("instante del hecho"))
    datos = models.JSONField(
        _("datos acreditados"),
        default=dict,
        help_text=_("Lo que el acuse acredita, fijado en el instante del hecho."),
    )
    # Sealed by a Celery task after the transition (the state change never waits for a seal);
    # a periodic sweep seals any left behind.
    csv = models.CharField(_("CSV"), max_length=32, blank=True)
    firma_version = models.ForeignKey(
        "firma.DocumentoVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sealed_at = models.DateTimeField(_("sellada"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidencia")
        verbose_name_plural = _("evidencias")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notificacion", "tipo"], name="evidencia_una_por_tipo")
        ]
        indexes = [
            models.Index(
                fields=["id"], name="evidencia_sin_sellar_idx", condition=models.Q(sealed_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} · {self.csv or '—'}"


class Aviso(models.Model):
    """An availability notice by email or SMS (NOT-4): its failure never affects the notice."""

    notificacion = models.ForeignKey(Notificacion, on_delete=models.CASCADE, related_name="avisos")
    canal = models.CharField(_("canal"), max_length=10, choices=CanalAviso.choices)
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoAviso.choices)
    destino = models.CharField(_("destino"), max_length=254)
    estado = models.CharField(
        _("estado"), max_length=20, choices=EstadoAviso.choices, default=EstadoAviso.PENDIENTE
    )
    intentos = models.PositiveSmallIntegerField(_("intentos"), default=0)
    ultimo_error = models.CharField(_("último error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("creado"))
    sent_at = models.DateTimeField(_("enviado"), null=True, blank=True)

    class Meta:
        verbose_name = _("aviso")
        verbose_name_plural = _("avisos")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notificacion", "canal", "tipo"], name="aviso_uno_por_canal_y_tipo"
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="aviso_pendiente_idx",
                condition=models.Q(estado="pendiente"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_canal_display()} · {self.get_estado_display()}"


class IntentoPapel(models.Model):
    """A delivery attempt on paper (NOT-11), recorded so the sede shows it too (NOT-3)."""

    notificacion = models.ForeignKey(
        Notificacion, on_delete=models.PROTECT, related_name="intentos_papel"
    )
    numero = models.PositiveSmallIntegerField(_("intento"))
    at = models.DateTimeField(_("fecha y hora"))
    resultado = models.CharField(_("resultado"), max_length=20, choices=ResultadoPapel.choices)
    agente = models.CharField(_("agente notificador"), max_length=150)
    receptor_nombre = models.CharField(_("persona que recibe"), max_length=200, blank=True)
    receptor_nif = models.CharField(_("documento de quien recibe"), max_length=20, blank=True)
    observaciones = models.CharField(_("observaciones"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("intento de notificación en papel")
        verbose_name_plural = _("intentos de notificación en papel")
        ordering = ["notificacion", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["notificacion", "numero"], name="intento_papel_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.numero}: {self.get_resultado_display()}"


class PreferenciaNotificacion(models.Model):
    """A natural person's choice of channel (NOT-2): effective from the 5th working day."""

    interesado = models.ForeignKey(
        "identidad.Interesado", on_delete=models.CASCADE, related_name="preferencias_notificacion"
    )
    electronica = models.BooleanField(_("notificación electrónica"))
    recorded_at = models.DateTimeField(_("registrada"))
    effective_at = models.DateTimeField(_("surte efecto"))

    class Meta:
        verbose_name = _("preferencia de notificación")
        verbose_name_plural = _("preferencias de notificación")
        ordering = ["interesado", "-effective_at", "-id"]
        indexes = [models.Index(fields=["interesado", "-effective_at"], name="notif_pref_idx")]

    def __str__(self) -> str:
        return f"{self.interesado_id} · {self.electronica}"
