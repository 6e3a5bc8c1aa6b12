"""The single electronic registry: offices, asientos (entries and exits), their parties and
documents, and the per-year counters that number them (REG-1..6)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .constants import (
    MAX_IDEMPOTENCY_KEY,
    MAX_RESUMEN,
    Canal,
    Direccion,
    DocumentacionFisica,
    EstadoAsiento,
    RolInteresado,
    TipoAnexo,
    TipoOficina,
    ValidezDocumento,
)

GENESIS_HASH = "0" * 64

validate_office_code = RegexValidator(
    r"^[A-Z0-9]{1,21}$",
    _("Código de oficina no válido: hasta 21 letras mayúsculas o cifras (formato DIR3)."),
)


def format_numero(year: int, direction: str, seq: int) -> str:
    """``2026/E/00000042`` (REG-4)."""
    return f"{year}/{direction}/{seq:08}"


class Oficina(models.Model):
    """A registry office: the sede electrónica itself or a district office (Zuzenean)."""

    code = models.CharField(
        _("código de oficina (DIR3)"),
        max_length=21,
        unique=True,
        validators=[validate_office_code],
    )
    name_es = models.CharField(_("nombre (castellano)"), max_length=200)
    name_eu = models.CharField(_("nombre (euskera)"), max_length=200, blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=TipoOficina.choices)
    unidad = models.ForeignKey(
        "identidad.Unidad",
        verbose_name=_("entidad registral"),
        on_delete=models.PROTECT,
        related_name="oficinas_registro",
        help_text=_("Unidad DIR3 a la que pertenece la oficina (la del Ayuntamiento)."),
    )
    address = models.CharField(_("dirección"), max_length=250, blank=True)
    active = models.BooleanField(_("activa"), default=True)
    personal = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personal de la oficina"),
        blank=True,
        related_name="oficinas_registro",
        help_text=_(
            "Quien tiene el rol de encargado/a de registro ve los asientos de sus oficinas "
            "y registra en ellas."
        ),
    )
    # Office directory published on the sede (SEDE-2): data staff edit, no external scripts.
    publicada = models.BooleanField(
        _("publicar en el directorio de oficinas"),
        default=False,
        help_text=_("Oficina de asistencia en materia de registros visible en la sede."),
    )
    codigo_postal = models.CharField(_("código postal"), max_length=5, blank=True)
    municipio = models.CharField(_("municipio"), max_length=100, blank=True, default="Bilbao")
    horario_es = models.TextField(_("horario (castellano)"), blank=True)
    horario_eu = models.TextField(_("horario (euskera)"), blank=True)
    servicios_es = models.TextField(
        _("servicios (castellano)"), blank=True, help_text=_("Uno por línea.")
    )
    servicios_eu = models.TextField(
        _("servicios (euskera)"), blank=True, help_text=_("Uno por línea.")
    )
    telefono = models.CharField(_("teléfono"), max_length=30, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    latitud = models.DecimalField(
        _("latitud"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitud = models.DecimalField(
        _("longitud"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("oficina de registro")
        verbose_name_plural = _("oficinas de registro")
        ordering = ["kind", "name_es"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        if get_language() == "eu" and self.name_eu:
            return self.name_eu
        return self.name_es

    def _localised(self, field: str) -> str:
        value = getattr(self, f"{field}_es")
        if get_language() == "eu":
            value = getattr(self, f"{field}_eu") or value
        return value

    @property
    def horario(self) -> str:
        return self._localised("horario")

    @property
    def servicios(self) -> list[str]:
        return [line.strip() for line in self._localised("servicios").splitlines() if line.strip()]

    @property
    def map_url(self) -> str:
        """A plain link to OpenStreetMap (no embedded map, no external script)."""
        if self.latitud is None or self.longitud is None:
            return ""
        lat, lon = f"{self.latitud:.6f}", f"{self.longitud:.6f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"


class Contador(models.Model):
    """One row per year and direction: the last number given and the head of the hash chain.

    The registry's one serial point. It is locked LAST in the registering transaction
    (``UPDATE ... RETURNING``) and held only for the final update and the commit, so a
    rollback returns the number and the sequence stays gapless (REG-4).
    """

    year = models.PositiveSmallIntegerField(_("año"))
    direction = models.CharField(_("sentido"), max_length=1, choices=Direccion.choices)
    last_seq = models.PositiveIntegerField(_("último número"), default=0)
    last_hash = models.CharField(_("último hash"), max_length=64, default=GENESIS_HASH)
    # Written by the one numbering statement (PostgreSQL): the hash before ``last_hash`` and
    # the instant the last number was given, so the entry row takes both from the counter's
    # RETURNING in the same statement.
    prev_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contador de registro")
        verbose_name_plural = _("contadores de registro")
        constraints = [
            models.UniqueConstraint(fields=["year", "direction"], name="registro_contador_unico")
        ]

    def __str__(self) -> str:
        return format_numero(self.year, self.direction, self.last_seq)


class Asiento(models.Model):
    """One registry entry (entrada) or exit (salida) — REG-4, REG-6.

    ``seq`` is given last, under the counter lock; ``hash`` chains the entry to the previous
    one of the same year and direction (``prev_hash``), so ``manage.py registro_verify``
    finds any altered or missing entry.
    """

    year = models.PositiveSmallIntegerField(_("año"))
    direction = models.CharField(_("sentido"), max_length=1, choices=Direccion.choices)
    seq = models.PositiveIntegerField(_("número de orden"), null=True, blank=True)
    presented_at = models.DateTimeField(_("fecha y hora de presentación"))
    effective_at = models.DateTimeField(
        _("fecha y hora efectiva"),
        help_text=_("En día inhábil, las 00:00 del primer día hábil siguiente (art. 31.2.b)."),
    )
    oficina = models.ForeignKey(
        Oficina,
        verbose_name=_("oficina"),
        on_delete=models.PROTECT,
        related_name="asientos",
        db_index=False,
    )
    canal = models.CharField(_("canal"), max_length=20, choices=Canal.choices)
    unidad_origen = models.ForeignKey(
        "identidad.Unidad",
        verbose_name=_("unidad de origen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    unidad_destino = models.ForeignKey(
        "identidad.Unidad",
        verbose_name=_("unidad de destino"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    unidad = models.ForeignKey(
        "identidad.Unidad",
        verbose_name=_("unidad"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        help_text=_(
            "La unidad del asiento: la de destino en una entrada, la de origen en una salida."
        ),
    )
    resumen = models.CharField(_("resumen"), max_length=MAX_RESUMEN)
    expone = models.TextField(_("expone"), blank=True)
    solicita = models.TextField(_("solicita"), blank=True)
    procedimiento = models.ForeignKey(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimiento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    formulario = models.ForeignKey(
        "procedimientos.FormularioVersion",
        verbose_name=_("versión del formulario"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    documentacion_fisica = models.CharField(
        _("documentación física"),
        max_length=1,
        choices=DocumentacionFisica.choices,
        default=DocumentacionFisica.NINGUNA,
    )
    # Representation context (apoderamientos.RepresentacionContexto): a plain reference and
    # a snapshot, so the registry keeps its record whatever happens to that app's rows.
    representacion_id = models.BigIntegerField(_("contexto de representación"), null=True)
    representacion = models.JSONField(_("representación"), default=dict, blank=True)
    idioma = models.CharField(_("idioma"), max_length=2, choices=settings.LANGUAGES, default="es")
    registrado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrado por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Unique by the constraint below, not ``unique=True``: on PostgreSQL that would also build
    # a second, ``LIKE``-pattern index that no query uses and every registration updates.
    idempotency_key = models.CharField(
        _("clave de idempotencia"), max_length=MAX_IDEMPOTENCY_KEY, null=True
    )
    estado = models.CharField(
        _("estado"),
        max_length=20,
        choices=EstadoAsiento.choices,
        default=EstadoAsiento.JUSTIFICANTE_PENDIENTE,
    )
    # Receipt (REG-5): outbox state, then the sealed document issued by firma with its CSV.
    justificante_claimed_at = models.DateTimeField(null=True, blank=True)
    justificante_attempts = models.PositiveSmallIntegerField(default=0)
    justificante_error = models.CharField(max_length=300, blank=True)
    justificante_csv = models.CharField(_("CSV del justificante"), max_length=32, blank=True)
    justificante_version_id = models.BigIntegerField(null=True, blank=True)
    justificante_sealed_at = models.DateTimeField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("asiento")
        verbose_name_plural = _("asientos")
        ordering = ["-presented_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "direction", "seq"], name="registro_asiento_numero_unico"
            ),
            # The name PostgreSQL gave the field's former ``unique=True`` (migration 0011).
            models.UniqueConstraint(
                fields=["idempotency_key"], name="registro_asiento_idempotency_key_key"
            ),
        ]
        indexes = [
            models.Index(fields=["presented_at", "id"], name="registro_as_present_idx"),
            models.Index(fields=["unidad", "presented_at", "id"], name="registro_as_unidad_idx"),
            models.Index(
                fields=["justificante_claimed_at"],
                name="registro_as_pendiente_idx",
                condition=models.Q(estado="pendiente"),
            ),
        ]

    def __str__(self) -> str:
        return self.numero

    @property
    def numero(self) -> str:
        if self.seq is None:
            return ""
        return format_numero(self.year, self.direction, self.seq)

    @property
    def is_sealed(self) -> bool:
        return self.estado == EstadoAsiento.JUSTIFICANTE_SELLADO


class AsientoInteresado(models.Model):
    """A party of an entry, with the identity it had when registered (a snapshot)."""

    asiento = models.ForeignKey(
        Asiento, verbose_name=_("asiento"), on_delete=models.CASCADE, related_name="partes"
    )
    interesado = models.ForeignKey(
        "identidad.Interesado",
        verbose_name=_("interesado"),
        on_delete=models.PROTECT,
        related_name="asientos_registro",
    )
    rol = models.CharField(_("papel"), max_length=20, choices=RolInteresado.choices)
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)
    nif = models.CharField(_("NIF"), max_length=12)
    nombre = models.CharField(_("nombre o razón social"), max_length=400)

    class Meta:
        verbose_name = _("parte del asiento")
        verbose_name_plural = _("partes del asiento")
        ordering = ["asiento", "orden"]
        indexes = [models.Index(fields=["nif", "asiento"], name="registro_parte_nif_idx")]

    def __str__(self) -> str:
        return f"{self.nombre} ({self.nif})"


def documento_upload_to(instance: AsientoDocumento, filename: str) -> str:
    # Content-addressed: identical bytes share one file; a rolled-back registration leaves
    # no half-named file behind, only a blob that a later identical upload reuses.
    return f"registro/{instance.sha256[:2]}/{instance.sha256}"


class AsientoDocumento(models.Model):
    """A document registered with an entry: name, type, size and SHA-256 (REG-4, REG-5)."""

    asiento = models.ForeignKey(
        Asiento, verbose_name=_("asiento"), on_delete=models.CASCADE, related_name="documentos"
    )
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)
    nombre = models.CharField(_("nombre"), max_length=255)
    mime = models.CharField(_("tipo MIME"), max_length=100)
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    file = models.FileField(_("fichero"), upload_to=documento_upload_to, max_length=200)
    tipo_anexo = models.CharField(
        _("tipo de anexo"), max_length=2, choices=TipoAnexo.choices, default=TipoAnexo.DOCUMENTO
    )
    validez = models.CharField(
        _("validez"),
        max_length=2,
        choices=ValidezDocumento.choices,
        default=ValidezDocumento.ORIGINAL,
    )
    resolution_ppi = models.PositiveIntegerField(_("resolución (ppp)"), null=True, blank=True)
    csv = models.CharField(
        _("CSV de la copia auténtica"),
        max_length=40,
        blank=True,
        help_text=_("Copia auténtica de papel (EE03) sellada por el Ayuntamiento (REG-12)."),
    )
    # REG-11: malware found after registration flags the document; the entry keeps its number.
    # These fields are outside the entry's hash chain (they change after registration).
    scanned_at = models.DateTimeField(_("último análisis antivirus"), null=True, blank=True)
    unsafe_at = models.DateTimeField(_("marcado como peligroso"), null=True, blank=True)
    unsafe_threat = models.CharField(_("amenaza detectada"), max_length=200, blank=True)
    correccion_at = models.DateTimeField(
        _("requerimiento de subsanación emitido"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("documento del asiento")
        verbose_name_plural = _("documentos del asiento")
        ordering = ["asiento", "orden"]

    def __str__(self) -> str:
        return self.nombre


class Anclaje(models.Model):
    """A sealed checkpoint of the chain heads (issue 17 item 3): every registry counter's
    last number and hash, and the audit trail's head, at one instant.

    ``datos`` is the canonical JSON that the council sealed: the sealed PDF (firma document
    version ``version_id``, verifiable by its CSV) carries the same JSON as an embedded file,
    and ``registro_verify`` trusts the sealed copy, not this row. An entry removed after it
    was anchored shows, even with its counter rolled back.
    """

    created_at = models.DateTimeField(_("fecha y hora"))
    datos = models.JSONField(_("cabezas de las cadenas"))
    digest = models.CharField(_("huella SHA-256"), max_length=64)
    csv = models.CharField(_("CSV"), max_length=32, blank=True)
    version_id = models.BigIntegerField(_("documento sellado"), null=True, blank=True)

    class Meta:
        verbose_name = _("punto de control sellado")
        verbose_name_plural = _("puntos de control sellados")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.digest[:12]}"


from .sir.models import *  # noqa: E402,F401,F403 - exchange with other administrations (SIR)
