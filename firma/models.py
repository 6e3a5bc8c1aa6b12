"""Documents with a CSV per version (FIR-8) and portafirmas circuits (FIR-5).

``firma`` knows nothing of the other apps: a document is bytes + a name + a MIME type that
somebody handed in. Each version of a document has its own CSV; a change is a new version.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import EstadoAccion, EstadoPaso, EstadoPeticion, ModoFirma, TipoAccion


def _version_upload_to(instance: DocumentoVersion, filename: str) -> str:  # noqa: ARG001
    now = timezone.now()
    return f"firma/documentos/{now:%Y/%m}/{uuid.uuid4().hex}"


def _trabajo_upload_to(instance: PeticionDocumento, filename: str) -> str:  # noqa: ARG001
    now = timezone.now()
    return f"firma/portafirmas/{now:%Y/%m}/{uuid.uuid4().hex}"


class Documento(models.Model):
    """A document handed to ``firma``; its content lives in its versions."""

    name = models.CharField(_("nombre"), max_length=255)
    created_at = models.DateTimeField(_("creado"), default=timezone.now)

    class Meta:
        verbose_name = _("documento")
        verbose_name_plural = _("documentos")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> DocumentoVersion | None:
        return self.versions.order_by("-numero").first()


class DocumentoVersion(models.Model):
    """One immutable version of a document, with its own CSV (FIR-8)."""

    documento = models.ForeignKey(
        Documento, verbose_name=_("documento"), on_delete=models.PROTECT, related_name="versions"
    )
    numero = models.PositiveIntegerField(_("versión"))
    content = models.FileField(_("contenido"), upload_to=_version_upload_to, max_length=200)
    name = models.CharField(_("nombre de fichero"), max_length=255)
    mime = models.CharField(_("tipo MIME"), max_length=120)
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"))
    csv = models.CharField(_("CSV"), max_length=32, unique=True)
    tipo_firma = models.CharField(
        _("tipo de firma ENI"),
        max_length=4,
        blank=True,
        help_text=_("TF06 para PAdES, vacío si el documento no lleva firma electrónica."),
    )
    note = models.CharField(_("nota"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("creada"), default=timezone.now)
    pades_level = models.CharField(
        _("nivel PAdES"),
        max_length=8,
        blank=True,
        help_text=_("B-B, B-T o B-LTA para los documentos sellados; vacío si no lo está."),
    )
    timestamp_expires_at = models.DateTimeField(
        _("caducidad del último sello de tiempo"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Antes de esta fecha se añade un nuevo sello de tiempo de archivo."),
    )

    class Meta:
        verbose_name = _("versión de documento")
        verbose_name_plural = _("versiones de documento")
        ordering = ["documento_id", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["documento", "numero"], name="firma_version_unique_numero"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.numero}"

    @property
    def csv_display(self) -> str:
        from .csv import csv_format

        return csv_format(self.csv)

    @property
    def verification_url(self) -> str:
        from .csv import csv_verification_url

        return csv_verification_url(self.csv)

    @property
    def is_current(self) -> bool:
        return not self.documento.versions.filter(numero__gt=self.numero).exists()


class FirmanteConfig(models.Model):
    """The keystore a member of staff signs with (a name from settings.FIRMA_KEYSTORES)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.CASCADE,
        related_name="firmante_config",
    )
    keystore_name = models.CharField(_("almacén de claves"), max_length=100)
    cargo = models.CharField(_("cargo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("configuración de firmante")
        verbose_name_plural = _("configuraciones de firmante")

    def __str__(self) -> str:
        return f"{self.user} → {self.keystore_name}"


class PeticionFirma(models.Model):
    """A signature request: documents and a circuit of ordered steps (FIR-5)."""

    asunto = models.CharField(_("asunto"), max_length=255)
    descripcion = models.TextField(_("descripción"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creada por"),
        on_delete=models.PROTECT,
        related_name="peticiones_firma",
    )
    created_at = models.DateTimeField(_("creada"), default=timezone.now)
    fecha_limite = models.DateTimeField(_("fecha límite"), null=True, blank=True)
    estado = models.CharField(
        _("estado"), max_length=20, choices=EstadoPeticion.choices, default=EstadoPeticion.EN_CURSO
    )
    finished_at = models.DateTimeField(_("finalizada"), null=True, blank=True)
    motivo_rechazo = models.TextField(_("motivo del rechazo"), blank=True)

    class Meta:
        verbose_name = _("petición de firma")
        verbose_name_plural = _("peticiones de firma")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.asunto


class PeticionDocumento(models.Model):
    """A document of a request: the draft handed in, the work copy and the signed result."""

    peticion = models.ForeignKey(
        PeticionFirma,
        verbose_name=_("petición"),
        on_delete=models.CASCADE,
        related_name="documentos",
    )
    orden = models.PositiveIntegerField(_("orden"), default=0)
    documento = models.ForeignKey(
        Documento, verbose_name=_("documento"), on_delete=models.PROTECT, related_name="+"
    )
    borrador = models.ForeignKey(
        DocumentoVersion,
        verbose_name=_("borrador"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    trabajo = models.FileField(
        _("copia en firma"), upload_to=_trabajo_upload_to, max_length=200, blank=True
    )
    csv_reservado = models.CharField(
        _("CSV reservado"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("CSV estampado en la copia en firma; será el de la versión firmada."),
    )
    resultado = models.ForeignKey(
        DocumentoVersion,
        verbose_name=_("versión firmada"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("documento de la petición")
        verbose_name_plural = _("documentos de la petición")
        ordering = ["peticion_id", "orden", "pk"]

    def __str__(self) -> str:
        return self.borrador.name


class PasoFirma(models.Model):
    """One step of a circuit: steps run in sequence, their actions in parallel."""

    peticion = models.ForeignKey(
        PeticionFirma, verbose_name=_("petición"), on_delete=models.CASCADE, related_name="pasos"
    )
    orden = models.PositiveIntegerField(_("orden"))
    estado = models.CharField(
        _("estado"), max_length=20, choices=EstadoPaso.choices, default=EstadoPaso.PENDIENTE
    )

    class Meta:
        verbose_name = _("paso del circuito")
        verbose_name_plural = _("pasos del circuito")
        ordering = ["peticion_id", "orden"]
        constraints = [
            models.UniqueConstraint(fields=["peticion", "orden"], name="firma_paso_unique_orden"),
        ]

    def __str__(self) -> str:
        return f"{self.peticion} · {self.orden}"


class AccionFirma(models.Model):
    """What one person must do in a step: sign or give the visto bueno."""

    paso = models.ForeignKey(
        PasoFirma, verbose_name=_("paso"), on_delete=models.CASCADE, related_name="acciones"
    )
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoAccion.choices)
    firmante = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("firmante"),
        on_delete=models.PROTECT,
        related_name="acciones_firma",
    )
    modo = models.CharField(
        _("modo"), max_length=20, choices=ModoFirma.choices, default=ModoFirma.PROPIO
    )
    en_nombre_de = models.CharField(
        _("en nombre de"),
        max_length=255,
        blank=True,
        help_text=_("Autoridad delegante (por delegación) o titular sustituido (por suplencia)."),
    )
    estado = models.CharField(
        _("estado"), max_length=20, choices=EstadoAccion.choices, default=EstadoAccion.PENDIENTE
    )
    queued_at = models.DateTimeField(_("enviada a firmar"), null=True, blank=True)
    done_at = models.DateTimeField(_("realizada"), null=True, blank=True)
    motivo_rechazo = models.TextField(_("motivo del rechazo"), blank=True)
    error = models.TextField(_("último error"), blank=True)
    last_reminder_at = models.DateTimeField(_("último recordatorio"), null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(_("recordatorios enviados"), default=0)

    class Meta:
        verbose_name = _("acción de firma")
        verbose_name_plural = _("acciones de firma")
        ordering = ["paso__peticion_id", "paso__orden", "pk"]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} · {self.firmante}"

    @property
    def peticion(self) -> PeticionFirma:
        return self.paso.peticion


class FirmaDocumento(models.Model):
    """One signature made by one action on one document of a request."""

    accion = models.ForeignKey(
        AccionFirma, verbose_name=_("acción"), on_delete=models.CASCADE, related_name="firmas"
    )
    documento = models.ForeignKey(
        PeticionDocumento,
        verbose_name=_("documento"),
        on_delete=models.CASCADE,
        related_name="firmas",
    )
    signed_at = models.DateTimeField(_("firmado"))
    signer_subject = models.CharField(_("certificado firmante"), max_length=500, blank=True)
    tipo_firma = models.CharField(_("tipo de firma ENI"), max_length=4, blank=True)
    policy_oid = models.CharField(_("OID de la política"), max_length=100, blank=True)
    leyenda = models.CharField(
        _("leyenda"),
        max_length=500,
        help_text=_("Texto de la firma visible: firmante y, en su caso, delegación o suplencia."),
    )

    class Meta:
        verbose_name = _("firma de documento")
        verbose_name_plural = _("firmas de documento")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["accion", "documento"], name="firma_firmadocumento_once"
            ),
        ]

    def __str__(self) -> str:
        return self.leyenda


class Resellado(models.Model):
    """A document timestamp added to a sealed version before its last one expired (B-LTA).

    The content grows by an incremental update: the earlier bytes stay as they were, so the
    CSV and every signature keep verifying; the hashes before and after are kept here.
    """

    version = models.ForeignKey(
        DocumentoVersion,
        verbose_name=_("versión"),
        on_delete=models.PROTECT,
        related_name="resellados",
    )
    sha256_before = models.CharField(_("huella SHA-256 anterior"), max_length=64)
    sha256_after = models.CharField(_("huella SHA-256 posterior"), max_length=64)
    expires_at = models.DateTimeField(_("caducidad del nuevo sello de tiempo"), null=True)
    created_at = models.DateTimeField(_("fecha"), default=timezone.now)

    class Meta:
        verbose_name = _("sello de tiempo de archivo")
        verbose_name_plural = _("sellos de tiempo de archivo")
        ordering = ["version_id", "created_at"]

    def __str__(self) -> str:
        return f"{self.version} @ {self.created_at:%Y-%m-%d}"
