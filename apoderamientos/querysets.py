"""Reusable filters of the registry: no side effects, one SQL query each."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from .constants import TipoApoderamiento


class ApoderamientoQuerySet(models.QuerySet):
    def visible_to(self, interesado) -> ApoderamientoQuerySet:
        """REA-7: only the poderdante(s) and the apoderado see a power."""
        if interesado is None:
            return self.none()
        # A UNION of two index lookups: an OR across the join would read every power.
        as_poderdante = self.model.poderdantes.through.objects.filter(interesado=interesado)
        ids = (
            self.filter(apoderado=interesado)
            .order_by()
            .values("pk")
            .union(as_poderdante.order_by().values("apoderamiento_id"))
        )
        return self.filter(pk__in=ids)

    def effective_at(self, instant: datetime) -> ApoderamientoQuerySet:
        """Powers that produce effects at ``instant`` (REA-4, REA-5, REA-6, bastanteo)."""
        return self.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=instant),
            Q(requires_bastanteo=False) | Q(bastanteo_at__lte=instant),
            registered_at__lte=instant,
            accepted_at__lte=instant,
            valid_until__gt=instant,
        )

    def covering(self, procedimiento) -> ApoderamientoQuerySet:
        """Powers whose scope (REA-2) covers ``procedimiento`` (None: no particular one)."""
        scope = Q(tipo=TipoApoderamiento.GENERAL) | Q(
            tipo=TipoApoderamiento.ADMINISTRACION, administracion_dir3=settings.COUNCIL_DIR3
        )
        if procedimiento is not None:
            scope |= Q(
                tipo=TipoApoderamiento.TRAMITES,
                pk__in=self.model.procedimientos.through.objects.filter(
                    procedimiento=procedimiento
                ).values("apoderamiento_id"),
            )
        return self.filter(scope)


class HabilitacionQuerySet(models.QuerySet):
    def valid_at(self, instant: datetime) -> HabilitacionQuerySet:
        return self.filter(
            Q(revoked_at__isnull=True) | Q(revoked_at__gt=instant),
            valid_from__lte=instant,
            valid_until__gt=instant,
        )

    def covering(self, procedimiento) -> HabilitacionQuerySet:
        if procedimiento is None:
            return self.filter(all_procedimientos=True)
        return self.filter(Q(all_procedimientos=True) | Q(procedimientos=procedimiento)).distinct()
