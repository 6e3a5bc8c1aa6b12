"""Back office: catalogue editing with the review workflow and form versions.

Only catalogue managers (permission ``gestionar_catalogo``) or staff of the owning unit can
see and edit a procedure; for anyone else it does not exist (the admin answers as for an
unknown object).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .constants import EstadoAdaptacion, NivelDigitalizacion
from .formularios.versiones import version_publish
from .indicadores import Evidencias, nivel_derivado
from .models import (
    AccionPlan,
    AvanceReportado,
    AvanceSnapshot,
    CambioEstadoAdaptacion,
    FormularioHistorial,
    FormularioVersion,
    Guia,
    Materia,
    Procedimiento,
    UnidadProcedencia,
)
from .permissions import is_catalogue_manager, procedimientos_editable_by
from .services import (
    formulario_create_draft,
    procedimiento_change_status,
    procedimiento_search_text,
)


@admin.register(Materia)
class MateriaAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_es", "name_eu", "name_eu_verified", "order"]
    list_editable = ["order"]
    search_fields = ["slug", "name_es", "name_eu"]


@admin.register(UnidadProcedencia)
class UnidadProcedenciaAdmin(admin.ModelAdmin):
    list_display = ["unidad", "name_eu_verified"]
    list_filter = ["name_eu_verified", "unidad__is_example"]
    search_fields = ["unidad__dir3", "unidad__name_es"]
    raw_id_fields = ["unidad"]


class GuiaInline(admin.StackedInline):
    model = Guia
    extra = 0
    max_num = 1


class FormularioVersionInline(admin.TabularInline):
    model = FormularioVersion
    extra = 0
    fields = ["version", "status", "created_at", "published_at", "published_by"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class CambioEstadoInline(admin.TabularInline):
    model = CambioEstadoAdaptacion
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _transition_action(to_status: str, label):
    def action(modeladmin, request, queryset):
        done = 0
        for proc in queryset:
            try:
                procedimiento_change_status(
                    procedimiento=proc, to_status=to_status, by=request.user
                )
                done += 1
            except ValidationError as exc:
                modeladmin.message_user(request, f"{proc.code}: {exc.messages[0]}", messages.ERROR)
        if done:
            modeladmin.message_user(
                request, _("%(n)d procedimientos actualizados.") % {"n": done}, messages.SUCCESS
            )

    action.short_description = label
    action.__name__ = f"mark_{to_status}"
    return action


def _evidencias(request) -> Evidencias:
    """Read what exists once per request (not once per row)."""
    if not hasattr(request, "_catalogo_evidencias"):
        request._catalogo_evidencias = Evidencias.load()
    return request._catalogo_evidencias


def _derived(obj: Procedimiento, ev: Evidencias) -> int:
    return nivel_derivado(
        pk=obj.pk,
        code=obj.code,
        declared=obj.digitisation_level,
        signature_required=obj.signature_required,
        ev=ev,
    )


def _derived_label(obj: Procedimiento, ev: Evidencias):
    derived = _derived(obj, ev)
    label = NivelDigitalizacion(derived).label
    if obj.digitisation_level > derived:
        return format_html(
            '<strong class="errornote">{} — {}</strong>',
            label,
            _("el nivel declarado es superior a lo que existe"),
        )
    return label


class NivelDeclaradoFilter(admin.SimpleListFilter):
    """Procedures whose declared level is above what the data supports (issue 15 §5)."""

    title = _("nivel declarado frente al derivado")
    parameter_name = "nivel_honesto"

    def lookups(self, request, model_admin):
        return [("superior", _("Declarado por encima del derivado"))]

    def queryset(self, request, queryset):
        if self.value() != "superior":
            return queryset
        ev = _evidencias(request)
        rows = queryset.values_list("pk", "code", "digitisation_level", "signature_required")
        above = [
            pk
            for pk, code, declared, signature in rows
            if declared
            > nivel_derivado(
                pk=pk, code=code, declared=declared, signature_required=signature, ev=ev
            )
        ]
        return queryset.filter(pk__in=above)


@admin.register(Procedimiento)
class ProcedimientoAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title_es",
        "materia",
        "unit",
        "digitisation_level",
        "derived_level",
        "target_level",
        "priority",
        "adaptation_status",
        "title_eu_verified",
    ]
    list_filter = [
        NivelDeclaradoFilter,
        "adaptation_status",
        "digitisation_level",
        "priority",
        "materia",
        "audience",
        "silence_effect",
        "title_eu_verified",
        "term_verified",
        "is_example",
        "active",
    ]
    search_fields = ["code", "sia_code", "title_es", "title_eu", "unit__dir3", "unit__name_es"]
    list_select_related = ["materia", "unit"]
    raw_id_fields = ["unit", "adaptation_owner"]
    readonly_fields = [
        "derived_level",
        "adaptation_status",
        "adaptation_changed_at",
        "standardised_at",
        "published_at",
        "updated_at",
    ]
    inlines = [GuiaInline, FormularioVersionInline, CambioEstadoInline]

    def get_list_display(self, request):
        """The derived-level column reads what exists once for the whole page."""

        @admin.display(description=_("nivel derivado de los datos"))
        def derived_level(obj):
            return _derived_label(obj, _evidencias(request))

        return [derived_level if f == "derived_level" else f for f in self.list_display]

    @admin.display(description=_("nivel derivado de los datos"))
    def derived_level(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return _derived_label(obj, Evidencias.load())

    actions = [
        _transition_action(EstadoAdaptacion.EN_REVISION, _("Pasar a «en revisión»")),
        _transition_action(EstadoAdaptacion.NORMALIZADO, _("Marcar como normalizado")),
        _transition_action(EstadoAdaptacion.PUBLICADO, _("Publicar")),
        _transition_action(EstadoAdaptacion.PENDIENTE, _("Devolver a «pendiente»")),
    ]
    fieldsets = [
        (
            None,
            {"fields": ["code", "sia_code", "title_es", "title_eu", "summary_es", "summary_eu"]},
        ),
        (
            _("Clasificación"),
            {"fields": ["materia", "audience", "unit", "start_mode", "filing_kind", "priority"]},
        ),
        (
            _("Plazo, silencio, firma e identificación (CAT-1, CAT-5)"),
            {
                "fields": [
                    "max_term_value",
                    "max_term_unit",
                    "max_term_exception_basis",
                    "silence_effect",
                    "signature_required",
                    "min_identification_level",
                ]
            },
        ),
        (
            _("Tramitación"),
            {
                "fields": [
                    "channels",
                    "required_documents",
                    "fees",
                    "tasa",
                    "legal_basis_es",
                    "legal_basis_eu",
                    "digitisation_level",
                    "derived_level",
                    "target_level",
                ]
            },
        ),
        (
            _("Adaptación"),
            {
                "fields": [
                    "adaptation_status",
                    "adaptation_owner",
                    "adaptation_changed_at",
                    "standardised_at",
                    "published_at",
                ]
            },
        ),
        (
            _("Procedencia de los datos"),
            {
                "fields": [
                    "title_es_verified",
                    "title_eu_verified",
                    "unit_verified",
                    "term_verified",
                    "silence_verified",
                    "source_council",
                    "sources",
                    "notes",
                    "is_example",
                    "active",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return procedimientos_editable_by(request.user, super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        obj.search_text = procedimiento_search_text(obj)
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not is_catalogue_manager(request.user):
            from identidad.models import Unidad

            ids = list(request.user.unidades.values_list("id", flat=True))
            kwargs["queryset"] = Unidad.objects.filter(id__in=ids) | Unidad.objects.filter(
                parent_id__in=ids
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FormularioHistorialInline(admin.TabularInline):
    """The version's workflow steps: append-only, written by the services."""

    model = FormularioHistorial
    extra = 0
    fields = ("accion", "from_status", "to_status", "by_repr", "at", "comment")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FormularioVersion)
class FormularioVersionAdmin(admin.ModelAdmin):
    """Drafts are editable; a published version is read-only (submissions point at it)."""

    list_display = ["procedimiento", "version", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["procedimiento__code", "procedimiento__title_es"]
    raw_id_fields = ["procedimiento"]
    actions = ["publish"]
    inlines = [FormularioHistorialInline]

    def get_queryset(self, request):
        editable = procedimientos_editable_by(request.user)
        return super().get_queryset(request).filter(procedimiento__in=editable)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "procedimiento":
            kwargs["queryset"] = procedimientos_editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        base = ["status", "created_at", "published_at", "published_by"]
        if obj is not None:
            base += ["procedimiento", "version"]
            if obj.is_frozen:
                base += ["schema", "layout"]
        return base

    def get_exclude(self, request, obj=None):
        return ["version"] if obj is None else []

    def has_delete_permission(self, request, obj=None):
        # The role's permission first (the access matrix found any staff could delete).
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or not obj.is_frozen

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        draft = formulario_create_draft(
            procedimiento=obj.procedimiento, schema=obj.schema, layout=obj.layout, by=request.user
        )
        obj.pk, obj.version = draft.pk, draft.version

    @admin.action(description=_("Publicar la versión aprobada (se congela)"))
    def publish(self, request, queryset):
        """The same workflow as the staff pages: only an approved version is published, by
        someone who may, and never when it would break citizens' drafts."""
        for formulario in queryset:
            try:
                version_publish(version=formulario, by=request.user)
            except ValidationError as exc:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)


@admin.register(AccionPlan)
class AccionPlanAdmin(admin.ModelAdmin):
    list_display = ["code", "name_es", "weight", "progress", "progress_source", "status", "order"]
    list_editable = ["weight", "progress", "status"]
    list_filter = ["status", "progress_source"]
    search_fields = ["code", "name_es", "name_eu"]


@admin.register(AvanceSnapshot)
class AvanceSnapshotAdmin(admin.ModelAdmin):
    list_display = ["date", "overall", "catalogue", "created_at"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AvanceReportado)
class AvanceReportadoAdmin(admin.ModelAdmin):
    list_display = ["date", "value", "source_es"]
    search_fields = ["source_es"]
