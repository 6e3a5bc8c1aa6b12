"""Back office: payments (read-only, with the refund action) and their notifications."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import NotificacionPago, Pago


class NotificacionInline(admin.TabularInline):
    model = NotificacionPago
    extra = 0
    can_delete = False
    fields = ["received_at", "resultado", "motivo", "response_code", "source_ip"]
    readonly_fields = ["received_at", "resultado", "motivo", "response_code", "source_ip"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Pago)
class PagoAdmin(admin.ModelAdmin):
    list_display = ["order", "procedimiento", "user", "amount_cents", "estado", "created_at"]
    list_filter = ["estado", "gateway"]
    search_fields = ["order", "referencia", "user__username", "authorisation_code"]
    readonly_fields = [f.name for f in Pago._meta.fields]
    inlines = [NotificacionInline]
    actions = ["refund"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Registrar la devolución de los pagos seleccionados"))
    def refund(self, request, queryset):
        done = 0
        for pago in queryset:
            try:
                services.pago_refund(pago=pago, actor=request.user, reason="admin")
            except services.PagoRefused as exc:
                self.message_user(request, f"{pago.order}: {exc.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, _("Devoluciones registradas: %(n)d") % {"n": done})


@admin.register(NotificacionPago)
class NotificacionPagoAdmin(admin.ModelAdmin):
    list_display = ["received_at", "order", "resultado", "motivo", "response_code", "source_ip"]
    list_filter = ["resultado"]
    search_fields = ["order"]
    readonly_fields = [f.name for f in NotificacionPago._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
