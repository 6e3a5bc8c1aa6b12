"""Cache invalidation only: the per-year holiday sets (selectors.holidays_for_year)."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import DiaInhabil
from .selectors import mark_changed_in_transaction, year_cache_keys


@receiver(pre_save, sender=DiaInhabil, dispatch_uid="calendario_remember_old_year")
def _remember_old_year(sender, instance: DiaInhabil, **kwargs) -> None:
    instance._old_year = None
    if instance.pk:
        old = DiaInhabil.objects.filter(pk=instance.pk).values_list("date", flat=True).first()
        instance._old_year = old.year if old else None


@receiver(post_save, sender=DiaInhabil, dispatch_uid="calendario_invalidate_on_save")
@receiver(post_delete, sender=DiaInhabil, dispatch_uid="calendario_invalidate_on_delete")
def _invalidate_year(sender, instance: DiaInhabil, **kwargs) -> None:
    day: date = DiaInhabil._meta.get_field("date").to_python(instance.date)
    years = {day.year, getattr(instance, "_old_year", None)} - {None}
    keys = [key for year in years for key in year_cache_keys(year)]
    cache.delete_many(keys)
    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    mark_changed_in_transaction(using)
    # Again after the commit: a reader may have cached the old set meanwhile.
    transaction.on_commit(lambda: cache.delete_many(keys), using=using)
