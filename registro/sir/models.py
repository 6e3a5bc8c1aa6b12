"""Registry exchange with other administrations (SIR, SICRES 4.0; REG-7..10).

``Intercambio`` is one exchange, outgoing or incoming, with its ``Identificador_Intercambio``
(REG-9: from ``ContadorIntercambio``, gapless per registry entity and year), its state and
what this registry still owes the other side (the outbox: ``pendiente`` + next attempt).
``IntercambioFichero`` holds the files' ``Identificador_Fichero``s and hashes (the duplicate
check of REG-10 is a unique constraint on them); ``IntercambioEvento`` is the append-only
history of every message sent or received and every change of state.

Only ``registro.sir.services`` writes these rows. The models live in app ``registro``
(imported at the end of ``registro/models.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import (
    MAX_CODIGO_ENTIDAD,
    MAX_DESCRIPCION_MENSAJE,
    MAX_IDENTIFICADOR_FICHERO,
    MAX_IDENTIFICADOR_INTERCAMBIO,
    CodigoError,
    EstadoIntercambio,
    Pendiente,
    Sentido,
    TipoAnotacion,
    TipoMensaje,
)

__all__ = ["ContadorIntercambio", "Intercambio", "IntercambioEvento", "IntercambioFichero"]


def fichero_upload_to(instance: Intercambio, filename: str) -> str:
    return f"registro/sir/{instance.sentido}/{instance.identificador}.xml"


class ContadorIntercambio(models.Model):
    """REG-9: the last sequence given per registry entity (office code) and year. Taken
    LAST in the creating transaction (``UPDATE ... RETURNING``), so a rollback gives the
    number back and identifiers have no gaps — the pattern of ``registro.Contador``."""

    entidad = models.CharField(_("entidad registral"), max_length=MAX_CODIGO_ENTIDAD)
    year = models.PositiveSmallIntegerField(_("año"))
    last_seq = models.PositiveIntegerField(_("último número"), default=0)

    class Meta:
        verbose_name = _("contador de intercambios")
        verbose_name_plural = _("contadores de intercambios")
        constraints = [
            models.UniqueConstraint(
                fields=["entidad", "year"], name="registro_contador_intercambio_unico"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entidad}_{self.year % 100:02}_{self.last_seq:08}"


class Intercambio(models.Model):
    """One SICRES 4.0 exchange (REG-7..10), outgoing (``salida``) or incoming (``entrada``)."""

    sentido = models.CharField(
        _("sentido"), max_length=10, choices=Sentido.choices, default=Sentido.SALIDA
    )
    tipo_anotacion = models.CharField(
        _("tipo de anotación"),
        max_length=2,
        choices=TipoAnotacion.choices,
        default=TipoAnotacion.ENVIO,
    )
    identificador = models.CharField(
        _("identificador de intercambio"), max_length=MAX_IDENTIFICADOR_INTERCAMBIO, null=True
    )
    estado = models.CharField(
        _("estado"),
        max_length=12,
        choices=EstadoIntercambio.choices,
        default=EstadoIntercambio.PENDIENTE,
    )
    asiento = models.ForeignKey(
        "registro.Asiento",
        verbose_name=_("asiento"),
        on_delete=models.PROTECT,
        related_name="intercambios",
        null=True,
        blank=True,
        help_text=_("El asiento enviado, o el asiento de entrada creado al confirmar."),
    )
    oficina = models.ForeignKey(
        "registro.Oficina",
        verbose_name=_("oficina"),
        on_delete=models.PROTECT,
        related_name="intercambios",
        null=True,
        blank=True,
        help_text=_("La oficina de este registro que envía o a la que va dirigido."),
    )
    entidad_origen = models.CharField(
        _("entidad registral de origen"), max_length=MAX_CODIGO_ENTIDAD, blank=True
    )
    entidad_origen_nombre = models.CharField(
        _("nombre de la entidad de origen"), max_length=120, blank=True
    )
    entidad_destino = models.CharField(
        _("entidad registral de destino"), max_length=MAX_CODIGO_ENTIDAD
    )
    entidad_destino_nombre = models.CharField(
        _("nombre de la entidad de destino"), max_length=120, blank=True
    )
    entidad_inicio = models.CharField(
        _("entidad registral de inicio"), max_length=MAX_CODIGO_ENTIDAD, blank=True
    )
    unidad_destino_codigo = models.CharField(
        _("unidad de tramitación de destino"), max_length=MAX_CODIGO_ENTIDAD, blank=True
    )
    numero_registro_origen = models.CharField(
        _("número de registro en origen"), max_length=20, blank=True
    )
    fecha_registro_origen = models.CharField(
        _("fecha de registro en origen"), max_length=19, blank=True
    )
    numero_registro_destino = models.CharField(
        _("número de registro en destino"), max_length=20, blank=True
    )
    fecha_registro_destino = models.CharField(
        _("fecha de registro en destino"), max_length=19, blank=True
    )
    resumen = models.CharField(_("resumen"), max_length=240, blank=True)
    interesado = models.CharField(_("interesado"), max_length=200, blank=True)
    motivo = models.CharField(
        _("motivo"), max_length=MAX_DESCRIPCION_MENSAJE, blank=True, help_text=_("Del rechazo.")
    )
    codigo_error = models.CharField(
        _("código de error"), max_length=4, choices=CodigoError.choices, blank=True
    )
    prueba = models.BooleanField(_("prueba"), default=False)
    fichero = models.FileField(
        _("fichero recibido"), upload_to=fichero_upload_to, max_length=200, blank=True
    )
    huella = models.CharField(_("huella de los anexos"), max_length=64, blank=True)
    # Outbox (REG-10): what this registry still owes the other side, re-sent until answered.
    pendiente = models.CharField(
        _("pendiente de envío"), max_length=8, choices=Pendiente.choices, blank=True
    )
    intentos = models.PositiveIntegerField(_("intentos"), default=0)
    proximo_intento_at = models.DateTimeField(_("próximo intento"), null=True, blank=True)
    ultimo_error = models.CharField(_("último error de envío"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creado por"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("intercambio SICRES")
        verbose_name_plural = _("intercambios SICRES")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sentido", "identificador"], name="registro_intercambio_unico"
            )
        ]
        indexes = [
            models.Index(
                fields=["proximo_intento_at"],
                name="registro_sir_outbox_idx",
                condition=~models.Q(pendiente=""),
            ),
            models.Index(fields=["sentido", "estado", "created_at"], name="registro_sir_tray_idx"),
        ]

    def __str__(self) -> str:
        return self.identificador or ""

    @property
    def is_incoming(self) -> bool:
        return self.sentido == Sentido.ENTRADA


class IntercambioFichero(models.Model):
    """A file (annex) of an exchange: ``Identificador_Fichero`` and its hash (REG-10)."""

    intercambio = models.ForeignKey(Intercambio, on_delete=models.CASCADE, related_name="ficheros")
    sentido = models.CharField(max_length=10, choices=Sentido.choices)
    identificador_intercambio = models.CharField(max_length=MAX_IDENTIFICADOR_INTERCAMBIO)
    identificador_fichero = models.CharField(
        _("identificador de fichero"), max_length=MAX_IDENTIFICADOR_FICHERO
    )
    secuencia = models.PositiveIntegerField(_("secuencia"))
    nombre = models.CharField(_("nombre"), max_length=80)
    mime = models.CharField(_("tipo MIME"), max_length=80, blank=True)
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"), default=0)
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("fichero de intercambio")
        verbose_name_plural = _("ficheros de intercambio")
        ordering = ["intercambio", "secuencia"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "sentido",
                    "identificador_intercambio",
                    "identificador_fichero",
                    "secuencia",
                ],
                name="registro_sir_fichero_unico",
            )
        ]

    def __str__(self) -> str:
        return self.identificador_fichero


class AppendOnlyError(Exception):
    pass


class IntercambioEvento(models.Model):
    """One line of an exchange's history: a message sent or received, a change of state.
    Append-only: a saved event is never changed or deleted."""

    intercambio = models.ForeignKey(Intercambio, on_delete=models.PROTECT, related_name="eventos")
    at = models.DateTimeField(_("instante"))
    accion = models.CharField(_("acción"), max_length=40)
    mensaje = models.CharField(_("mensaje"), max_length=2, choices=TipoMensaje.choices, blank=True)
    estado_anterior = models.CharField(
        _("estado anterior"), max_length=12, choices=EstadoIntercambio.choices, blank=True
    )
    estado = models.CharField(_("estado"), max_length=12, choices=EstadoIntercambio.choices)
    detalle = models.CharField(_("detalle"), max_length=1024, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evento de intercambio")
        verbose_name_plural = _("eventos de intercambio")
        ordering = ["intercambio", "at", "id"]

    def __str__(self) -> str:
        return f"{self.accion} {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The history of an exchange is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The history of an exchange is append-only.")
