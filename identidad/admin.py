from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bilbao_sede.admin_utils import LargeTableAdminMixin

from .models import AuditEntry, Interesado, Unidad, User
from .validators import kind_of_nif, normalize_nif


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


def audit_key_search(term: str) -> Q | None:
    """``#42`` or ``42``: the row with that chain position (unique seq); ``tipo:id`` (e.g.
    ``registro.asiento:17``): the rows of that object (the (object_type, object_id) index)."""
    if term.lstrip("#").isdigit():
        return Q(seq=int(term.lstrip("#")))
    kind, sep, object_id = term.partition(":")
    if sep and kind and object_id and " " not in term:
        return Q(object_type=kind, object_id=object_id)
    return None


def audit_actor_search(term: str) -> Q | None:
    """A NIF (normalised): the rows of the user with that NIF (the (actor, created_at) index)."""
    if kind_of_nif(term) is None:
        return None
    # The user's id first (one unique-index lookup), so the planner sees a constant and
    # reads that actor's rows through (actor, created_at) instead of walking the trail.
    actor_ids = list(User.objects.filter(nif=normalize_nif(term)).values_list("pk", flat=True))
    return Q(actor_id__in=actor_ids)


@admin.register(AuditEntry)
class AuditEntryAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    """Read-only: the audit trail is append-only (ENS-1, ENS-2). Newest first by primary
    key; searched by exact keys that an index serves (position, object, actor's NIF) — the
    trail grows with every read of a case file, so nothing here scans it (issue 10)."""

    list_display = (
        "seq",
        "created_at",
        "actor_repr",
        "action",
        "object_type",
        "object_id",
        "result",
    )
    ordering = ("-pk",)
    exact_searches = (audit_key_search, audit_actor_search)
    search_fields = ("object_id",)  # shows the search box; the searches above decide
    search_help_text = _(
        "Número de registro (#42), objeto (registro.asiento:17) o NIF de quien actuó."
    )
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
