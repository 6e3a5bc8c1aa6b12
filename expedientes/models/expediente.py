"""The case file, its parties, entries and documents, and the per-procedure workflow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ..constants import EstadoExpediente, Fase, RolParte, TipoEntrada


def expediente_identificador(*, dir3: str, year: int, pk: int) -> str:
    """EXP-1: ``ES_<Órgano>_<AAAA>_EXP_<ID30>``; the id is the row id, zero-padded to 30
    digits as in NTI-DOC's example (the separators are *unverified* in legal.md)."""
    return f"ES_{dir3}_{year:04d}_EXP_{pk:030d}"


class SerieDocumental(models.Model):
    """A records series with its retention (EXP-6): how long closed files are kept in the
    archive before they may be disposed of, and the rating authority's decision."""

    code = models.SlugField(_("código"), max_length=40, unique=True)
    name_es = models.CharField(_("nombre (castellano)"), max_length=200)
    name_eu = models.CharField(_("nombre (euskera)"), max_length=200, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        _("conservación (años)"),
        null=True,
        blank=True,
        help_text=_("Vacío: conservación permanente (no se puede eliminar)."),
    )
    dictamen = models.CharField(
        _("dictamen de la autoridad calificadora"),
        max_length=250,
        blank=True,
        help_text=_("Sin dictamen no se puede eliminar ningún expediente de la serie."),
    )

    class Meta:
        verbose_name = _("serie documental")
        verbose_name_plural = _("series documentales")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def name(self) -> str:
        return self.name_eu if get_language() == "eu" and self.name_eu else self.name_es


def default_fases() -> list[dict]:
    return [{"code": f.value, "name_es": str(f.label), "name_eu": ""} for f in Fase]


class FlujoTramitacion(models.Model):
    """The processing workflow of a procedure, kept as data (one row without procedure is the
    default). ``fases`` is an ordered list of ``{"code", "name_es", "name_eu"}``; the services
    move a file to the standard phases (``Fase``) a workflow contains and staff can move it to
    any later phase."""

    procedimiento = models.OneToOneField(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimiento"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flujo_tramitacion",
        help_text=_("Vacío: el flujo por defecto."),
    )
    fases = models.JSONField(_("fases"), default=default_fases)
    concurrencia_competitiva = models.BooleanField(
        _("procedimiento de concurrencia competitiva"),
        default=False,
        help_text=_("Sin ampliación del plazo de subsanación (art. 68.2)."),
    )
    serie = models.ForeignKey(
        SerieDocumental,
        verbose_name=_("serie documental"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    plantilla_resolucion_es = models.TextField(
        _("plantilla de resolución (castellano)"), blank=True
    )
    plantilla_resolucion_eu = models.TextField(_("plantilla de resolución (euskera)"), blank=True)

    class Meta:
        verbose_name = _("flujo de tramitación")
        verbose_name_plural = _("flujos de tramitación")
        constraints = [
            models.UniqueConstraint(
                fields=["procedimiento"],
                name="expedientes_flujo_unico",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return str(self.procedimiento) if self.procedimiento_id else str(_("Flujo por defecto"))

    @property
    def codes(self) -> list[str]:
        return [f["code"] for f in self.fases]

    def label(self, code: str) -> str:
        for fase in self.fases:
            if fase["code"] == code:
                if get_language() == "eu" and fase.get("name_eu"):
                    return fase["name_eu"]
                if fase.get("name_es"):
                    return fase["name_es"]
        try:
            return str(Fase(code).label)
        except ValueError:
            return code


class Expediente(models.Model):
    """A case file (EXP-1): ENI identifier, procedure, responsible unit, parties, state,
    phase, assignment and the terms of the procedure.

    ``version`` grows with every change made by a service: a form carries the version it
    showed and a stale one is refused (the services also lock the row).
    """

    identificador = models.CharField(
        _("identificador ENI"), max_length=64, unique=True, null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(_("año"))
    procedimiento = models.ForeignKey(
        "procedimientos.Procedimiento",
        verbose_name=_("procedimiento"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    unidad = models.ForeignKey(
        "identidad.Unidad",
        verbose_name=_("unidad responsable"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    flujo = models.ForeignKey(
        FlujoTramitacion,
        verbose_name=_("flujo de tramitación"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    asunto = models.CharField(_("asunto"), max_length=300)
    asiento_origen = models.OneToOneField(
        "registro.Asiento",
        verbose_name=_("asiento de origen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("fecha de apertura"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("abierto por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    estado = models.CharField(
        _("estado ENI"),
        max_length=3,
        choices=EstadoExpediente.choices,
        default=EstadoExpediente.ABIERTO,
    )
    fase = models.CharField(_("fase"), max_length=40, default=Fase.INICIACION)
    asignado_a = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asignado a"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Representation context of the filing (a plain reference + snapshot, as in registro).
    representacion_id = models.BigIntegerField(_("contexto de representación"), null=True)
    representacion = models.JSONField(_("representación"), default=dict, blank=True)
    # Terms (CAT-1, CAT-3): computed by the services with calendario, recomputed on every
    # suspension and resumption.
    plazo_inicio = models.DateTimeField(
        _("inicio del cómputo"),
        help_text=_("Fecha de entrada en el registro del órgano competente (art. 21.3.b)."),
    )
    plazo_valor = models.PositiveSmallIntegerField(_("plazo máximo"))
    plazo_unidad = models.CharField(_("unidad del plazo"), max_length=10)
    efecto_silencio = models.CharField(_("efecto del silencio"), max_length=20)
    vence_at = models.DateTimeField(
        _("vencimiento del plazo de resolución"),
        null=True,
        blank=True,
        help_text=_("Vacío mientras el plazo está suspendido."),
    )
    silencio_at = models.DateTimeField(_("el silencio produce efecto"), null=True, blank=True)
    suspendido = models.BooleanField(_("plazo suspendido"), default=False)
    proximo_vencimiento = models.DateTimeField(
        _("próximo vencimiento"),
        null=True,
        blank=True,
        help_text=_("El más cercano: resolución o requerimiento pendiente (orden de la bandeja)."),
    )
    cerrado_at = models.DateTimeField(_("cerrado el"), null=True, blank=True)
    archivado_at = models.DateTimeField(_("archivado el"), null=True, blank=True)
    conservar_hasta = models.DateField(_("conservar hasta"), null=True, blank=True)
    eliminado_at = models.DateTimeField(_("eliminado el"), null=True, blank=True)
    # Normalised text for the tray's search: identifier, subject, parties' names and NIFs.
    search_text = models.TextField(_("texto de búsqueda"), blank=True, editable=False)
    version = models.PositiveIntegerField(_("versión"), default=1)
    updated_at = models.DateTimeField(_("modificado"), auto_now=True)

    class Meta:
        verbose_name = _("expediente")
        verbose_name_plural = _("expedientes")
        ordering = ["-opened_at", "-id"]
        permissions = [
            ("tramitar_expediente", _("Puede tramitar expedientes de sus unidades")),
            ("asignar_expediente", _("Puede asignar expedientes de sus unidades")),
            ("eliminar_expediente", _("Puede eliminar expedientes archivados (EXP-6)")),
            ("consultar_expediente", _("Puede consultar un expediente compartido")),
        ]
        indexes = [
            models.Index(
                fields=["unidad", "estado", "proximo_vencimiento", "id"],
                name="expedientes_bandeja_idx",
            ),
            models.Index(fields=["asignado_a", "estado"], name="expedientes_asignado_idx"),
            models.Index(fields=["procedimiento", "estado"], name="expedientes_proc_idx"),
        ]

    def __str__(self) -> str:
        return self.identificador or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.estado == EstadoExpediente.ABIERTO

    @property
    def fase_label(self) -> str:
        return self.flujo.label(self.fase)


class ExpedienteParte(models.Model):
    """A party of a case file (EXP-1 ``Interesado``), with the identity it had when it joined.

    Indexed by interesado so that Mi carpeta finds a person's files without scanning."""

    expediente = models.ForeignKey(
        Expediente, verbose_name=_("expediente"), on_delete=models.CASCADE, related_name="partes"
    )
    interesado = models.ForeignKey(
        "identidad.Interesado",
        verbose_name=_("interesado"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rol = models.CharField(_("papel"), max_length=20, choices=RolParte.choices)
    nif = models.CharField(_("NIF"), max_length=12)
    nombre = models.CharField(_("nombre o razón social"), max_length=400)
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        verbose_name = _("parte del expediente")
        verbose_name_plural = _("partes del expediente")
        ordering = ["expediente", "orden"]
        constraints = [
            models.UniqueConstraint(
                fields=["interesado", "expediente", "rol"], name="expedientes_parte_unica"
            )
        ]
        indexes = [models.Index(fields=["expediente", "orden"], name="expedientes_parte_exp_idx")]

    def __str__(self) -> str:
        return f"{self.nombre} ({self.nif})"


class ExpedienteAsiento(models.Model):
    """A registry entry that belongs to the case file: the filing that opened it and the ones
    that arrived later (answers to a request, documents, allegations, appeals)."""

    expediente = models.ForeignKey(
        Expediente, verbose_name=_("expediente"), on_delete=models.CASCADE, related_name="entradas"
    )
    asiento = models.ForeignKey(
        "registro.Asiento",
        verbose_name=_("asiento"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoEntrada.choices)
    attached_at = models.DateTimeField(_("incorporado el"))

    class Meta:
        verbose_name = _("entrada del expediente")
        verbose_name_plural = _("entradas del expediente")
        ordering = ["expediente", "attached_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["expediente", "asiento"], name="expedientes_entrada_unica"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expediente} ← {self.asiento}"


class ExpedienteDocumento(models.Model):
    """Membership of a document in a case file, in index order (EXP-2, EXP-4: a document may
    belong to several files)."""

    expediente = models.ForeignKey(
        Expediente,
        verbose_name=_("expediente"),
        on_delete=models.CASCADE,
        related_name="documentos",
    )
    documento = models.ForeignKey(
        "expedientes.DocumentoENI",
        verbose_name=_("documento"),
        on_delete=models.PROTECT,
        related_name="expedientes",
    )
    orden = models.PositiveIntegerField(_("orden en el expediente"))
    incorporated_at = models.DateTimeField(_("incorporado el"))
    visible_ciudadano = models.BooleanField(
        _("visible para los interesados"),
        default=True,
        help_text=_("Los informes internos y borradores no se muestran en Mi carpeta."),
    )

    class Meta:
        verbose_name = _("documento del expediente")
        verbose_name_plural = _("documentos del expediente")
        ordering = ["expediente", "orden"]
        constraints = [
            models.UniqueConstraint(
                fields=["expediente", "documento"], name="expedientes_documento_unico"
            ),
            models.UniqueConstraint(
                fields=["expediente", "orden"], name="expedientes_documento_orden"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expediente} #{self.orden}: {self.documento}"


class ExpedienteUserObjectPermission(UserObjectPermissionBase):
    """Per-object grants on a case file (django-guardian, direct foreign key): a file shared
    with someone for a report. A direct key lets the tray's scope be one SQL condition."""

    content_object = models.ForeignKey(Expediente, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("permiso sobre un expediente")
        verbose_name_plural = _("permisos sobre expedientes")


class ExpedienteGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Expediente, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("permiso de grupo sobre un expediente")
        verbose_name_plural = _("permisos de grupo sobre expedientes")
