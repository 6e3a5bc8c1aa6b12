"""Choices of the powers-of-attorney registry (legal.md REA-1..9, HAB-1..3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# REA-4: a power (and each extension) lasts at most five years from its registration.
MAX_VALIDITY_YEARS = 5
# REA-6: the apoderado must accept within 20 working days, else the power is not accepted.
ACCEPTANCE_WORKING_DAYS = 20


class TipoApoderamiento(models.TextChoices):
    """REA-2: the three kinds of power of the registry."""

    GENERAL = "general", _("General (ante cualquier administración)")
    ADMINISTRACION = "administracion", _("Ante esta administración")
    TRAMITES = "tramites", _("Para trámites concretos")


class EstadoApoderamiento(models.TextChoices):
    PENDIENTE_ACEPTACION = "pendiente_aceptacion", _("Pendiente de aceptación")
    PENDIENTE_BASTANTEO = "pendiente_bastanteo", _("Pendiente de bastanteo")
    ACTIVO = "activo", _("Vigente")
    REVOCADO = "revocado", _("Revocado")
    RENUNCIADO = "renunciado", _("Renunciado")
    CADUCADO = "caducado", _("Caducado")
    NO_ACEPTADO = "no_aceptado", _("No aceptado")


ESTADOS_PENDIENTES = (
    EstadoApoderamiento.PENDIENTE_ACEPTACION,
    EstadoApoderamiento.PENDIENTE_BASTANTEO,
)
ESTADOS_FINALES = (
    EstadoApoderamiento.REVOCADO,
    EstadoApoderamiento.RENUNCIADO,
    EstadoApoderamiento.CADUCADO,
    EstadoApoderamiento.NO_ACEPTADO,
)


class CanalOtorgamiento(models.TextChoices):
    """REA-3: apud acta on the sede, or in person at an assistance (district) office."""

    SEDE = "sede", _("Sede electrónica (apud acta)")
    OFICINA = "oficina", _("Oficina de asistencia en materia de registros")


class TipoEvento(models.TextChoices):
    """Every change of a power is registered, and takes effect from its registration (REA-5)."""

    REGISTRO = "registro", _("Inscripción")
    ACEPTACION = "aceptacion", _("Aceptación")
    BASTANTEO = "bastanteo", _("Bastanteo")
    REVOCACION = "revocacion", _("Revocación")
    RENUNCIA = "renuncia", _("Renuncia")
    PRORROGA = "prorroga", _("Prórroga")
    CADUCIDAD = "caducidad", _("Caducidad")
    NO_ACEPTACION = "no_aceptacion", _("No aceptación en plazo")


class TipoHabilitacion(models.TextChoices):
    """HAB-1: the registry of authorised staff, per kind."""

    IDENTIFICACION_FIRMA = (
        "identificacion_firma",
        _("Identificación y firma en nombre de la ciudadanía"),
    )
    COPIAS_AUTENTICAS = "copias_autenticas", _("Expedición de copias auténticas")
    OFICINA_ASISTENCIA = "oficina_asistencia", _("Oficina de asistencia en materia de registros")


class ViaRepresentacion(models.TextChoices):
    """On what ground a person acts for an interesado."""

    PROPIA = "propia", _("En nombre propio")
    APODERAMIENTO = "apoderamiento", _("Apoderamiento")
    HABILITACION = "habilitacion", _("Funcionario habilitado")


class DocumentoIdentidad(models.TextChoices):
    """The identity document an authorised official checks at the desk (HAB-2)."""

    DNI = "dni", _("DNI")
    NIE = "nie", _("NIE / tarjeta de residencia")
    PASAPORTE = "pasaporte", _("Pasaporte")


class FirmaConsentimiento(models.TextChoices):
    """How the citizen signed the express consent (HAB-2): both keep the signed copy."""

    PAPEL = "papel", _("Firmado en papel y digitalizado")
    TABLETA = "tableta", _("Firmado en tableta")
