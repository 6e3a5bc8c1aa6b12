"""Back office for administrators: workflows, series, automated actions, and read-only views
of case files and documents for data fixes (staff work in the tray, not here)."""

from django.contrib import admin

from .models import (
    ActuacionAutomatizada,
    DocumentoENI,
    Expediente,
    FlujoTramitacion,
    NotificacionPendiente,
    SerieDocumental,
)


@admin.register(FlujoTramitacion)
class FlujoTramitacionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "concurrencia_competitiva", "serie"]
    autocomplete_fields = ["procedimiento"]
    list_select_related = ["procedimiento", "serie"]


@admin.register(SerieDocumental)
class SerieDocumentalAdmin(admin.ModelAdmin):
    list_display = ["code", "name_es", "retention_years", "dictamen"]
    search_fields = ["code", "name_es"]


@admin.register(ActuacionAutomatizada)
class ActuacionAutomatizadaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_es", "organo_responsable", "active", "order"]
    list_editable = ["active", "order"]


@admin.register(Expediente)
class ExpedienteAdmin(admin.ModelAdmin):
    list_display = ["identificador", "asunto", "unidad", "estado", "fase", "proximo_vencimiento"]
    list_filter = ["estado"]
    search_fields = ["identificador"]
    list_select_related = ["unidad"]
    show_full_result_count = False
    readonly_fields = [f.name for f in Expediente._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentoENI)
class DocumentoENIAdmin(admin.ModelAdmin):
    list_display = ["identificador", "nombre", "tipo_documental", "estado_elaboracion", "origen"]
    search_fields = ["identificador"]
    show_full_result_count = False
    readonly_fields = [f.name for f in DocumentoENI._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NotificacionPendiente)
class NotificacionPendienteAdmin(admin.ModelAdmin):
    list_display = ["expediente", "tipo", "estado", "created_at", "practicada_at"]
    list_filter = ["estado", "tipo"]
    raw_id_fields = ["expediente", "documento", "requerimiento", "resolucion"]
    filter_horizontal = ["destinatarios"]
