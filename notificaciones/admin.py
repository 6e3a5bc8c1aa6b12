"""Back office: read-only (every state change goes through notificaciones.services)."""

from django.contrib import admin

from .models import Aviso, Evidencia, IntentoPapel, Notificacion, NotificacionEvento, Remesa


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventoInline(admin.TabularInline):
    model = NotificacionEvento
    extra = 0
    can_delete = False
    readonly_fields = ("at", "estado", "descripcion", "actor", "detalle")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notificacion)
class NotificacionAdmin(ReadOnlyAdmin):
    list_display = ("identificador", "clase", "destinatario", "asunto", "estado", "puesta_at")
    list_filter = ("estado", "clase", "canal")
    search_fields = ("=identificador", "=destinatario__nif")
    raw_id_fields = ("destinatario", "expediente", "pendiente", "remesa", "abierta_por")
    inlines = [EventoInline]


@admin.register(Aviso)
class AvisoAdmin(ReadOnlyAdmin):
    list_display = ("notificacion", "canal", "tipo", "estado", "intentos", "sent_at")
    list_filter = ("estado", "canal", "tipo")
    raw_id_fields = ("notificacion",)


@admin.register(Evidencia)
class EvidenciaAdmin(ReadOnlyAdmin):
    list_display = ("notificacion", "tipo", "at", "csv", "sealed_at")
    list_filter = ("tipo",)
    raw_id_fields = ("notificacion", "firma_version")


@admin.register(IntentoPapel)
class IntentoPapelAdmin(ReadOnlyAdmin):
    list_display = ("notificacion", "numero", "at", "resultado", "agente")
    raw_id_fields = ("notificacion",)


@admin.register(Remesa)
class RemesaAdmin(ReadOnlyAdmin):
    list_display = ("titulo", "estado", "total", "created_at")
