"""Back office of the registry. Entries are read-only here: they are written only by
``asiento_register`` and protected by the hash chain (``manage.py registro_verify``)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bilbao_sede.admin_utils import LargeTableAdminMixin, nif_search

from .models import Asiento, AsientoDocumento, AsientoInteresado, Contador, Intercambio, Oficina
from .selectors import parse_numero
from .templatetags.registro_fechas import fecha_hora, fecha_hora_minutos


@admin.register(Oficina)
class OficinaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_es", "kind", "unidad", "active", "publicada"]
    list_filter = ["kind", "active", "publicada"]
    search_fields = ["code", "name_es", "name_eu"]
    filter_horizontal = ["personal"]
    fieldsets = [
        (None, {"fields": ["code", "name_es", "name_eu", "kind", "unidad", "active"]}),
        (_("Personal de la oficina"), {"fields": ["personal"]}),
        (
            _("Directorio de oficinas (sede)"),
            {
                "fields": [
                    "publicada",
                    "address",
                    "codigo_postal",
                    "municipio",
                    "horario_es",
                    "horario_eu",
                    "servicios_es",
                    "servicios_eu",
                    "telefono",
                    "email",
                    "latitud",
                    "longitud",
                ]
            },
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "personal":
            from identidad.models import User

            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True).order_by(
                "username"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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
    fields = [
        "nombre",
        "mime",
        "size",
        "sha256",
        "validez",
        "resolution_ppi",
        "scanned_at",
        "unsafe_at",
        "unsafe_threat",
        "correccion_at",
    ]
    readonly_fields = fields


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def numero_search(term: str) -> Q | None:
    """An entry number (``2026/E/00000042``, ``2026/e/42``): the unique index on
    (year, direction, seq)."""
    parsed = parse_numero(term)
    if parsed is None:
        return None
    year, direction, seq = parsed
    return Q(year=year, direction=direction, seq=seq)


@admin.register(Asiento)
class AsientoAdmin(LargeTableAdminMixin, _ReadOnlyAdmin):
    """Registry entries at 10⁶ rows (issue 10): newest first from the (presented_at, id)
    index; search by entry number, by a party's NIF or by words of the summary (full-text,
    GIN index); filters that an index serves: the date (presented_at), the unit (its
    own index), the pending receipts (partial index); direction and channel are large
    shares of the table, so the newest-first scan finds a page at once."""

    list_display = [
        "numero_display",
        "presented_display",
        "effective_display",
        "canal",
        "resumen",
        "estado",
    ]
    list_filter = [
        ("presented_at", admin.DateFieldListFilter),
        "direction",
        "estado",
        "canal",
        "unidad",
    ]
    exact_searches = [numero_search, nif_search(AsientoInteresado, "asiento_id")]
    fulltext_fields = ["resumen"]
    fulltext_bucketed = True  # registro/migrations/0010
    search_help_text = _(
        "Número de asiento (2026/E/00000042), NIF de una parte o palabras del resumen."
    )
    list_select_related = ["oficina"]
    inlines = [ParteInline, DocumentoInline]

    @admin.display(description=_("número"), ordering="seq")
    def numero_display(self, obj: Asiento) -> str:
        return obj.numero

    # The instants as the registry book writes them (numbers, Bilbao time): the locale's
    # long format costs a translated month name per cell, 100 cells a page.
    @admin.display(description=_("fecha y hora de presentación"), ordering="presented_at")
    def presented_display(self, obj: Asiento) -> str:
        return fecha_hora(obj.presented_at) or "—"

    @admin.display(description=_("fecha y hora efectiva"), ordering="effective_at")
    def effective_display(self, obj: Asiento) -> str:
        return fecha_hora_minutos(obj.effective_at) or "—"


@admin.register(Contador)
class ContadorAdmin(_ReadOnlyAdmin):
    list_display = ["year", "direction", "last_seq"]


@admin.register(Intercambio)
class IntercambioAdmin(_ReadOnlyAdmin):
    list_display = ["identificador", "sentido", "estado", "entidad_origen", "entidad_destino"]
    list_filter = ["sentido", "estado"]
    search_fields = ["identificador"]
