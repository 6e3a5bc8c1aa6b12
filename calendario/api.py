"""Read-only public API: the calendar per year, term computation, REG-2 effective instant."""

from __future__ import annotations

from datetime import UTC, date

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .constants import UnidadPlazo
from .days import MADRID
from .models import DiaInhabil
from .terms import add_term, effective_instant

MAX_AMOUNT = 1000
MIN_YEAR, MAX_YEAR = date.min.year, date.max.year  # 1 and 9999: the years a date can have


class DiaInhabilSerializer(serializers.ModelSerializer):
    class Meta:
        model = DiaInhabil
        fields = ["date", "name_es", "name_eu", "scope", "verified", "source"]


class CalendarYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    published = serializers.BooleanField(
        help_text="False when no holiday of that year is in the calendar yet."
    )
    weekends_non_working = serializers.BooleanField(
        help_text="Saturdays and Sundays are always non-working (Ley 39/2015 art. 30.2)."
    )
    days = DiaInhabilSerializer(many=True)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "date"},
            {"type": "string", "format": "date-time"},
        ]
    }
)
class InstantOrDateField(serializers.Field):
    """A date (YYYY-MM-DD) or an ISO 8601 date-time; without an offset, Madrid time."""

    def to_internal_value(self, data):
        text = str(data).strip()
        if len(text) == 10:
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        return serializers.DateTimeField().to_internal_value(text)

    def to_representation(self, value):
        return value.isoformat()


class InstantField(serializers.DateTimeField):
    """An instant in Madrid time, except where Madrid's offset is not whole minutes (local
    mean time before 1901, -00:14:44): RFC 3339 cannot write that offset, so such an instant
    is given in UTC."""

    def enforce_timezone(self, value):
        value = super().enforce_timezone(value)
        offset = value.utcoffset()
        if offset is not None and offset.total_seconds() % 60:
            return value.astimezone(UTC)
        return value


class TermQuerySerializer(serializers.Serializer):
    start = InstantOrDateField(
        help_text="Notification or publication: a date, or a date-time (needed for hours)."
    )
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT)
    unit = serializers.ChoiceField(choices=UnidadPlazo.choices)


class TermSerializer(serializers.Serializer):
    unit = serializers.CharField()
    amount = serializers.IntegerField()
    start = InstantField()
    count_from = InstantField()
    nominal_end_date = serializers.DateField()
    end_date = serializers.DateField()
    end = InstantField(help_text="Last instant of the term, Europe/Madrid.")
    moved_to_next_working_day = serializers.BooleanField()
    unverified_days = serializers.ListField(child=serializers.DateField())
    unpublished_years = serializers.ListField(child=serializers.IntegerField())


class EffectiveQuerySerializer(serializers.Serializer):
    presented_at = serializers.DateTimeField()


class EffectiveSerializer(serializers.Serializer):
    presented_at = InstantField()
    effective_at = InstantField()
    moved = serializers.BooleanField()


class CalendarYearApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="Non-working days of a year (TIME-7)",
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
                OpenApiParameter.PATH,
            )
        ],
        responses=CalendarYearSerializer,
    )
    def get(self, request: Request, year: int) -> Response:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationError(
                {
                    "year": [
                        _("El año debe estar entre %(min)d y %(max)d.")
                        % {"min": MIN_YEAR, "max": MAX_YEAR}
                    ]
                }
            )
        days = list(selectors.dia_inhabil_list(year=year))
        data = {
            "year": year,
            "published": bool(days),
            "weekends_non_working": True,
            "days": days,
        }
        return Response(CalendarYearSerializer(data).data)


class TermApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="Compute the end of a term (Ley 39/2015 art. 30; TIME-2..5)",
        parameters=[TermQuerySerializer],
        responses=TermSerializer,
    )
    def get(self, request: Request) -> Response:
        query = TermQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            plazo = add_term(
                query.validated_data["start"],
                query.validated_data["amount"],
                query.validated_data["unit"],
            )
        except ValueError as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        data = {**plazo.__dict__, "end_date": plazo.end_date}
        with timezone.override(MADRID):
            return Response(TermSerializer(data).data)


class EffectiveInstantApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="Effective instant of a presentation (REG-2, art. 31.2.b)",
        parameters=[
            OpenApiParameter(
                "presented_at",
                OpenApiTypes.DATETIME,
                required=True,
                description="ISO 8601 date-time of the presentation.",
            )
        ],
        responses=EffectiveSerializer,
    )
    def get(self, request: Request) -> Response:
        query = EffectiveQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        instant = effective_instant(query.validated_data["presented_at"])
        data = {
            "presented_at": instant.presented_at,
            "effective_at": instant.effective_at,
            "moved": instant.moved,
        }
        with timezone.override(MADRID):
            return Response(EffectiveSerializer(data).data)
