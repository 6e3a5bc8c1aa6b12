"""The catalogue: subjects, procedures, their guides and the review history."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from identidad.constants import NivelGarantia

from ..constants import (
    NIVEL_TRAMITACION_ONLINE,
    Audiencia,
    EfectoSilencio,
    EstadoAdaptacion,
    FormaInicio,
    NivelDigitalizacion,
    Prioridad,
    TipoEscrito,
    UnidadPlazo,
)
from .i18n import pick, pick_dict


class Materia(models.Model):
    """Subject area of the catalogue (Padrón, Urbanismo, Movilidad...)."""

    slug = models.SlugField(_("código"), max_length=50, unique=True)
    name_es = models.CharField(_("nombre (castellano)"), max_length=120)
    name_eu = models.CharField(_("nombre (euskera)"), max_length=120, blank=True)
    name_eu_verified = models.BooleanField(_("nombre en euskera verificado"), default=False)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        verbose_name = _("materia")
        verbose_name_plural = _("materias")
        ordering = ["order", "name_es"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class UnidadProcedencia(models.Model):
    """Where the data of a unit (identidad.Unidad) was read: sources and verified flags."""

    unidad = models.OneToOneField(
        "identidad.Unidad",
        verbose_name=_("unidad"),
        on_delete=models.CASCADE,
        related_name="procedencia",
    )
    sources = models.JSONField(_("fuentes"), default=list, blank=True)
    name_eu_verified = models.BooleanField(_("nombre en euskera verificado"), default=False)
    notes = models.TextField(_("notas"), blank=True)

    class Meta:
        verbose_name = _("procedencia de unidad")
        verbose_name_plural = _("procedencias de unidades")

    def __str__(self) -> str:
        return str(self.unidad)


class Procedimiento(models.Model):
    """A procedure of the council's catalogue (CAT-1, CAT-2, CAT-5)."""

    code = models.SlugField(_("código interno"), max_length=60, unique=True)
    sia_code = models.CharField(
        _("código SIA"), max_length=80, blank=True, help_text=_("Vacío si no se conoce.")
    )
    title_es = models.CharField(_("título (castellano)"), max_length=250)
    title_eu = models.CharField(_("título (euskera)"), max_length=250, blank=True)
    summary_es = models.TextField(_("resumen (castellano)"), blank=True)
    summary_eu = models.TextField(_("resumen (euskera)"), blank=True)
    materia = models.ForeignKey(
        Materia, verbose_name=_("materia"), on_delete=models.PROTECT, related_name="procedimientos"
    )
    audience = models.CharField(
        _("destinatarios"), max_length=20, choices=Audiencia.choices, default=Audiencia.CIUDADANIA
    )
    unit = models.ForeignKey(
        "identidad.Unidad",
        verbose_name=_("unidad competente"),
        on_delete=models.PROTECT,
        related_name="procedimientos",
    )
    start_mode = models.CharField(
        _("forma de inicio"),
        max_length=20,
        choices=FormaInicio.choices,
        default=FormaInicio.SOLICITUD,
    )
    filing_kind = models.CharField(
        _("tipo de escrito"),
        max_length=30,
        choices=TipoEscrito.choices,
        default=TipoEscrito.SOLICITUD,
    )
    # CAT-1: 3 months when the regulation sets none (Ley 39/2015 art. 21.3).
    max_term_value = models.PositiveSmallIntegerField(
        _("plazo máximo de resolución"), default=3, validators=[MinValueValidator(0)]
    )
    max_term_unit = models.CharField(
        _("unidad del plazo"), max_length=10, choices=UnidadPlazo.choices, default=UnidadPlazo.MESES
    )
    max_term_exception_basis = models.CharField(
        _("norma que permite un plazo superior a seis meses"), max_length=250, blank=True
    )
    silence_effect = models.CharField(
        _("efecto del silencio"),
        max_length=20,
        choices=EfectoSilencio.choices,
        default=EfectoSilencio.ESTIMATORIO,
    )
    signature_required = models.BooleanField(_("requiere firma"), default=True)
    min_identification_level = models.PositiveSmallIntegerField(
        _("nivel mínimo de identificación"),
        choices=NivelGarantia.choices,
        default=NivelGarantia.SUSTANCIAL,
    )
    channels = models.JSONField(_("canales"), default=list, blank=True)
    required_documents = models.JSONField(
        _("documentación requerida"),
        default=list,
        blank=True,
        help_text=_('Lista de {"name_es", "name_eu", "mandatory"}.'),
    )
    fees = models.JSONField(
        _("tasas"),
        default=list,
        blank=True,
        help_text=_('Lista de {"concept_es", "concept_eu", "amount_eur"}.'),
    )
    tasa = models.JSONField(
        _("tasa a pagar en línea"),
        default=dict,
        blank=True,
        help_text=_(
            "Vacío si no se paga nada al presentar. Si no, una regla: importe fijo, por unidad "
            "o por tramos (véase docs/pagos.md), con su concepto en castellano y euskera."
        ),
    )
    legal_basis_es = models.TextField(_("normativa (castellano)"), blank=True)
    legal_basis_eu = models.TextField(_("normativa (euskera)"), blank=True)
    digitisation_level = models.PositiveSmallIntegerField(
        _("nivel de digitalización"),
        choices=NivelDigitalizacion.choices,
        default=NivelDigitalizacion.INFORMACION,
    )
    target_level = models.PositiveSmallIntegerField(
        _("nivel de digitalización objetivo"),
        choices=NivelDigitalizacion.choices,
        default=NivelDigitalizacion.FORMULARIO_ESPECIFICO,
    )
    priority = models.CharField(
        _("prioridad"), max_length=20, choices=Prioridad.choices, default=Prioridad.NORMAL
    )
    adaptation_status = models.CharField(
        _("estado de adaptación"),
        max_length=20,
        choices=EstadoAdaptacion.choices,
        default=EstadoAdaptacion.PENDIENTE,
    )
    adaptation_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable de la adaptación"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="procedimientos_a_cargo",
    )
    adaptation_changed_at = models.DateTimeField(
        _("último cambio de estado"), null=True, blank=True
    )
    standardised_at = models.DateTimeField(_("normalizado el"), null=True, blank=True)
    published_at = models.DateTimeField(_("publicado el"), null=True, blank=True)
    # Honesty of reference data: what was read on an official page and where.
    title_es_verified = models.BooleanField(_("título en castellano verificado"), default=False)
    title_eu_verified = models.BooleanField(_("título en euskera verificado"), default=False)
    unit_verified = models.BooleanField(_("unidad verificada"), default=False)
    term_verified = models.BooleanField(_("plazo verificado"), default=False)
    silence_verified = models.BooleanField(_("silencio verificado"), default=False)
    source_council = models.CharField(_("municipio de referencia"), max_length=100, blank=True)
    sources = models.JSONField(_("fuentes"), default=list, blank=True)
    notes = models.TextField(_("notas internas"), blank=True)
    is_example = models.BooleanField(
        _("ejemplo"), default=False, help_text=_("Procedimiento sintético (pruebas de carga).")
    )
    active = models.BooleanField(_("vigente"), default=True)
    # Normalised (lower-case, unaccented) es+eu text, maintained by the services.
    search_text = models.TextField(_("texto de búsqueda"), blank=True, editable=False)
    updated_at = models.DateTimeField(_("modificado"), auto_now=True)

    class Meta:
        verbose_name = _("procedimiento")
        verbose_name_plural = _("procedimientos")
        ordering = ["title_es"]
        permissions = [("gestionar_catalogo", _("Puede editar cualquier procedimiento"))]
        indexes = [
            models.Index(fields=["active", "title_es"]),
            models.Index(fields=["digitisation_level"]),
        ]

    def __str__(self) -> str:
        return f"{self.title_es} ({self.code})"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        if self.max_term_exceeds_six_months and not self.max_term_exception_basis:
            errors["max_term_exception_basis"] = [
                _(
                    "Un plazo superior a seis meses solo es posible si una ley lo establece: "
                    "indique la norma (Ley 39/2015, art. 21.2)."
                )
            ]
        if self.target_level < self.digitisation_level:
            errors["target_level"] = [_("El nivel objetivo no puede ser inferior al nivel actual.")]
        from ..tasas import tasa_errors

        if problems := tasa_errors(self.tasa):
            errors["tasa"] = problems
        if errors:
            raise ValidationError(errors)

    # --- language-picking properties --------------------------------------------------
    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def summary(self) -> str:
        return pick(self, "summary")

    @property
    def legal_basis(self) -> str:
        return pick(self, "legal_basis")

    @property
    def documents(self) -> list[dict]:
        return [
            {"name": pick_dict(d, "name"), "mandatory": d.get("mandatory", True)}
            for d in self.required_documents
        ]

    @property
    def fee_list(self) -> list[dict]:
        return [
            {"concept": pick_dict(f, "concept"), "amount_eur": f.get("amount_eur")}
            for f in self.fees
        ]

    @property
    def max_term_label(self) -> str:
        """«3 meses» / «10 días hábiles» in the active language (for CAT-2 and CAT-3 texts)."""
        if self.max_term_unit == UnidadPlazo.MESES:
            text = ngettext("%(n)s mes", "%(n)s meses", self.max_term_value)
        else:
            text = ngettext("%(n)s día hábil", "%(n)s días hábiles", self.max_term_value)
        return text % {"n": self.max_term_value}

    @property
    def max_term_in_days_approx(self) -> int:
        return self.max_term_value * (30 if self.max_term_unit == UnidadPlazo.MESES else 1)

    @property
    def max_term_exceeds_six_months(self) -> bool:
        if self.max_term_unit == UnidadPlazo.MESES:
            return self.max_term_value > 6
        return self.max_term_value > 6 * 22  # about six months of working days

    @property
    def can_start_online(self) -> bool:
        return self.active and self.digitisation_level >= NIVEL_TRAMITACION_ONLINE

    @property
    def start_url(self) -> str:
        """Where the filing flow (built by the sede app) starts this procedure, in the active
        language (i18n_patterns: only the non-default languages carry a prefix)."""
        language = get_language() or settings.LANGUAGE_CODE
        prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
        return f"{prefix}/tramites/{self.code}/"


class Guia(models.Model):
    """The citizen's guide of a procedure, es/eu (the InfoBilbao explanatory content)."""

    procedimiento = models.OneToOneField(
        Procedimiento,
        verbose_name=_("procedimiento"),
        on_delete=models.CASCADE,
        related_name="guia",
    )
    what_es = models.TextField(_("qué es (castellano)"), blank=True)
    what_eu = models.TextField(_("qué es (euskera)"), blank=True)
    who_es = models.TextField(_("quién puede solicitarlo (castellano)"), blank=True)
    who_eu = models.TextField(_("quién puede solicitarlo (euskera)"), blank=True)
    requirements_es = models.TextField(_("requisitos (castellano)"), blank=True)
    requirements_eu = models.TextField(_("requisitos (euskera)"), blank=True)
    steps_es = models.TextField(_("pasos (castellano)"), blank=True)
    steps_eu = models.TextField(_("pasos (euskera)"), blank=True)
    terms_es = models.TextField(_("plazos (castellano)"), blank=True)
    terms_eu = models.TextField(_("plazos (euskera)"), blank=True)
    faq = models.JSONField(
        _("preguntas frecuentes"),
        default=list,
        blank=True,
        help_text=_('Lista de {"q_es", "a_es", "q_eu", "a_eu"}.'),
    )
    eu_verified = models.BooleanField(_("texto en euskera revisado"), default=False)

    class Meta:
        verbose_name = _("guía")
        verbose_name_plural = _("guías")

    def __str__(self) -> str:
        return str(self.procedimiento)

    @property
    def what(self) -> str:
        return pick(self, "what")

    @property
    def who(self) -> str:
        return pick(self, "who")

    @property
    def requirements(self) -> str:
        return pick(self, "requirements")

    @property
    def steps(self) -> str:
        return pick(self, "steps")

    @property
    def terms(self) -> str:
        return pick(self, "terms")

    @property
    def faq_items(self) -> list[dict]:
        return [{"q": pick_dict(i, "q"), "a": pick_dict(i, "a")} for i in self.faq]


class CambioEstadoAdaptacion(models.Model):
    """One step of the review workflow of a procedure: who moved it, when, from and to."""

    procedimiento = models.ForeignKey(
        Procedimiento,
        verbose_name=_("procedimiento"),
        on_delete=models.CASCADE,
        related_name="cambios_estado",
    )
    from_status = models.CharField(_("de"), max_length=20, choices=EstadoAdaptacion.choices)
    to_status = models.CharField(_("a"), max_length=20, choices=EstadoAdaptacion.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    at = models.DateTimeField(_("fecha"))
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("cambio de estado de adaptación")
        verbose_name_plural = _("cambios de estado de adaptación")
        ordering = ["procedimiento", "at"]

    def __str__(self) -> str:
        return f"{self.procedimiento.code}: {self.from_status} → {self.to_status}"
