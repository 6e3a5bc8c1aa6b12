"""Choices of the procedure catalogue (labels in Spanish, translated to Basque)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audiencia(models.TextChoices):
    CIUDADANIA = "ciudadania", _("Ciudadanía")
    EMPRESAS = "empresas", _("Empresas y profesionales")
    TODOS = "todos", _("Ciudadanía y empresas")


class FormaInicio(models.TextChoices):
    SOLICITUD = "solicitud", _("A solicitud de la persona interesada")
    OFICIO = "oficio", _("De oficio")


class UnidadPlazo(models.TextChoices):
    DIAS = "dias", _("días hábiles")
    MESES = "meses", _("meses")


class EfectoSilencio(models.TextChoices):
    """Effect of the lack of an express resolution in time (Ley 39/2015 arts. 24-25)."""

    ESTIMATORIO = "estimatorio", _("Estimatorio (positivo)")
    DESESTIMATORIO = "desestimatorio", _("Desestimatorio (negativo)")
    NO_APLICA = "no_aplica", _("No aplica (efecto inmediato o de oficio)")


class TipoEscrito(models.TextChoices):
    """What the citizen files; CAT-5 decides from it whether a signature is required."""

    SOLICITUD = "solicitud", _("Solicitud")
    DECLARACION_RESPONSABLE = "declaracion_responsable", _("Declaración responsable")
    COMUNICACION = "comunicacion", _("Comunicación previa")
    RECURSO = "recurso", _("Recurso")
    ALEGACION = "alegacion", _("Alegaciones")
    APORTACION = "aportacion", _("Aportación de documentos")
    QUEJA = "queja", _("Queja, sugerencia o consulta")
    INFORMACION = "informacion", _("Petición de información o documento")


# Ley 39/2015 art. 11.2 (CAT-5): a signature is required only for these.
TIPOS_CON_FIRMA = frozenset(
    {
        TipoEscrito.SOLICITUD,
        TipoEscrito.DECLARACION_RESPONSABLE,
        TipoEscrito.COMUNICACION,
        TipoEscrito.RECURSO,
    }
)


class Canal(models.TextChoices):
    ELECTRONICO = "electronico", _("Sede electrónica")
    PRESENCIAL = "presencial", _("Presencial (oficinas de atención ciudadana)")
    POSTAL = "postal", _("Correo postal")
    TELEFONICO = "telefonico", _("Teléfono")


class NivelDigitalizacion(models.IntegerChoices):
    INFORMACION = 0, _("0 · Solo información")
    FORMULARIO_DESCARGABLE = 1, _("1 · Formulario descargable")
    INSTANCIA_GENERAL = 2, _("2 · Tramitación electrónica con la instancia general")
    FORMULARIO_ESPECIFICO = 3, _("3 · Formulario electrónico específico")
    EXTREMO_A_EXTREMO = 4, _("4 · Electrónico de principio a fin")


# Level from which the procedure can be started online ("Iniciar trámite").
NIVEL_TRAMITACION_ONLINE = NivelDigitalizacion.INSTANCIA_GENERAL


class Prioridad(models.TextChoices):
    ALTO_IMPACTO = "alto_impacto", _("Alto impacto en la ciudadanía")
    ADMINISTRATIVO = "administrativo", _("Administrativo")
    NORMAL = "normal", _("Normal")


# Weights of the catalogue indicator (docs/catalogo.md).
PESO_PRIORIDAD = {
    Prioridad.ALTO_IMPACTO: 3,
    Prioridad.ADMINISTRATIVO: 2,
    Prioridad.NORMAL: 1,
}


class EstadoAdaptacion(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    EN_REVISION = "en_revision", _("En revisión")
    NORMALIZADO = "normalizado", _("Normalizado")
    PUBLICADO = "publicado", _("Publicado")


# The review workflow: allowed transitions (forward one step, or back to an earlier one).
TRANSICIONES_ADAPTACION: dict[str, frozenset[str]] = {
    EstadoAdaptacion.PENDIENTE: frozenset({EstadoAdaptacion.EN_REVISION}),
    EstadoAdaptacion.EN_REVISION: frozenset(
        {EstadoAdaptacion.NORMALIZADO, EstadoAdaptacion.PENDIENTE}
    ),
    EstadoAdaptacion.NORMALIZADO: frozenset(
        {EstadoAdaptacion.PUBLICADO, EstadoAdaptacion.EN_REVISION}
    ),
    EstadoAdaptacion.PUBLICADO: frozenset({EstadoAdaptacion.EN_REVISION}),
}

ESTADOS_ADAPTADOS = frozenset({EstadoAdaptacion.NORMALIZADO, EstadoAdaptacion.PUBLICADO})


class EstadoFormulario(models.TextChoices):
    """States of a form version (docs/catalogo.md, "Versiones y revisión de formularios")."""

    BORRADOR = "borrador", _("Borrador")
    EN_REVISION = "en_revision", _("En revisión")
    APROBADO = "aprobado", _("Aprobado")
    PUBLICADO = "publicado", _("Publicado")
    SUSTITUIDO = "sustituido", _("Sustituido por una versión posterior")


# Only a draft's schema and layout may change; the others are frozen (FormularioVersion.save).
ESTADOS_FORMULARIO_EDITABLES = frozenset({EstadoFormulario.BORRADOR})
# Versions still on their way to publication (at most one per procedure at a time).
ESTADOS_FORMULARIO_EN_CURSO = frozenset(
    {EstadoFormulario.BORRADOR, EstadoFormulario.EN_REVISION, EstadoFormulario.APROBADO}
)
# Published or superseded: what filings point at; never back to the workflow.
ESTADOS_FORMULARIO_FINALES = frozenset({EstadoFormulario.PUBLICADO, EstadoFormulario.SUSTITUIDO})


class AccionFormulario(models.TextChoices):
    """What a row of a version's history records (append-only, FormularioHistorial)."""

    CREADA = "creada", _("Versión creada")
    ENVIADA = "enviada", _("Enviada a revisión")
    APROBADA = "aprobada", _("Aprobada")
    DEVUELTA = "devuelta", _("Devuelta con observaciones")
    PUBLICADA = "publicada", _("Publicada")
    IMPORTADA = "importada", _("Publicada por importación del catálogo")
    SUSTITUIDA = "sustituida", _("Sustituida por una versión posterior")


# Permissions of the form workflow (FormularioVersion.Meta.permissions, granted in staff.py).
PERMISO_EDITAR_FORMULARIOS = "procedimientos.editar_formularios"
PERMISO_APROBAR_FORMULARIOS = "procedimientos.aprobar_formularios"


class EstadoAccion(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente")
    EN_CURSO = "en_curso", _("En curso")
    COMPLETADA = "completada", _("Completada")


class OrigenAvance(models.TextChoices):
    MANUAL = "manual", _("Valor registrado a mano")
    CATALOGO = "catalogo", _("Calculado a partir del catálogo")


# Group name of the catalogue managers: may edit any procedure (issue 3, back office).
GRUPO_GESTORES_CATALOGO = "Gestores del catálogo"
PERMISO_GESTION_CATALOGO = "procedimientos.gestionar_catalogo"
