"""Read-only public API of the catalogue and of the plan progress (OpenAPI via spectacular)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .avance import avance_history, compute_avance
from .models import Guia, Materia, Procedimiento
from .selectors import CatalogoFiltro, procedimiento_public_list


class MateriaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Materia
        fields = ["slug", "name_es", "name_eu"]


class UnidadRefSerializer(serializers.Serializer):
    dir3 = serializers.CharField()
    name_es = serializers.CharField()
    name_eu = serializers.CharField()
    is_example = serializers.BooleanField()


class MaxTermSerializer(serializers.Serializer):
    value = serializers.IntegerField(source="max_term_value")
    unit = serializers.CharField(source="max_term_unit")


class ProcedimientoListSerializer(serializers.ModelSerializer):
    materia = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    unit = UnidadRefSerializer(read_only=True)
    max_term = MaxTermSerializer(source="*", read_only=True)
    can_start_online = serializers.BooleanField(read_only=True)

    class Meta:
        model = Procedimiento
        fields = [
            "code",
            "title_es",
            "title_eu",
            "summary_es",
            "summary_eu",
            "materia",
            "audience",
            "unit",
            "max_term",
            "silence_effect",
            "digitisation_level",
            "can_start_online",
        ]


class GuiaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Guia
        exclude = ["id", "procedimiento"]


class ProcedimientoDetailSerializer(ProcedimientoListSerializer):
    guia = GuiaSerializer(read_only=True)
    materia = MateriaSerializer(read_only=True)
    verified = serializers.SerializerMethodField()

    class Meta(ProcedimientoListSerializer.Meta):
        fields = ProcedimientoListSerializer.Meta.fields + [
            "sia_code",
            "start_mode",
            "filing_kind",
            "signature_required",
            "min_identification_level",
            "channels",
            "required_documents",
            "fees",
            "legal_basis_es",
            "legal_basis_eu",
            "target_level",
            "adaptation_status",
            "source_council",
            "sources",
            "verified",
            "guia",
        ]

    def get_verified(self, obj) -> dict[str, bool]:
        return {
            "title_es": obj.title_es_verified,
            "title_eu": obj.title_eu_verified,
            "unit": obj.unit_verified,
            "term": obj.term_verified,
            "silence": obj.silence_verified,
        }


_FILTERS = [
    OpenApiParameter("q", str, description="Search words (es/eu, accents ignored)"),
    OpenApiParameter("materia", str, description="Subject slug"),
    OpenApiParameter("audience", str, description="ciudadania | empresas"),
    OpenApiParameter("unit", str, description="DIR3 code of the unit (or its parent)"),
    OpenApiParameter("level", int, description="Digitisation level 0-4"),
]


class ProcedimientoViewSet(viewsets.ReadOnlyModelViewSet):
    """The public catalogue: active procedures."""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # public: credentials are neither needed nor read
    lookup_field = "code"

    def get_queryset(self):
        params = self.request.query_params
        level = params.get("level")
        filtro = CatalogoFiltro(
            q=params.get("q", "")[:100],
            materia=params.get("materia", ""),
            audience=params.get("audience", ""),
            unit=params.get("unit", ""),
            level=int(level) if level and level.isdigit() else None,
        )
        return procedimiento_public_list(filtro)

    def get_serializer_class(self):
        return (
            ProcedimientoDetailSerializer
            if self.action == "retrieve"
            else ProcedimientoListSerializer
        )

    def get_object(self):
        return get_object_or_404(
            Procedimiento.objects.select_related("materia", "unit", "guia"),
            code=self.kwargs["code"],
            active=True,
        )

    @extend_schema(parameters=_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class ActionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_es = serializers.CharField()
    name_eu = serializers.CharField()
    weight = serializers.IntegerField()
    status = serializers.CharField()
    progress_source = serializers.CharField()
    progress = serializers.DecimalField(max_digits=5, decimal_places=2)
    origin = serializers.ChoiceField(
        choices=["catalogo", "calculado", "declarado"],
        help_text="catalogo: the catalogue formula; calculado: a proxy computed from data "
        "(formula given); declarado: the value recorded by staff.",
    )
    formula = serializers.CharField(allow_blank=True)


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    name_es = serializers.CharField()
    name_eu = serializers.CharField()
    procedures = serializers.IntegerField()
    adapted = serializers.IntegerField()
    progress = serializers.DecimalField(max_digits=5, decimal_places=2)


class HistoryPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.DecimalField(max_digits=5, decimal_places=2)
    reported = serializers.BooleanField()
    source = serializers.CharField()


class AvanceSerializer(serializers.Serializer):
    overall = serializers.DecimalField(max_digits=5, decimal_places=2)
    catalogue = serializers.DecimalField(max_digits=5, decimal_places=2)
    procedures = serializers.IntegerField()
    adapted = serializers.IntegerField()
    actions = ActionSerializer(many=True)
    by_department = GroupSerializer(many=True)
    by_level = GroupSerializer(many=True)
    history = HistoryPointSerializer(many=True)


class AvanceApi(APIView):
    """The grado de avance of the digitisation plan, its breakdown and history."""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # public: credentials are neither needed nor read

    @extend_schema(responses=AvanceSerializer)
    def get(self, request):
        avance = compute_avance()
        data = {
            "overall": avance.overall,
            "catalogue": avance.catalogue,
            "procedures": avance.procedures,
            "adapted": avance.adapted,
            "actions": [
                {
                    "code": a.code,
                    "name_es": a.name_es,
                    "name_eu": a.name_eu,
                    "weight": a.weight,
                    "status": a.status,
                    "progress_source": a.progress_source,
                    "progress": p,
                    "origin": avance.origins.get(a.code, ("declarado", None))[0],
                    "formula": str(v.formula)
                    if (v := avance.origins.get(a.code, ("", None))[1])
                    else "",
                }
                for a, p in avance.actions
            ],
            "by_department": avance.by_department,
            "by_level": avance.by_level,
            "history": avance_history(),
        }
        return Response(AvanceSerializer(data).data)
