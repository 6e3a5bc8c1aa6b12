"""Processing records of a case file: requests, suspensions, reports, resolutions, pending
notifications, the electronic index, disposal, the timeline and the automated actions list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..constants import (
    EstadoInforme,
    EstadoNotificacionPendiente,
    EstadoRequerimiento,
    EstadoResolucion,
    MotivoIndice,
    MotivoRequerimiento,
    MotivoSuspension,
    SentidoResolucion,
    TipoEvento,
    TipoNotificacion,
)
from .documento import DocumentoENI
from .expediente import Expediente

_USER = settings.AUTH_USER_MODEL


class Requerimiento(models.Model):
    """Requerimiento de subsanación (CAT-6, L39 art. 68; REG-11): 10 working days from its
    notification, extendable by up to 5 except in competitive procedures; it suspends the
    resolution term (art. 22.1.a) from its notification until it is answered or expires."""

    expediente = models.ForeignKey(
        Expediente,
        verbose_name=_("expediente"),
        on_delete=models.CASCADE,
        related_name="requerimientos",
    )
    motivo = models.CharField(
        _("motivo"),
        max_length=20,
        choices=MotivoRequerimiento.choices,
        default=MotivoRequerimiento.SUBSANACION,
    )
    texto = models.TextField(_("qué debe subsanar o aportar"))
    documento = models.ForeignKey(
        DocumentoENI,
        verbose_name=_("documento del requerimiento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    documento_afectado = models.ForeignKey(
        DocumentoENI,
        verbose_name=_("documento afectado"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dias = models.PositiveSmallIntegerField(_("plazo (días hábiles)"), default=10)
    ampliacion_dias = models.PositiveSmallIntegerField(_("ampliación (días hábiles)"), default=0)
    issued_at = models.DateTimeField(_("emitido el"))
    issued_by = models.ForeignKey(
        _USER, verbose_name=_("emitido por"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    notificado_at = models.DateTimeField(_("notificado el"), null=True, blank=True)
    vence_at = models.DateTimeField(_("vence el"), null=True, blank=True)
    estado = models.CharField(
        _("estado"),
        max_length=20,
        choices=EstadoRequerimiento.choices,
        default=EstadoRequerimiento.PENDIENTE,
    )
    contestado_at = models.DateTimeField(_("contestado el"), null=True, blank=True)
    asiento_respuesta = models.ForeignKey(
        "registro.Asiento",
        verbose_name=_("asiento de la respuesta"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("requerimiento")
        verbose_name_plural = _("requerimientos")
        ordering = ["expediente", "issued_at", "id"]
        indexes = [
            models.Index(
                fields=["vence_at"],
                name="expedientes_req_vence_idx",
                condition=models.Q(estado="pendiente"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.expediente} · {self.get_motivo_display()}"

    @property
    def is_pending(self) -> bool:
        return self.estado == EstadoRequerimiento.PENDIENTE


class Suspension(models.Model):
    """A suspension of the resolution term (art. 22.1): from ``started_at`` to ``ended_at``."""

    expediente = models.ForeignKey(
        Expediente,
        verbose_name=_("expediente"),
        on_delete=models.CASCADE,
        related_name="suspensiones",
    )
    motivo = models.CharField(_("motivo"), max_length=20, choices=MotivoSuspension.choices)
    requerimiento = models.OneToOneField(
        Requerimiento,
        verbose_name=_("requerimiento"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="suspension",
    )
    informe = models.OneToOneField(
        "expedientes.Informe",
        verbose_name=_("informe"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="suspension",
    )
    started_at = models.DateTimeField(_("desde"))
    ended_at = models.DateTimeField(_("hasta"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspensión del plazo")
        verbose_name_plural = _("suspensiones del plazo")
        ordering = ["expediente", "started_at", "id"]

    def __str__(self) -> str:
        return f"{self.expediente} · {self.started_at:%Y-%m-%d}"


class Informe(models.Model):
    """An internal report asked of another unit or person; a mandatory and determining one
    suspends the term (art. 22.1.d). The person asked may see the file (guardian grant)."""

    expediente = models.ForeignKey(
        Expediente, verbose_name=_("expediente"), on_delete=models.CASCADE, related_name="informes"
    )
    solicitado_a = models.ForeignKey(
        _USER, verbose_name=_("solicitado a"), on_delete=models.PROTECT, related_name="+"
    )
    asunto = models.CharField(_("asunto"), max_length=300)
    preceptivo = models.BooleanField(_("preceptivo y determinante (suspende el plazo)"))
    requested_at = models.DateTimeField(_("solicitado el"))
    requested_by = models.ForeignKey(
        _USER,
        verbose_name=_("solicitado por"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    estado = models.CharField(
        _("estado"), max_length=20, choices=EstadoInforme.choices, default=EstadoInforme.SOLICITADO
    )
    emitted_at = models.DateTimeField(_("emitido el"), null=True, blank=True)
    documento = models.ForeignKey(
        DocumentoENI,
        verbose_name=_("documento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("informe")
        verbose_name_plural = _("informes")
        ordering = ["expediente", "requested_at", "id"]

    def __str__(self) -> str:
        return self.asunto


class Resolucion(models.Model):
    """The resolution: drafted from the workflow's template, signed in the portafirmas."""

    expediente = models.ForeignKey(
        Expediente,
        verbose_name=_("expediente"),
        on_delete=models.CASCADE,
        related_name="resoluciones",
    )
    sentido = models.CharField(_("sentido"), max_length=20, choices=SentidoResolucion.choices)
    texto = models.TextField(_("texto"))
    documento = models.ForeignKey(
        DocumentoENI,
        verbose_name=_("documento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    peticion_firma = models.ForeignKey(
        "firma.PeticionFirma",
        verbose_name=_("petición de firma"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    estado = models.CharField(
        _("estado"),
        max_length=20,
        choices=EstadoResolucion.choices,
        default=EstadoResolucion.BORRADOR,
    )
    drafted_at = models.DateTimeField(_("redactada el"))
    drafted_by = models.ForeignKey(
        _USER,
        verbose_name=_("redactada por"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("firmada el"), null=True, blank=True)

    class Meta:
        verbose_name = _("resolución")
        verbose_name_plural = _("resoluciones")
        ordering = ["expediente", "drafted_at", "id"]

    def __str__(self) -> str:
        return f"{self.expediente} · {self.get_sentido_display()}"


class NotificacionPendiente(models.Model):
    """A notification the processing needs but that is not sent yet.

    Created by every step that notifies (request, extension, resolution, CAT-3 communication).
    The notifications app turns each into a real notification (puesta a disposición, aviso,
    comparecencia) and reports back with ``expedientes.services.notificacion_pendiente_practicada``
    (which starts the request's term, for instance). Until then the case file page says that
    the notification is pending.
    """

    expediente = models.ForeignKey(
        Expediente,
        verbose_name=_("expediente"),
        on_delete=models.CASCADE,
        related_name="notificaciones_pendientes",
    )
    tipo = models.CharField(_("tipo"), max_length=30, choices=TipoNotificacion.choices)
    documento = models.ForeignKey(
        DocumentoENI,
        verbose_name=_("documento del acto"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    destinatarios = models.ManyToManyField(
        "identidad.Interesado", verbose_name=_("destinatarios"), related_name="+"
    )
    requerimiento = models.ForeignKey(
        Requerimiento,
        verbose_name=_("requerimiento"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notificaciones",
    )
    resolucion = models.ForeignKey(
        Resolucion,
        verbose_name=_("resolución"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notificaciones",
    )
    texto = models.TextField(_("texto"), blank=True)
    created_at = models.DateTimeField(_("creada"))
    estado = models.CharField(
        _("estado"),
        max_length=20,
        choices=EstadoNotificacionPendiente.choices,
        default=EstadoNotificacionPendiente.PENDIENTE,
    )
    practicada_at = models.DateTimeField(_("practicada el"), null=True, blank=True)
    claimed_at = models.DateTimeField(
        _("tomada por el servicio de notificaciones"), null=True, blank=True
    )
    referencia = models.CharField(
        _("referencia de la notificación"),
        max_length=100,
        blank=True,
        help_text=_("Identificador que le dé el servicio de notificaciones."),
    )

    class Meta:
        verbose_name = _("notificación pendiente")
        verbose_name_plural = _("notificaciones pendientes")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="expedientes_notif_pend_idx",
                condition=models.Q(estado="pendiente"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.expediente} · {self.get_tipo_display()}"


class IndiceElectronico(models.Model):
    """The electronic index (EXP-2, EXP-3): SHA-256 of every document in order, sealed."""

    expediente = models.ForeignKey(
        Expediente, verbose_name=_("expediente"), on_delete=models.CASCADE, related_name="indices"
    )
    motivo = models.CharField(_("motivo"), max_length=20, choices=MotivoIndice.choices)
    created_at = models.DateTimeField(_("fecha del índice"))
    entradas = models.JSONField(
        _("documentos indizados"),
        default=list,
        help_text=_("[{identificador, huella, orden, incorporado, version}]"),
    )
    xml_sellado = models.BinaryField(_("índice sellado (XML)"))
    tipo_firma = models.CharField(_("tipo de firma"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("índice electrónico")
        verbose_name_plural = _("índices electrónicos")
        ordering = ["expediente", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.expediente} · {self.created_at:%Y-%m-%d %H:%M}"


class Eliminacion(models.Model):
    """An explicit, logged disposal act (EXP-6): who disposed of which file, when, and under
    which decision of the rating authority."""

    expediente = models.OneToOneField(
        Expediente,
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="eliminacion",
    )
    identificador = models.CharField(_("identificador del expediente"), max_length=64)
    acuerdo = models.CharField(_("acuerdo de eliminación"), max_length=250)
    dictamen = models.CharField(_("dictamen aplicado"), max_length=250)
    by = models.ForeignKey(_USER, verbose_name=_("por"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("fecha"))
    documentos = models.JSONField(_("documentos eliminados"), default=list)

    class Meta:
        verbose_name = _("eliminación")
        verbose_name_plural = _("eliminaciones")
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.identificador


class Evento(models.Model):
    """One line of a case file's timeline."""

    expediente = models.ForeignKey(
        Expediente, verbose_name=_("expediente"), on_delete=models.CASCADE, related_name="eventos"
    )
    at = models.DateTimeField(_("fecha"))
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoEvento.choices)
    actor = models.ForeignKey(
        _USER,
        verbose_name=_("por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    detalle = models.CharField(_("detalle"), max_length=500, blank=True)
    visible_ciudadano = models.BooleanField(_("visible para los interesados"), default=False)

    class Meta:
        verbose_name = _("evento")
        verbose_name_plural = _("eventos")
        ordering = ["expediente", "at", "id"]
        indexes = [models.Index(fields=["expediente", "at", "id"], name="expedientes_evento_idx")]

    def __str__(self) -> str:
        return f"{self.expediente} · {self.get_tipo_display()}"


class ActuacionAutomatizada(models.Model):
    """CAT-7: an automated administrative action, listed on the sede with its design,
    functioning and the body responsible for it (RD 203/2021 art. 11.1.i; L40 art. 41.2)."""

    code = models.SlugField(_("código"), max_length=60, unique=True)
    name_es = models.CharField(_("nombre (castellano)"), max_length=200)
    name_eu = models.CharField(_("nombre (euskera)"), max_length=200, blank=True)
    design_es = models.TextField(_("diseño (castellano)"))
    design_eu = models.TextField(_("diseño (euskera)"), blank=True)
    functioning_es = models.TextField(_("funcionamiento (castellano)"))
    functioning_eu = models.TextField(_("funcionamiento (euskera)"), blank=True)
    organo_responsable = models.CharField(_("órgano responsable"), max_length=200)
    organo_responsable_eu = models.CharField(
        _("órgano responsable (euskera)"), max_length=200, blank=True
    )
    acuerdo = models.CharField(
        _("acuerdo de aprobación"),
        max_length=250,
        blank=True,
        help_text=_("Resolución que aprueba la actuación, cuando se conozca."),
    )
    task = models.CharField(
        _("tarea"), max_length=200, blank=True, help_text=_("Tarea o servicio que la ejecuta.")
    )
    active = models.BooleanField(_("vigente"), default=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        verbose_name = _("actuación administrativa automatizada")
        verbose_name_plural = _("actuaciones administrativas automatizadas")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name_es

    def _pick(self, field: str) -> str:
        if get_language() == "eu":
            value = getattr(self, f"{field}_eu", "")
            if value:
                return value
        return getattr(self, f"{field}_es")

    @property
    def name(self) -> str:
        return self._pick("name")

    @property
    def design(self) -> str:
        return self._pick("design")

    @property
    def functioning(self) -> str:
        return self._pick("functioning")

    @property
    def organo(self) -> str:
        if get_language() == "eu" and self.organo_responsable_eu:
            return self.organo_responsable_eu
        return self.organo_responsable
