"""Back office of the registry. Entries are read-only here: they are written only by
``asiento_register`` and protected by the hash chain (``manage.py registro_verify``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Asiento, AsientoDocumento, AsientoInteresado, Contador, Intercambio, Oficina


@admin.register(Oficina)
class OficinaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_es", "kind", "unidad", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name_es", "name_eu"]


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ParteInline(_ReadOnlyInline):
    model = AsientoInteresado
    fields = ["rol", "nif", "nombre"]
    readonly_fields = fields


class DocumentoInline(_ReadOnlyInline):
    model = AsientoDocumento
    fields = ["nombre", "mime", "size", "sha256", "validez", "resolution_ppi"]
    readonly_fields = fields


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Asiento)
class AsientoAdmin(_ReadOnlyAdmin):
    list_display = ["numero_display", "presented_at", "effective_at", "canal", "resumen", "estado"]
    list_filter = ["direction", "estado", "canal", "oficina"]
    date_hierarchy = "presented_at"
    search_fields = ["resumen", "partes__nif"]
    list_select_related = ["oficina"]
    inlines = [ParteInline, DocumentoInline]
    show_full_result_count = False

    @admin.display(description=_("número"), ordering="seq")
    def numero_display(self, obj: Asiento) -> str:
        return obj.numero


@admin.register(Contador)
class ContadorAdmin(_ReadOnlyAdmin):
    list_display = ["year", "direction", "last_seq"]


@admin.register(Intercambio)
class IntercambioAdmin(_ReadOnlyAdmin):
    list_display = ["identificador", "sentido", "estado", "entidad_origen", "entidad_destino"]
    list_filter = ["sentido", "estado"]
    search_fields = ["identificador"]
