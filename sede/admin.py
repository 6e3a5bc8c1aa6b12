"""Back office of the filing flow: read-only views of drafts and submissions (support)."""

from django.contrib import admin

from .models import Adjunto, Borrador, Presentacion


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
