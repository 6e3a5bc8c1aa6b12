"""Back office of the notice board: read-only (publishing, withdrawal and certificates go
through the staff pages, which seal; a raw edit would break the CSV and the digests)."""

from django.contrib import admin

from .models import Edicto, ResumenDiario


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Edicto)
class EdictoAdmin(ReadOnly):
    list_display = (
        "numero",
        "title_es",
        "kind",
        "published_from",
        "published_until",
        "withdrawn_at",
    )
    list_filter = ("kind",)
    search_fields = ("numero", "title_es", "title_eu", "csv")


@admin.register(ResumenDiario)
class ResumenDiarioAdmin(ReadOnly):
    list_display = ("date", "csv", "created_at")
