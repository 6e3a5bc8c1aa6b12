"""REST API of notifications (OpenAPI through drf-spectacular).

Recipients (``/api/notificaciones/mias/``) list and read their own notifications and those of
the people who gave them a power; opening (``acceder``) and rejecting (``rechazar``) go through
the same services as the sede — a power in force is required, else 403 with the reason.
Staff (``/api/notificaciones/gestion/``) create and follow the notifications of their units.
Anything else: 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from identidad.models import Interesado
from identidad.services import audit_record

from . import selectors, services
from .constants import Clase, Estado
from .models import Notificacion


class NotificacionPagination(CursorPagination):
    ordering = "-id"
    page_size = 50


class AvisoSerializer(serializers.Serializer):
    canal = serializers.CharField()
    tipo = serializers.CharField()
    estado = serializers.CharField()
    intentos = serializers.IntegerField()
    ultimo_error = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)


class EvidenciaSerializer(serializers.Serializer):
    tipo = serializers.CharField()
    at = serializers.DateTimeField()
    csv = serializers.CharField(help_text="Vacío mientras se sella.")


class NotificacionSerializer(serializers.ModelSerializer):
    destinatario_nif = serializers.CharField(source="destinatario.nif", read_only=True)
    destinatario_nombre = serializers.CharField(source="destinatario.display_name", read_only=True)
    expediente = serializers.CharField(
        source="expediente.identificador", read_only=True, allow_null=True, default=None
    )
    evidencias = serializers.SerializerMethodField()

    class Meta:
        model = Notificacion
        fields = [
            "id",
            "identificador",
            "clase",
            "asunto",
            "destinatario_nif",
            "destinatario_nombre",
            "expediente",
            "canal",
            "estado",
            "puesta_at",
            "expira_at",
            "practicada_at",
            "plazo_dias_naturales",
            "evidencias",
        ]
        read_only_fields = fields

    @extend_schema_field(EvidenciaSerializer(many=True))
    def get_evidencias(self, obj) -> list[dict]:
        return [{"tipo": e.tipo, "at": e.at, "csv": e.csv} for e in obj.evidencias.all()]


class NotificacionContenidoSerializer(NotificacionSerializer):
    """With the act's text: only once the notification has been opened (NOT-5)."""

    texto = serializers.SerializerMethodField()
    recursos = serializers.SerializerMethodField()

    class Meta(NotificacionSerializer.Meta):
        fields = [*NotificacionSerializer.Meta.fields, "texto", "recursos"]
        read_only_fields = fields

    def _opened(self, obj) -> bool:
        return obj.estado in (Estado.ACEPTADA, Estado.LEIDA, Estado.PAPEL)

    def get_texto(self, obj) -> str | None:
        return obj.texto if self._opened(obj) else None

    def get_recursos(self, obj) -> str | None:
        return obj.recursos if self._opened(obj) else None


class StaffNotificacionSerializer(NotificacionSerializer):
    avisos = AvisoSerializer(many=True, read_only=True)

    class Meta(NotificacionSerializer.Meta):
        fields = [*NotificacionSerializer.Meta.fields, "avisos"]
        read_only_fields = fields


class NotificacionCreateSerializer(serializers.Serializer):
    destinatario_nif = serializers.CharField(max_length=12)
    asunto = serializers.CharField(max_length=250)
    texto = serializers.CharField()
    recursos = serializers.CharField(required=False, allow_blank=True, default="")
    clase = serializers.ChoiceField(choices=Clase.choices, default=Clase.NOTIFICACION)
    plazo_dias_naturales = serializers.BooleanField(default=False)
    idioma = serializers.ChoiceField(choices=[("es", "es"), ("eu", "eu")], default="es")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _validation_detail(exc: ValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}


class CitizenNotificacionViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"\d+"
    serializer_class = NotificacionContenidoSerializer
    pagination_class = NotificacionPagination

    def get_queryset(self):
        return (
            selectors.notificaciones_for_citizen(self.request.user)
            .select_related("destinatario", "expediente")
            .prefetch_related("evidencias")
        )

    def _act(self, service, pk):
        notificacion = self.get_queryset().filter(pk=pk).first()
        if notificacion is None:
            reason = selectors.notificacion_refusal_reason(self.request.user, pk)
            if reason is None:
                raise NotFound
            return Response({"detail": reason}, status=status.HTTP_403_FORBIDDEN)
        try:
            result = service(notificacion_id=notificacion.pk, user=self.request.user)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except ValidationError as exc:
            return Response(_validation_detail(exc), status=status.HTTP_409_CONFLICT)
        if result.estado == Estado.EXPIRADA:
            return Response(
                {"detail": "El plazo para acceder terminó: se entiende rechazada."},
                status=status.HTTP_409_CONFLICT,
            )
        result = self.get_queryset().get(pk=result.pk)
        return Response(NotificacionContenidoSerializer(result).data)

    @extend_schema(
        request=None,
        responses={
            200: NotificacionContenidoSerializer,
            403: OpenApiResponse(ErrorSerializer, description="Sin poder en vigor: el motivo."),
            404: OpenApiResponse(description="No existe o no es suya."),
            409: OpenApiResponse(ErrorSerializer, description="Ya aceptada, rechazada o vencida."),
        },
    )
    @action(detail=True, methods=["post"])
    def acceder(self, request, pk=None):
        """Comparecencia: opening accepts the notification at this instant (NOT-5)."""
        return self._act(services.notificacion_open, pk)

    @extend_schema(
        request=None,
        responses={
            200: NotificacionContenidoSerializer,
            403: OpenApiResponse(ErrorSerializer, description="Sin poder en vigor: el motivo."),
            404: OpenApiResponse(description="No existe o no es suya."),
            409: OpenApiResponse(ErrorSerializer, description="Ya aceptada, rechazada o vencida."),
        },
    )
    @action(detail=True, methods=["post"])
    def rechazar(self, request, pk=None):
        """Explicit rejection (art. 41.5)."""
        return self._act(services.notificacion_reject, pk)


class StaffNotificacionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = r"\d+"
    serializer_class = StaffNotificacionSerializer
    pagination_class = NotificacionPagination

    def get_queryset(self):
        return (
            selectors.notificaciones_for_staff(self.request.user)
            .select_related("destinatario", "expediente")
            .prefetch_related("evidencias", "avisos")
        )

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit_record(
            actor=request.user,
            action="notificaciones.consulta",
            object_type="notificaciones.notificacion",
            object_id=str(kwargs.get("pk")),
        )
        return response

    @extend_schema(
        request=NotificacionCreateSerializer,
        responses={
            201: StaffNotificacionSerializer,
            400: OpenApiResponse(description="Datos no válidos, con el motivo por campo."),
            404: OpenApiResponse(description="Sin permiso para notificar."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Prepare a notification (or communication) and make it available at once."""
        if not request.user.has_perm("notificaciones.change_notificacion"):
            raise NotFound
        units = selectors.staff_units(request.user)
        if not units:
            raise NotFound
        data = NotificacionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        destinatario = Interesado.objects.filter(
            nif=values.pop("destinatario_nif").strip().upper()
        ).first()
        if destinatario is None:
            return Response(
                {"destinatario_nif": ["No consta como interesado."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            notificacion = services.notificacion_prepare(
                destinatario=destinatario, unidad=units[0], actor=request.user, **values
            )
            notificacion = services.notificacion_make_available(
                notificacion=notificacion, actor=request.user
            )
        except ValidationError as exc:
            return Response(_validation_detail(exc), status=status.HTTP_400_BAD_REQUEST)
        notificacion = self.get_queryset().get(pk=notificacion.pk)
        return Response(
            StaffNotificacionSerializer(notificacion).data, status=status.HTTP_201_CREATED
        )
