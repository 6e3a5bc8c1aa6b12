from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, Interesado, Unidad, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Identidad y unidades"), {"fields": ("nif", "second_last_name", "unidades")}),
    )
    list_display = ("username", "nif", "first_name", "last_name", "is_staff")
    search_fields = ("username", "nif", "first_name", "last_name", "email")
    filter_horizontal = ("groups", "user_permissions", "unidades")


@admin.register(Unidad)
class UnidadAdmin(admin.ModelAdmin):
    list_display = ("dir3", "name_es", "name_eu", "kind", "parent", "is_example", "active")
    list_filter = ("kind", "is_example", "active")
    search_fields = ("dir3", "name_es", "name_eu")
    raw_id_fields = ("parent",)


@admin.register(Interesado)
class InteresadoAdmin(admin.ModelAdmin):
    list_display = ("nif", "tipo", "nombre", "apellido1", "razon_social", "email")
    list_filter = ("tipo",)
    search_fields = ("nif", "nombre", "apellido1", "apellido2", "razon_social", "email")
    raw_id_fields = ("user",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only (ENS-1, ENS-2)."""

    list_display = (
        "seq",
        "created_at",
        "actor_repr",
        "action",
        "object_type",
        "object_id",
        "result",
    )
    list_filter = ("result", "action")
    search_fields = ("actor_repr", "object_id", "action")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
