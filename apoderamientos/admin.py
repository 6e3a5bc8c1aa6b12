"""Back office: the registry is read-only here (every change goes through the services and
is registered as an event); the registry of authorised staff is edited here (HAB-1)."""

from django.contrib import admin

from .models import (
    Apoderamiento,
    ApoderamientoEvento,
    ConsentimientoExpreso,
    Habilitacion,
    RepresentacionContexto,
)


class ApoderamientoEventoInline(admin.TabularInline):
    model = ApoderamientoEvento
    extra = 0
    can_delete = False
    readonly_fields = ["tipo", "registered_at", "actor", "detail"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Apoderamiento)
class ApoderamientoAdmin(admin.ModelAdmin):
    list_display = ["numero", "tipo", "apoderado", "estado", "registered_at", "valid_until"]
    list_filter = ["estado", "tipo", "canal"]
    search_fields = ["numero", "apoderado__nif", "poderdantes__nif"]
    inlines = [ApoderamientoEventoInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Habilitacion)
class HabilitacionAdmin(admin.ModelAdmin):
    list_display = [
        "staff",
        "tipo",
        "all_procedimientos",
        "valid_from",
        "valid_until",
        "revoked_at",
    ]
    list_filter = ["tipo", "all_procedimientos"]
    search_fields = ["staff__username", "staff__last_name"]
    filter_horizontal = ["procedimientos"]
    raw_id_fields = ["staff"]


@admin.register(ConsentimientoExpreso)
class ConsentimientoExpresoAdmin(admin.ModelAdmin):
    list_display = ["interesado", "habilitacion", "procedimiento", "given_at", "sha256"]
    readonly_fields = [
        "habilitacion",
        "interesado",
        "procedimiento",
        "documento",
        "sha256",
        "given_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(RepresentacionContexto)
class RepresentacionContextoAdmin(admin.ModelAdmin):
    list_display = ["instant", "via", "actor_interesado", "actor_user", "interesado"]
    list_filter = ["via"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
