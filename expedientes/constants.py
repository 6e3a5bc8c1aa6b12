"""Code lists of case files and ENI documents (legal.md DOC-1..5, EXP-1..6, CAT-6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# NTI versions (the namespace URIs the official XSDs use as VersionNTI).
VERSION_NTI_DOCUMENTO = "http://administracionelectronica.gob.es/ENI/XSD/v1.0/documento-e"
VERSION_NTI_EXPEDIENTE = "http://administracionelectronica.gob.es/ENI/XSD/v1.0/expediente-e"

# EXP-2: SHA-256 is the recommended digest; the catalogue's exact value is *unverified*, so the
# name written in FuncionResumen is a setting (EXPEDIENTES_FUNCION_RESUMEN) with this default.
FUNCION_RESUMEN_DEFAULT = "SHA256"

# CAT-6 (L39 68.1): 10 working days to correct, extendable by up to 5 (not in competitive
# procedures, 68.2).
SUBSANACION_DIAS = 10
SUBSANACION_AMPLIACION_MAX = 5


class EstadoExpediente(models.TextChoices):
    """ENI state of a case file (EXP-1)."""

    ABIERTO = "E01", _("Abierto")
    CERRADO = "E02", _("Cerrado")
    INDICE_REMISION = "E03", _("Índice cerrado para remisión")


class Fase(models.TextChoices):
    """The standard phases a workflow is built from (a workflow may rename or omit them)."""

    INICIACION = "iniciacion", _("Iniciación")
    INSTRUCCION = "instruccion", _("Instrucción")
    RESOLUCION = "resolucion", _("Resolución")
    NOTIFICACION = "notificacion", _("Notificación")
    FINALIZADO = "finalizado", _("Finalizado")


class EstadoElaboracion(models.TextChoices):
    """DOC-3."""

    ORIGINAL = "EE01", _("Original")
    COPIA_CAMBIO_FORMATO = "EE02", _("Copia electrónica auténtica con cambio de formato")
    COPIA_PAPEL = "EE03", _("Copia electrónica auténtica de documento en papel")
    COPIA_PARCIAL = "EE04", _("Copia electrónica parcial auténtica")
    OTROS = "EE99", _("Otros")


class TipoDocumental(models.TextChoices):
    """DOC-4."""

    RESOLUCION = "TD01", _("Resolución")
    ACUERDO = "TD02", _("Acuerdo")
    CONTRATO = "TD03", _("Contrato")
    CONVENIO = "TD04", _("Convenio")
    DECLARACION = "TD05", _("Declaración")
    COMUNICACION = "TD06", _("Comunicación")
    NOTIFICACION = "TD07", _("Notificación")
    PUBLICACION = "TD08", _("Publicación")
    ACUSE_RECIBO = "TD09", _("Acuse de recibo")
    ACTA = "TD10", _("Acta")
    CERTIFICADO = "TD11", _("Certificado")
    DILIGENCIA = "TD12", _("Diligencia")
    INFORME = "TD13", _("Informe")
    SOLICITUD = "TD14", _("Solicitud")
    DENUNCIA = "TD15", _("Denuncia")
    ALEGACION = "TD16", _("Alegación")
    RECURSO = "TD17", _("Recursos")
    COMUNICACION_CIUDADANO = "TD18", _("Comunicación ciudadano")
    FACTURA = "TD19", _("Factura")
    OTROS_INCAUTADOS = "TD20", _("Otros incautados")
    OTROS = "TD99", _("Otros")


class TipoFirma(models.TextChoices):
    """ENI TipoFirma (firmasEni.xsd): TF01 CSV, TF02..TF06 certificate signatures."""

    CSV = "TF01", _("CSV")
    XADES_DETACHED = "TF02", _("XAdES internally detached")
    XADES_ENVELOPED = "TF03", _("XAdES enveloped")
    CADES_DETACHED = "TF04", _("CAdES detached/explicit")
    CADES_ATTACHED = "TF05", _("CAdES attached/implicit")
    PADES = "TF06", _("PAdES")


class Origen(models.TextChoices):
    """OrigenCiudadanoAdministracion: 0 citizen, 1 administration (DOC-1)."""

    CIUDADANO = "0", _("Ciudadano")
    ADMINISTRACION = "1", _("Administración")


class RolParte(models.TextChoices):
    INTERESADO = "interesado", _("Interesado/a")
    REPRESENTANTE = "representante", _("Representante")


class TipoEntrada(models.TextChoices):
    """Why a registry entry belongs to a case file."""

    INICIO = "inicio", _("Solicitud de inicio")
    SUBSANACION = "subsanacion", _("Respuesta a un requerimiento")
    APORTACION = "aportacion", _("Aportación de documentos")
    ALEGACION = "alegacion", _("Alegaciones")
    RECURSO = "recurso", _("Recurso")


class EstadoRequerimiento(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente de respuesta")
    CONTESTADO = "contestado", _("Contestado")
    VENCIDO = "vencido", _("Plazo vencido sin respuesta")
    ANULADO = "anulado", _("Anulado")


class MotivoRequerimiento(models.TextChoices):
    SUBSANACION = "subsanacion", _("Subsanación o mejora de la solicitud (art. 68)")
    DOCUMENTO_INSEGURO = (
        "documento_inseguro",
        _("Documento con código malicioso detectado tras el registro (RD 203/2021 art. 39.2)"),
    )


class MotivoSuspension(models.TextChoices):
    SUBSANACION = "subsanacion", _("Requerimiento de subsanación (art. 22.1.a)")
    INFORME = "informe", _("Informe preceptivo (art. 22.1.d)")


class EstadoInforme(models.TextChoices):
    SOLICITADO = "solicitado", _("Solicitado")
    EMITIDO = "emitido", _("Emitido")


class SentidoResolucion(models.TextChoices):
    ESTIMATORIA = "estimatoria", _("Estimatoria")
    DESESTIMATORIA = "desestimatoria", _("Desestimatoria")
    DESISTIMIENTO = "desistimiento", _("Desistimiento (art. 68.1)")
    INADMISION = "inadmision", _("Inadmisión")
    ARCHIVO = "archivo", _("Archivo")


class EstadoResolucion(models.TextChoices):
    BORRADOR = "borrador", _("Borrador")
    EN_FIRMA = "en_firma", _("En el portafirmas")
    FIRMADA = "firmada", _("Firmada")
    RECHAZADA = "rechazada", _("Rechazada en el portafirmas")


class TipoNotificacion(models.TextChoices):
    """What a pending notification carries (the notifications app turns them into real ones)."""

    COMUNICACION_INICIO = "comunicacion_inicio", _("Comunicación de inicio (art. 21.4)")
    REQUERIMIENTO = "requerimiento", _("Requerimiento de subsanación")
    AMPLIACION = "ampliacion", _("Ampliación de plazo")
    RESOLUCION = "resolucion", _("Resolución")
    REAPERTURA = "reapertura", _("Reapertura por recurso")


class EstadoNotificacionPendiente(models.TextChoices):
    PENDIENTE = "pendiente", _("Pendiente de enviar")
    PRACTICADA = "practicada", _("Practicada")
    RECHAZADA = "rechazada", _("Rechazada")


class MotivoIndice(models.TextChoices):
    CIERRE = "cierre", _("Cierre del expediente")
    REMISION = "remision", _("Remisión")


class TipoEvento(models.TextChoices):
    """Timeline of a case file."""

    APERTURA = "apertura", _("Apertura")
    ENTRADA = "entrada", _("Entrada en el registro")
    DOCUMENTO = "documento", _("Documento incorporado")
    ASIGNACION = "asignacion", _("Asignación")
    FASE = "fase", _("Cambio de fase")
    REQUERIMIENTO = "requerimiento", _("Requerimiento")
    RESPUESTA = "respuesta", _("Respuesta al requerimiento")
    AMPLIACION = "ampliacion", _("Ampliación de plazo")
    VENCIMIENTO = "vencimiento", _("Plazo vencido")
    SUSPENSION = "suspension", _("Suspensión del plazo")
    REANUDACION = "reanudacion", _("Reanudación del plazo")
    INFORME = "informe", _("Informe")
    RESOLUCION = "resolucion", _("Resolución")
    FIRMA = "firma", _("Firma")
    NOTIFICACION = "notificacion", _("Notificación")
    CIERRE = "cierre", _("Cierre")
    REAPERTURA = "reapertura", _("Reapertura")
    INDICE = "indice", _("Índice electrónico")
    REMISION = "remision", _("Remisión")
    ARCHIVO = "archivo", _("Archivo")
    ELIMINACION = "eliminacion", _("Eliminación")
