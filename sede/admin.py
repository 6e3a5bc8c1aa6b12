"""Back office of the filing flow: read-only views of drafts and submissions (support)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Adjunto, AvisoIncidencia, Borrador, Presentacion


class AdjuntoInline(admin.TabularInline):
    model = Adjunto
    extra = 0
    can_delete = False
    fields = ("slot", "description", "nombre", "mime", "size", "sha256", "uploaded_at")
    readonly_fields = fields


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Borrador)
class BorradorAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "procedimiento", "user", "estado", "updated_at", "expires_at")
    list_filter = ("estado",)
    search_fields = ("public_id", "user__nif", "procedimiento__code")
    list_select_related = ("procedimiento", "user")
    raw_id_fields = ("user", "procedimiento", "formulario", "on_behalf_of")
    inlines = [AdjuntoInline]


@admin.register(Presentacion)
class PresentacionAdmin(ReadOnlyAdmin):
    list_display = (
        "asiento",
        "procedimiento",
        "interesado",
        "user",
        "submitted_at",
        "firma_method",
    )
    list_filter = ("firma_method",)
    search_fields = ("public_id", "interesado__nif", "user__nif")
    list_select_related = ("asiento", "procedimiento", "interesado", "user")
    raw_id_fields = ("borrador", "user", "interesado", "procedimiento", "asiento")


@admin.register(AvisoIncidencia)
class AvisoIncidenciaAdmin(admin.ModelAdmin):
    """Incident notices: created and ended through the services (cache, audit); the text of
    a notice already published is not edited, so the history stays what the sede showed."""

    list_display = ("title_es", "starts_at", "ended_at", "extends_terms", "created_by")
    list_filter = ("extends_terms",)
    search_fields = ("title_es", "title_eu")
    fields = (
        "title_es",
        "title_eu",
        "text_es",
        "text_eu",
        "extends_terms",
        "starts_at",
        "ended_at",
    )
    actions = ["end_now"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ("ended_at",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        from .incidencias import aviso_incidencia_create

        created = aviso_incidencia_create(
            by=request.user,
            title_es=obj.title_es,
            title_eu=obj.title_eu,
            text_es=obj.text_es,
            text_eu=obj.text_eu,
            extends_terms=obj.extends_terms,
            starts_at=obj.starts_at,
        )
        obj.pk = created.pk

    @admin.action(description=_("Finalizar ahora las incidencias seleccionadas"))
    def end_now(self, request, queryset):
        from .incidencias import aviso_incidencia_end

        for aviso in queryset.filter(ended_at__isnull=True):
            aviso_incidencia_end(aviso=aviso, by=request.user)
