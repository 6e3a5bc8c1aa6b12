"""Choices of the notifications app (Ley 39/2015 arts. 40–46; RD 203/2021 arts. 41–45)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Clase(models.TextChoices):
    NOTIFICACION = "notificacion", _("Notificación")
    COMUNICACION = "comunicacion", _("Comunicación")


class Canal(models.TextChoices):
    ELECTRONICO = "electronico", _("Electrónico (sede)")
    PAPEL = "papel", _("Papel")


class Estado(models.TextChoices):
    """States of a notification; transitions only through ``notificaciones.services``."""

    PREPARADA = "preparada", _("Preparada")
    PUESTA = "puesta", _("Puesta a disposición")
    ACEPTADA = "aceptada", _("Aceptada (comparecencia)")
    RECHAZADA = "rechazada", _("Rechazada")
    EXPIRADA = "expirada", _("Rechazada por transcurrir diez días naturales")
    PAPEL = "papel", _("Practicada en papel")
    LEIDA = "leida", _("Leída")  # comunicaciones: no legal effect, just read

    @classmethod
    def finales(cls) -> tuple[str, ...]:
        return (cls.ACEPTADA, cls.RECHAZADA, cls.EXPIRADA, cls.PAPEL, cls.LEIDA)


class TipoEvidencia(models.TextChoices):
    """NOT-9: one sealed acuse per event."""

    PUESTA = "puesta", _("Puesta a disposición")
    ACCESO = "acceso", _("Acceso al contenido")
    RECHAZO = "rechazo", _("Rechazo expreso")
    EXPIRACION = "expiracion", _("Rechazo por transcurso del plazo")
    PAPEL = "papel", _("Entrega en papel")


class MotivoCanal(models.TextChoices):
    """Why the channel is what it is (NOT-2, NOT-3)."""

    OBLIGADO = "obligado", _("Obligado a relacionarse electrónicamente (art. 14.2)")
    ELEGIDO = "elegido", _("Eligió la notificación electrónica")
    PAPEL_ELEGIDO = "papel_elegido", _("No eligió la notificación electrónica")
    SIN_ELECCION = "sin_eleccion", _("No consta su elección: en papel y también en la sede")
    NO_DIGITALIZABLE = "no_digitalizable", _("Contiene elementos que no se pueden digitalizar")


class CanalAviso(models.TextChoices):
    EMAIL = "email", _("Correo electrónico")
    SMS = "sms", _("SMS")


class TipoAviso(models.TextChoices):
    PUESTA = "puesta", _("Aviso de puesta a disposición")
    RECORDATORIO = "recordatorio", _("Recordatorio antes del vencimiento")


class EstadoAviso(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    ENVIADO = "enviado", _("Enviado")
    FALLIDO = "fallido", _("Fallido")


class ResultadoPapel(models.TextChoices):
    """NOT-11: outcome of a delivery attempt on paper."""

    ENTREGADA = "entregada", _("Entregada")
    AUSENTE = "ausente", _("Ausente")
    DESCONOCIDO = "desconocido", _("Desconocido en el domicilio")
    DIRECCION_INCORRECTA = "direccion", _("Dirección incorrecta")
    RECHAZADA = "rechazada", _("Rechazada por el destinatario")

    @classmethod
    def practica(cls) -> tuple[str, ...]:
        """Outcomes that practise the notification (art. 41.5: a refusal also practises it)."""
        return (cls.ENTREGADA, cls.RECHAZADA)


class EstadoRemesa(models.TextChoices):
    PREPARADA = "preparada", _("Preparada")
    EN_CURSO = "en_curso", _("En curso")
    TERMINADA = "terminada", _("Terminada")
