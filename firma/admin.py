"""Back office for CSV documents and the portafirmas. Versions and signatures are read-only:
a change is a new version made through the services, never an edit here (FIR-8)."""

from django.contrib import admin

from .models import (
    AccionFirma,
    Documento,
    DocumentoVersion,
    FirmaDocumento,
    FirmanteConfig,
    PasoFirma,
    PeticionDocumento,
    PeticionFirma,
    Resellado,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DocumentoVersionInline(ReadOnlyInline):
    model = DocumentoVersion
    fields = ["numero", "name", "mime", "size", "csv", "tipo_firma", "created_at"]
    readonly_fields = fields


@admin.register(Documento)
class DocumentoAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name", "versions__csv"]
    readonly_fields = ["name", "created_at"]
    inlines = [DocumentoVersionInline]

    def has_add_permission(self, request):
        return False


class ReselladoInline(ReadOnlyInline):
    model = Resellado
    fields = ["created_at", "sha256_before", "sha256_after", "expires_at"]
    readonly_fields = fields
    show_change_link = False


@admin.register(DocumentoVersion)
class DocumentoVersionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "numero",
        "csv",
        "mime",
        "size",
        "tipo_firma",
        "pades_level",
        "timestamp_expires_at",
        "created_at",
    ]
    list_filter = ["tipo_firma", "pades_level", "mime"]
    inlines = [ReselladoInline]
    search_fields = ["csv", "name", "sha256"]
    readonly_fields = [
        "documento",
        "numero",
        "content",
        "name",
        "mime",
        "sha256",
        "size",
        "csv",
        "tipo_firma",
        "pades_level",
        "timestamp_expires_at",
        "note",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FirmanteConfig)
class FirmanteConfigAdmin(admin.ModelAdmin):
    list_display = ["user", "keystore_name", "cargo"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "keystore_name"]
    autocomplete_fields = ["user"]


class PeticionDocumentoInline(ReadOnlyInline):
    model = PeticionDocumento
    fields = ["orden", "borrador", "csv_reservado", "resultado"]
    readonly_fields = fields


class PasoFirmaInline(ReadOnlyInline):
    model = PasoFirma
    fields = ["orden", "estado"]
    readonly_fields = fields


@admin.register(PeticionFirma)
class PeticionFirmaAdmin(admin.ModelAdmin):
    list_display = ["asunto", "estado", "created_by", "created_at", "fecha_limite"]
    list_filter = ["estado"]
    search_fields = ["asunto", "created_by__username"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "asunto",
        "descripcion",
        "created_by",
        "created_at",
        "estado",
        "finished_at",
        "motivo_rechazo",
    ]
    fields = readonly_fields + ["fecha_limite"]
    inlines = [PeticionDocumentoInline, PasoFirmaInline]

    def has_add_permission(self, request):
        return False


class FirmaDocumentoInline(ReadOnlyInline):
    model = FirmaDocumento
    fields = ["documento", "signed_at", "signer_subject", "tipo_firma", "leyenda"]
    readonly_fields = fields


@admin.register(AccionFirma)
class AccionFirmaAdmin(admin.ModelAdmin):
    list_display = ["__str__", "paso", "tipo", "modo", "estado", "done_at", "reminders_sent"]
    list_filter = ["estado", "tipo", "modo"]
    search_fields = ["firmante__username", "paso__peticion__asunto", "en_nombre_de"]
    readonly_fields = [
        "paso",
        "tipo",
        "firmante",
        "modo",
        "en_nombre_de",
        "estado",
        "queued_at",
        "done_at",
        "motivo_rechazo",
        "error",
        "last_reminder_at",
        "reminders_sent",
    ]
    inlines = [FirmaDocumentoInline]

    def has_add_permission(self, request):
        return False
