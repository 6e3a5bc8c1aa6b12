from django.db import models
from django.utils.translation import gettext_lazy as _


class TipoPersona(models.TextChoices):
    FISICA = "fisica", _("Persona física")
    JURIDICA = "juridica", _("Persona jurídica")


class TipoUnidad(models.TextChoices):
    ENTIDAD = "entidad", _("Entidad (ayuntamiento)")
    AREA = "area", _("Área o departamento")
    SERVICIO = "servicio", _("Servicio")
    OFICINA_DISTRITO = "oficina_distrito", _("Oficina de distrito")
    ORGANISMO = "organismo", _("Organismo autónomo o sociedad municipal")


class NivelGarantia(models.IntegerChoices):
    """eIDAS level of assurance of an identification (Reglamento 910/2014 art. 8)."""

    BAJO = 1, _("Bajo")
    SUSTANCIAL = 2, _("Sustancial")
    ALTO = 3, _("Alto")


class MetodoIdentificacion(models.TextChoices):
    BAKQ = "bakq", _("BakQ (Giltza)")
    CERTIFICADO = "cert", _("Certificado electrónico")
    MOVIL = "mobile", _("Identificación móvil (Giltza)")
    CLAVE = "clave", _("Cl@ve")
    PASSWORD = "password", _("Usuario y contraseña (personal municipal)")
    PASSWORD_TOTP = "password_totp", _("Contraseña y segundo factor (personal municipal)")
    CORPORATIVO = "corporativo", _("Identidad corporativa del Ayuntamiento (personal)")


class ResultadoAuditoria(models.TextChoices):
    OK = "ok", _("Correcto")
    DENEGADO = "denegado", _("Denegado")
    ERROR = "error", _("Error")
