"""Choices of the registro app. Codes follow SICRES where SICRES has a code list (REG-8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Limits from SICRES 4.0 / 3.0 (REG-7).
MAX_RESUMEN = 240
MAX_EXPONE = 4000
MAX_SOLICITA = 4000
MAX_IDEMPOTENCY_KEY = 80
MIN_SCAN_PPI = 200  # REG-12 (NTI de Digitalización IV.2)


class Direccion(models.TextChoices):
    """REG-6: entries and exits live in the same registry (SICRES Tipo_Registro 0/1)."""

    ENTRADA = "E", _("Entrada")
    SALIDA = "S", _("Salida")


class TipoOficina(models.TextChoices):
    SEDE = "sede", _("Sede electrónica")
    PRESENCIAL = "presencial", _("Oficina de atención presencial")


class Canal(models.TextChoices):
    """How the submission reached the registry (SICRES 3 Canal: 01 postal/02 DEH/03 sede)."""

    SEDE = "sede", _("Sede electrónica")
    API = "api", _("Integración (API)")
    PRESENCIAL = "presencial", _("Presencial (oficina)")
    CORREO = "correo", _("Correo postal")
    SIR = "sir", _("Otra administración (SIR)")


class EstadoAsiento(models.TextChoices):
    """The entry exists from the moment it is numbered; the sealed receipt follows (REG-5)."""

    JUSTIFICANTE_PENDIENTE = "pendiente", _("Registrado, justificante pendiente")
    JUSTIFICANTE_SELLADO = "sellado", _("Registrado, justificante sellado")


class RolInteresado(models.TextChoices):
    INTERESADO = "interesado", _("Interesado")
    REPRESENTANTE = "representante", _("Representante")


class TipoAnexo(models.TextChoices):
    """SICRES Tipo_Anexo (REG-8)."""

    FORMULARIO = "01", _("Formulario")
    DOCUMENTO = "02", _("Documento adjunto")
    FICHERO_TECNICO = "03", _("Fichero técnico")


class ValidezDocumento(models.TextChoices):
    """SICRES 3 Validez_Documento (REG-8). A scan of paper at an office is 02 (REG-12)."""

    COPIA = "01", _("Copia")
    COPIA_AUTENTICA = "02", _("Copia auténtica (digitalización de papel)")
    COPIA_ORIGINAL = "03", _("Copia original")
    ORIGINAL = "04", _("Original")


class DocumentacionFisica(models.TextChoices):
    """SICRES Documentacion_Fisica (REG-8)."""

    REQUERIDA = "1", _("Acompaña documentación física requerida")
    COMPLEMENTARIA = "2", _("Acompaña documentación física complementaria")
    NINGUNA = "3", _("No acompaña documentación física")
