"""Refusals of the registry. Each carries the ``Decision`` (and its reason) behind it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class RepresentacionDenegada(PermissionDenied):
    """The person may not act for that interesado (no self, no power, no authorisation)."""

    def __init__(self, decision) -> None:
        super().__init__(decision.reason)
        self.decision = decision


class HabilitacionDenegada(RepresentacionDenegada):
    """HAB-3: the official is not authorised for that procedure on that date."""
