"""ENI documents (DOC-1..5): metadata, content versions and signatures."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..constants import EstadoElaboracion, Origen, TipoDocumental, TipoFirma


def documento_identificador(*, dir3: str, year: int, pk: int) -> str:
    """DOC-2: ``ES_<Órgano 9>_<AAAA>_<ID 30>`` (NTI-DOC Annex I note 2)."""
    return f"ES_{dir3}_{year:04d}_{pk:030d}"


def _version_upload_to(instance: DocumentoVersionENI, filename: str) -> str:  # noqa: ARG001
    now = timezone.now()
    return f"expedientes/documentos/{now:%Y/%m}/{uuid.uuid4().hex}"


class DocumentoENI(models.Model):
    """An electronic document (DOC-1): its ENI metadata; its content lives in its versions.

    Metadata do not change after capture except to correct an error (DOC-1): the services
    only write them through ``documento_metadata_correct``, which records why.
    Copies (EE02..EE04) keep the original's identifier in ``identificador_origen`` (DOC-3).
    """

    identificador = models.CharField(
        _("identificador ENI"), max_length=64, unique=True, null=True, blank=True
    )
    organo = models.CharField(_("órgano (DIR3)"), max_length=9)
    fecha_captura = models.DateTimeField(_("fecha de captura"))
    origen = models.CharField(_("origen"), max_length=1, choices=Origen.choices)
    estado_elaboracion = models.CharField(
        _("estado de elaboración"), max_length=4, choices=EstadoElaboracion.choices
    )
    identificador_origen = models.CharField(
        _("identificador del documento origen"), max_length=64, blank=True
    )
    tipo_documental = models.CharField(
        _("tipo documental"), max_length=4, choices=TipoDocumental.choices
    )
    nombre = models.CharField(_("nombre"), max_length=255)
    # Where it came from: the registered document it is (a plain reference: registro never
    # knows about expedientes), used when registro flags a document as unsafe (REG-11).
    asiento_documento_id = models.BigIntegerField(
        _("documento del asiento"), null=True, blank=True, db_index=True
    )
    inseguro_at = models.DateTimeField(_("marcado como inseguro"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("incorporado por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    actual = models.ForeignKey(
        "expedientes.DocumentoVersionENI",
        verbose_name=_("versión vigente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    correcciones = models.JSONField(
        _("correcciones de metadatos"),
        default=list,
        blank=True,
        help_text=_("Cada corrección de error con fecha, autor, valores anteriores y motivo."),
    )

    class Meta:
        verbose_name = _("documento ENI")
        verbose_name_plural = _("documentos ENI")
        ordering = ["-fecha_captura", "-id"]

    def __str__(self) -> str:
        return f"{self.nombre} ({self.identificador or self.pk})"

    @property
    def is_copy(self) -> bool:
        return self.estado_elaboracion in (
            EstadoElaboracion.COPIA_CAMBIO_FORMATO,
            EstadoElaboracion.COPIA_PAPEL,
            EstadoElaboracion.COPIA_PARCIAL,
        )


class DocumentoVersionENI(models.Model):
    """One immutable version of a document's content, stored through the storage backend.

    A version may share its stored file with the registered document it comes from (content-
    addressed in registro) or with the firma version (CSV, signatures) it was issued as.
    """

    documento = models.ForeignKey(
        DocumentoENI,
        verbose_name=_("documento"),
        on_delete=models.PROTECT,
        related_name="versiones",
    )
    numero = models.PositiveIntegerField(_("versión"))
    content = models.FileField(_("contenido"), upload_to=_version_upload_to, max_length=200)
    mime = models.CharField(_("tipo MIME"), max_length=120)
    nombre_formato = models.CharField(
        _("formato"), max_length=20, help_text=_("Nombre del formato (catálogo de estándares).")
    )
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    tipo_firma = models.CharField(
        _("tipo de firma"), max_length=4, choices=TipoFirma.choices, blank=True
    )
    csv = models.CharField(_("CSV"), max_length=32, blank=True)
    firma_version = models.ForeignKey(
        "firma.DocumentoVersion",
        verbose_name=_("versión en firma"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("creada"), default=timezone.now)
    note = models.CharField(_("nota"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("versión de documento ENI")
        verbose_name_plural = _("versiones de documento ENI")
        ordering = ["documento", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["documento", "numero"], name="expedientes_version_numero_unico"
            )
        ]

    def __str__(self) -> str:
        return f"{self.documento.nombre} v{self.numero}"
