from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import DiaInhabil


@admin.register(DiaInhabil)
class DiaInhabilAdmin(admin.ModelAdmin):
    """The calendar, year by year (date hierarchy), editable by staff (TIME-7)."""

    list_display = ("date", "weekday", "name_es", "name_eu", "scope", "verified")
    list_filter = ("scope", "verified")
    date_hierarchy = "date"
    search_fields = ("name_es", "name_eu", "source", "notes")
    ordering = ("date",)
    actions = ("mark_verified",)

    @admin.display(description=_("día de la semana"))
    def weekday(self, obj: DiaInhabil) -> str:
        from django.utils.formats import date_format

        return date_format(obj.date, "l")

    @admin.action(description=_("Marcar como confirmados en el boletín oficial"))
    def mark_verified(self, request, queryset):
        # One save per row so that the cache-invalidation signal runs for each year.
        for dia in queryset.filter(verified=False):
            dia.verified = True
            dia.save(update_fields=["verified", "updated_at"])
