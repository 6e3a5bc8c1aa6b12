"""Code lists of the registry exchange (SICRES 4.0, REG-7..10) and the states of an exchange.

The codes are SICRES's own (``legal.md`` REG-8); the states are ours: they say where an
exchange is in the NTI-SICRES4 §V flow and which control message is still owed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Lengths of the SICRES 4.0 fields we generate or key on (REG-7).
MAX_IDENTIFICADOR_INTERCAMBIO = 33
MAX_IDENTIFICADOR_FICHERO = 50
MAX_CODIGO_ENTIDAD = 21
MAX_DESCRIPCION_MENSAJE = 1024


class TipoAnotacion(models.TextChoices):
    """``Tipo_Anotacion`` of a data message (NTI-SICRES4 §V.2; REG-8).

    SICRES 4.0's XSD allows 01..03 in the file; 04 (SICRES 3) is kept for the history of a
    rejection, which SICRES 4.0 carries as the control message 05 (``TipoMensaje.RECHAZO``).
    """

    PENDIENTE = "01", _("Pendiente")
    ENVIO = "02", _("Envío")
    REENVIO = "03", _("Reenvío")
    RECHAZO = "04", _("Rechazo")


class TipoMensaje(models.TextChoices):
    """``Tipo_Mensaje`` of a control message (NTI-SICRES4 §V.3; REG-8)."""

    ACK = "01", _("ACK")
    ERROR = "02", _("Error")
    CONFIRMACION = "03", _("Confirmación")
    ACK_CONFIRMACION = "04", _("ACK de confirmación")
    RECHAZO = "05", _("Rechazo")
    ACK_RECHAZO = "06", _("ACK de rechazo")


# The technical answer each message expects (NTI-SICRES4 §V.3).
ACK_OF = {
    TipoMensaje.CONFIRMACION: TipoMensaje.ACK_CONFIRMACION,
    TipoMensaje.RECHAZO: TipoMensaje.ACK_RECHAZO,
}


class TipoTransporte(models.TextChoices):
    """``Tipo_Transporte_Entrada`` (REG-8: 01–07; the SICRES 4.0 XSD also admits 08)."""

    SERVICIO_MENSAJEROS = "01", _("Servicio de mensajeros")
    CORREO_POSTAL = "02", _("Correo postal")
    CORREO_CERTIFICADO = "03", _("Correo postal certificado")
    BUROFAX = "04", _("Burofax")
    EN_MANO = "05", _("En mano")
    FAX = "06", _("Fax")
    OTROS = "07", _("Otros")
    OTROS_08 = "08", _("Otros (SICRES 4.0)")


class TipoDocumentoIdentificacion(models.TextChoices):
    """``Tipo_Documento_Identificacion`` of a party (REG-8)."""

    NIF = "N", _("NIF")
    CIF = "C", _("CIF")
    PASAPORTE = "P", _("Pasaporte")
    NIE = "E", _("NIE")
    OTROS = "X", _("Otros de persona física")
    CODIGO_ORIGEN = "O", _("Código de origen")


class IndicadorPrueba(models.TextChoices):
    """``Indicador_Prueba`` (REG-8; NTI-SICRES4 §VI.3)."""

    NORMAL = "0", _("Intercambio real")
    PRUEBA = "1", _("Prueba")


class Sentido(models.TextChoices):
    SALIDA = "salida", _("Enviado a otra administración")
    ENTRADA = "entrada", _("Recibido de otra administración")


class EstadoIntercambio(models.TextChoices):
    """Where an exchange is. Only ``registro.sir.services`` changes it (REG-8..10)."""

    # Outgoing
    PENDIENTE = "pendiente", _("Pendiente de envío")
    ENVIADO = "enviado", _("Enviado, recibido por el destino (ACK)")
    CONFIRMADO = "confirmado", _("Confirmado por el destino")
    RECHAZADO = "rechazado", _("Rechazado")
    ERROR = "error", _("Error")
    # Incoming
    RECIBIDO = "recibido", _("Recibido, pendiente de confirmar (pre-asiento)")
    ACEPTADO = "aceptado", _("Confirmado: asiento de entrada")
    DEVUELTO = "devuelto", _("Rechazado y devuelto al origen")
    REENVIADO = "reenviado", _("Reenviado a otra entidad registral")
    # A file downloaded before exchanges were sent for real (no delivery, no tray).
    EXPORTADO = "exportado", _("Fichero descargado, no enviado")


FINAL_STATES = {
    EstadoIntercambio.CONFIRMADO,
    EstadoIntercambio.RECHAZADO,
    EstadoIntercambio.ACEPTADO,
    EstadoIntercambio.DEVUELTO,
    EstadoIntercambio.REENVIADO,
    EstadoIntercambio.EXPORTADO,
}


class Pendiente(models.TextChoices):
    """What this registry still owes the other side and re-sends until answered (outbox)."""

    NADA = "", _("Nada")
    FICHERO = "fichero", _("Fichero de intercambio (espera ACK)")
    CONFIRMACION = TipoMensaje.CONFIRMACION.value, _("Confirmación (espera ACK)")
    RECHAZO = TipoMensaje.RECHAZO.value, _("Rechazo (espera ACK)")


class CodigoError(models.TextChoices):
    """``Codigo_Error`` (4 characters) of an Error message.

    The NTI's table of error codes (Anexo 1.D) is not in the published text (legal.md): these
    are our reading, grouped as the NTI groups errors (§VI.5: validation, addressing, rules).
    """

    XSD = "0001", _("El fichero no es válido según el esquema SICRES 4.0")
    XML = "0002", _("El mensaje no es XML bien formado")
    HASH = "0010", _("La huella de un anexo no corresponde a su contenido")
    ANEXO = "0011", _("Un anexo no es admisible (tipo, tamaño o contenido)")
    IDENTIFICADOR = "0012", _("Identificador de intercambio o de fichero no válido")
    FIRMA = "0013", _("La firma de un anexo no es válida")
    DESTINO = "0020", _("La entidad registral de destino no es de este registro")
    DUPLICADO = "0030", _("Intercambio duplicado con contenido distinto")
    DESCONOCIDO = "0031", _("Mensaje de control de un intercambio desconocido")
    ESTADO = "0032", _("Mensaje no esperado en el estado del intercambio")
