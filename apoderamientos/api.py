"""REST API of the registry (OpenAPI through drf-spectacular).

Citizens: list, read, grant (apud acta), accept, revoke, renounce, extend their own powers;
ask ``can-act`` and the ``interesados`` they may act for. Desk staff: register, verify
(bastanteo) and consult with a stated reason. Anything not visible is a 404 (REA-7).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bilbao_sede.net import client_ip
from identidad.models import Interesado
from identidad.session import identification_level
from identidad.validators import normalize_nif
from procedimientos.models import Procedimiento

from . import selectors, services
from .constants import TipoApoderamiento
from .decision import can_act
from .models import Apoderamiento


def _api_validation(exc: ValidationError) -> ApiValidationError:
    if hasattr(exc, "message_dict"):
        return ApiValidationError(exc.message_dict)
    return ApiValidationError({"detail": exc.messages})


class PersonaSerializer(serializers.ModelSerializer):
    nombre = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Interesado
        fields = ["nif", "tipo", "nombre"]


class ProcedimientoRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Procedimiento
        fields = ["code", "sia_code", "title_es"]


class ApoderamientoSerializer(serializers.ModelSerializer):
    poderdantes = PersonaSerializer(many=True, read_only=True)
    apoderado = PersonaSerializer(read_only=True)
    procedimientos = ProcedimientoRefSerializer(many=True, read_only=True)
    estado = serializers.SerializerMethodField()

    class Meta:
        model = Apoderamiento
        fields = [
            "id",
            "numero",
            "tipo",
            "estado",
            "poderdantes",
            "apoderado",
            "procedimientos",
            "administracion_dir3",
            "granted_on",
            "registered_at",
            "canal",
            "valid_until",
            "acceptance_deadline",
            "accepted_at",
            "requires_bastanteo",
            "bastanteo_at",
            "ended_at",
        ]
        read_only_fields = fields

    def get_estado(self, obj: Apoderamiento) -> str:
        """The state now, even before the periodic sweep has run."""
        return obj.state_at(timezone.now())


class ProcedimientoCodesField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(
            slug_field="code", queryset=Procedimiento.objects.filter(active=True), **kwargs
        )


class GrantSerializer(serializers.Serializer):
    apoderado_nif = serializers.CharField(max_length=12)
    tipo = serializers.ChoiceField(choices=TipoApoderamiento.choices)
    procedimientos = ProcedimientoCodesField(many=True, required=False)
    valid_until = serializers.DateField(required=False, allow_null=True)

    def validate_apoderado_nif(self, value: str) -> Interesado:
        found = Interesado.objects.filter(nif=normalize_nif(value)).first()
        if found is None:
            raise serializers.ValidationError(_("No consta ninguna persona con ese NIF."))
        return found


class ExtendSerializer(serializers.Serializer):
    valid_until = serializers.DateField(required=False, allow_null=True)


class ApoderamientoViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The powers the authenticated citizen is party to (as poderdante or apoderado)."""

    serializer_class = ApoderamientoSerializer

    def get_queryset(self):
        return selectors.apoderamientos_for_user(self.request.user)

    def _transition(self, service, **kwargs):
        power = self.get_object()
        try:
            power = service(apoderamiento=power, actor=self.request.user, **kwargs)
        except PermissionDenied as exc:
            raise NotFound from exc
        except ValidationError as exc:
            raise _api_validation(exc) from exc
        return Response(ApoderamientoSerializer(power).data)

    @extend_schema(request=GrantSerializer, responses={201: ApoderamientoSerializer})
    def create(self, request):
        """Grant a power apud acta (REA-3): level *sustancial* or higher is required."""
        serializer = GrantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            power = services.apoderamiento_grant_apud_acta(
                user=request.user,
                identification_level=identification_level(request),
                apoderado=data["apoderado_nif"],
                tipo=data["tipo"],
                procedimientos=data.get("procedimientos", []),
                valid_until=data.get("valid_until"),
            )
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            raise _api_validation(exc) from exc
        return Response(ApoderamientoSerializer(power).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ApoderamientoSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The apoderado accepts (REA-6)."""
        return self._transition(services.apoderamiento_accept)

    @extend_schema(request=None, responses=ApoderamientoSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """A poderdante revokes; effective from now (REA-5)."""
        return self._transition(services.apoderamiento_revoke)

    @extend_schema(request=None, responses=ApoderamientoSerializer)
    @action(detail=True, methods=["post"])
    def renounce(self, request, pk=None):
        """The apoderado renounces; effective from now (REA-5)."""
        return self._transition(services.apoderamiento_renounce)

    @extend_schema(request=ExtendSerializer, responses=ApoderamientoSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """A poderdante extends it, up to 5 years from now (REA-4)."""
        serializer = ExtendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._transition(
            services.apoderamiento_extend, valid_until=serializer.validated_data.get("valid_until")
        )


DecisionSerializer = inline_serializer(
    "Decision",
    {
        "allowed": serializers.BooleanField(),
        "reason": serializers.CharField(),
        "via": serializers.CharField(allow_null=True),
        "apoderamiento": serializers.CharField(allow_null=True),
    },
)


def _procedimiento_param(request) -> Procedimiento | None:
    code = request.query_params.get("procedimiento")
    if not code:
        return None
    found = Procedimiento.objects.filter(code=code).first()
    if found is None:
        raise NotFound(_("Procedimiento desconocido."))
    return found


class CanActApi(APIView):
    """May the authenticated person act for ``interesado`` (NIF) in ``procedimiento`` now?"""

    @extend_schema(
        parameters=[
            OpenApiParameter("interesado", OpenApiTypes.STR, required=True, description="NIF"),
            OpenApiParameter("procedimiento", OpenApiTypes.STR, description="código interno"),
        ],
        responses=DecisionSerializer,
    )
    def get(self, request):
        nif = normalize_nif(request.query_params.get("interesado", ""))
        interesado = Interesado.objects.filter(nif=nif).first()
        if interesado is None:
            raise NotFound(_("Interesado desconocido."))
        decision = can_act(
            person=request.user,
            interesado=interesado,
            procedimiento=_procedimiento_param(request),
            instant=timezone.now(),
        )
        return Response(
            {
                "allowed": decision.allowed,
                "reason": decision.reason,
                "via": decision.via,
                "apoderamiento": decision.apoderamiento.numero if decision.apoderamiento else None,
            }
        )


class InteresadosForApi(APIView):
    """The "on behalf of" picker: the person and everyone who empowered them for it now."""

    @extend_schema(
        parameters=[
            OpenApiParameter("procedimiento", OpenApiTypes.STR, description="código interno")
        ],
        responses=PersonaSerializer(many=True),
    )
    def get(self, request):
        people = selectors.interesados_for(
            request.user, _procedimiento_param(request), timezone.now()
        )
        return Response(PersonaSerializer(people, many=True).data)


# --- Desk staff -----------------------------------------------------------------------


class OfficeRegisterSerializer(serializers.Serializer):
    poderdantes = serializers.ListField(child=serializers.CharField(max_length=12), min_length=1)
    apoderado = serializers.CharField(max_length=12)
    presentante = serializers.ChoiceField(choices=["poderdante", "apoderado"])
    tipo = serializers.ChoiceField(choices=TipoApoderamiento.choices)
    procedimientos = ProcedimientoCodesField(many=True, required=False)
    valid_until = serializers.DateField(required=False, allow_null=True)
    granted_on = serializers.DateField(required=False, allow_null=True)
    escritura = serializers.FileField(required=False, allow_null=True)

    def _person(self, nif: str) -> Interesado:
        found = Interesado.objects.filter(nif=normalize_nif(nif)).first()
        if found is None:
            raise serializers.ValidationError(
                _("%(nif)s no consta en la sede: dé de alta antes a la persona.") % {"nif": nif}
            )
        return found

    def validate_poderdantes(self, value):
        return [self._person(nif) for nif in value]

    def validate_apoderado(self, value):
        return self._person(value)


class BastanteoSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class OfficeApoderamientoViewSet(viewsets.GenericViewSet):
    """Desk staff only (anyone else: 404). Reads need ``motivo`` and are audited (REA-7)."""

    serializer_class = ApoderamientoSerializer
    queryset = Apoderamiento.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not selectors.is_desk_staff(request.user):
            raise NotFound

    @extend_schema(request=OfficeRegisterSerializer, responses={201: ApoderamientoSerializer})
    def create(self, request):
        serializer = OfficeRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        poderdantes = data["poderdantes"]
        presentante = data["apoderado"] if data["presentante"] == "apoderado" else poderdantes[0]
        try:
            power = services.apoderamiento_register_at_office(
                staff=request.user,
                poderdantes=poderdantes,
                apoderado=data["apoderado"],
                presentante=presentante,
                tipo=data["tipo"],
                procedimientos=data.get("procedimientos", []),
                valid_until=data.get("valid_until"),
                granted_on=data.get("granted_on"),
                escritura=data.get("escritura"),
            )
        except ValidationError as exc:
            raise _api_validation(exc) from exc
        return Response(ApoderamientoSerializer(power).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("motivo", OpenApiTypes.STR, required=True)],
        responses=ApoderamientoSerializer,
    )
    def retrieve(self, request, pk=None):
        try:
            power = services.apoderamiento_consult(
                staff=request.user,
                apoderamiento_id=int(pk),
                reason=request.query_params.get("motivo", ""),
                ip=client_ip(request),
            )
        except (Apoderamiento.DoesNotExist, ValueError) as exc:
            raise NotFound from exc
        except ValidationError as exc:
            raise _api_validation(exc) from exc
        return Response(ApoderamientoSerializer(power).data)

    @extend_schema(request=BastanteoSerializer, responses=ApoderamientoSerializer)
    @action(detail=True, methods=["post"])
    def bastanteo(self, request, pk=None):
        serializer = BastanteoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        power = Apoderamiento.objects.filter(pk=pk).first()
        if power is None:
            raise Http404
        try:
            power = services.apoderamiento_bastantear(
                apoderamiento=power, staff=request.user, note=serializer.validated_data["note"]
            )
        except ValidationError as exc:
            raise _api_validation(exc) from exc
        return Response(ApoderamientoSerializer(power).data)
