"""REST API of the registry exchange (OpenAPI through drf-spectacular), mounted at
``/api/registro/sir/``.

* ``mensajes/``: the inbound endpoint of this registry in the exchange space. Another
  registry office (the local peer transport) POSTs a SICRES 4.0 message (``application/xml``)
  with ``Authorization: Bearer <REGISTRO_SIR_INBOUND_TOKEN>`` and gets the technical answer
  (a ``De_Control``: ACK, Error, ACK-Confirmación, ACK-Rechazo) or 204 when none is due.
  Off (404) while no inbound token is configured.
* ``intercambios/``: integrations and staff follow exchanges (state, pending
  acknowledgements, history) and act on them with the clerk's permissions and scope.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from identidad.models import Unidad

from .. import selectors as registro_selectors
from . import selectors, services
from .constants import MAX_DESCRIPCION_MENSAJE
from .mensajes import InvalidMessageError, XsdUnavailableError
from .models import Intercambio

# --- Inbound endpoint (the exchange space) -------------------------------------------------


class SicresXmlParser(BaseParser):
    """The raw message, read with a bound (``REGISTRO_SIR_MAX_MESSAGE_BYTES``)."""

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        return read_message(stream, declared)


def read_message(stream, declared: str | None) -> bytes:
    """The body, refused (``ParseError``) over ``REGISTRO_SIR_MAX_MESSAGE_BYTES``."""
    limit = settings.REGISTRO_SIR_MAX_MESSAGE_BYTES
    if declared and declared.isdigit() and int(declared) > limit:
        raise ParseError(_("El mensaje supera el tamaño máximo admitido."))
    data = stream.read(limit + 1) if stream is not None else b""
    if len(data) > limit:
        raise ParseError(_("El mensaje supera el tamaño máximo admitido."))
    return data


class TextXmlParser(SicresXmlParser):
    media_type = "text/xml"


XML_MEDIA_TYPES = frozenset({SicresXmlParser.media_type, TextXmlParser.media_type})


class PeerToken(permissions.BasePermission):
    """A registry office of the exchange space: it presents the inbound token."""

    def has_permission(self, request, view) -> bool:
        expected = settings.REGISTRO_SIR_INBOUND_TOKEN
        if not expected:
            raise Http404  # the endpoint is off
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _sep, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), expected.encode()
        )


class SirMensajesApi(APIView):
    authentication_classes: list = []
    permission_classes = [PeerToken]
    parser_classes = [SicresXmlParser, TextXmlParser]

    @extend_schema(
        summary="Recibir un mensaje SICRES 4.0 (otras oficinas de registro)",
        description="Fichero_Intercambio_SICRES_4 o De_Control. Responde con el mensaje de "
        "control que corresponde (ACK, Error, ACK-Confirmación, ACK-Rechazo) o 204.",
        request={"application/xml": OpenApiTypes.BINARY},
        responses={
            200: OpenApiResponse(OpenApiTypes.BINARY, description="De_Control (XML)"),
            204: OpenApiResponse(description="Respuesta recibida; no se debe nada."),
            400: OpenApiResponse(description="No es un mensaje SICRES 4.0."),
            403: OpenApiResponse(description="Sin el token de la oficina."),
            503: OpenApiResponse(description="Esquemas XSD no disponibles: reintente."),
        },
    )
    def post(self, request):
        data = request.data
        if not isinstance(data, bytes) or not data:
            raise ParseError(_("Envíe el mensaje SICRES 4.0 como application/xml."))
        return self.answer(data)

    @classmethod
    def machine_post(cls, request) -> HttpResponse | None:
        """The common request — a POST of XML with the right token — answered without DRF's
        per-request machinery (request wrapper, content negotiation, parser and permission
        objects): the same checks and the same answer (``MachineEndpointMiddleware``, issue
        18). None for anything else, which the view itself answers (404, 403, 405, 415...)."""
        if request.method != "POST" or request.content_type not in XML_MEDIA_TYPES:
            return None
        try:
            if not PeerToken().has_permission(request, None):
                return None
        except Http404:
            return None
        try:
            data = read_message(request, request.META.get("CONTENT_LENGTH"))
            if not data:
                raise ParseError(_("Envíe el mensaje SICRES 4.0 como application/xml."))
            return cls.answer(data)
        except ParseError as exc:
            return JsonResponse(
                {"detail": exc.detail},
                status=status.HTTP_400_BAD_REQUEST,
                json_dumps_params={"ensure_ascii": False},
            )

    @staticmethod
    def answer(data: bytes) -> HttpResponse:
        try:
            reply = services.mensaje_recibir(data)
        except InvalidMessageError as exc:
            raise ParseError(exc.detalle) from exc
        except XsdUnavailableError:
            return JsonResponse(
                {"detail": _("El registro no puede validar mensajes ahora; reintente.")},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                json_dumps_params={"ensure_ascii": False},
            )
        if reply is None:
            return HttpResponse(status=204)
        return HttpResponse(reply, content_type="application/xml; charset=utf-8")


# --- Following exchanges (integrations, staff) ---------------------------------------------


class IntercambioFicheroSerializer(serializers.Serializer):
    identificador_fichero = serializers.CharField()
    nombre = serializers.CharField()
    mime = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class IntercambioEventoSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    accion = serializers.CharField()
    mensaje = serializers.CharField(help_text="Tipo_Mensaje (01..06) o vacío.")
    estado_anterior = serializers.CharField()
    estado = serializers.CharField()
    detalle = serializers.CharField()


class IntercambioSerializer(serializers.ModelSerializer):
    asiento = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    asiento_numero = serializers.SerializerMethodField()
    oficina = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    pendiente_de = serializers.SerializerMethodField()
    ficheros = IntercambioFicheroSerializer(many=True, read_only=True)
    eventos = IntercambioEventoSerializer(many=True, read_only=True)

    class Meta:
        model = Intercambio
        fields = [
            "id",
            "identificador",
            "sentido",
            "tipo_anotacion",
            "estado",
            "pendiente_de",
            "asiento",
            "asiento_numero",
            "oficina",
            "entidad_origen",
            "entidad_destino",
            "entidad_inicio",
            "unidad_destino_codigo",
            "numero_registro_origen",
            "numero_registro_destino",
            "fecha_registro_destino",
            "resumen",
            "interesado",
            "motivo",
            "codigo_error",
            "ultimo_error",
            "intentos",
            "proximo_intento_at",
            "created_at",
            "updated_at",
            "ficheros",
            "eventos",
        ]
        read_only_fields = fields

    def get_asiento_numero(self, obj: Intercambio) -> str:
        return obj.asiento.numero if obj.asiento_id else ""

    def get_pendiente_de(self, obj: Intercambio) -> str:
        """What is still owed or awaited: ACK, ACK-Confirmación, ACK-Rechazo,
        Confirmación/Rechazo, or empty."""
        return selectors.awaiting_answer(obj)


class EnviarSerializer(serializers.Serializer):
    asiento = serializers.IntegerField(help_text="Id del asiento numerado que se envía.")
    entidad_destino = serializers.RegexField(
        r"^[A-Za-z0-9]{1,21}$", help_text="Código DIR3 de la oficina de registro de destino."
    )
    entidad_destino_nombre = serializers.CharField(max_length=120, required=False, allow_blank=True)


class ConfirmarSerializer(serializers.Serializer):
    unidad_destino = serializers.SlugRelatedField(
        slug_field="dir3",
        queryset=Unidad.objects.filter(active=True),
        required=False,
        allow_null=True,
        help_text="DIR3; por omisión, la unidad de tramitación que indica el origen.",
    )


class RechazarSerializer(serializers.Serializer):
    motivo = serializers.CharField(max_length=MAX_DESCRIPCION_MENSAJE)


class ReenviarSerializer(serializers.Serializer):
    entidad_destino = serializers.RegexField(r"^[A-Za-z0-9]{1,21}$")
    entidad_destino_nombre = serializers.CharField(max_length=120, required=False, allow_blank=True)


class CanFollowExchanges(permissions.BasePermission):
    """Reading: ``registro.view_intercambio``; sending: ``add``; deciding: ``change``."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        needed = {
            "create": selectors.SEND_PERMISSION,
            "confirmar": selectors.DECIDE_PERMISSION,
            "rechazar": selectors.DECIDE_PERMISSION,
            "reenviar": selectors.DECIDE_PERMISSION,
            "reintentar": selectors.DECIDE_PERMISSION,
        }.get(view.action, selectors.VIEW_PERMISSION)
        return user.has_perm(needed)


def _api_errors(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return {k: ValidationError(v).messages for k, v in exc.error_dict.items()}
    return {"detail": exc.messages}


ERRORS = {
    400: OpenApiResponse(description="Datos no válidos o acción no posible en ese estado."),
    404: OpenApiResponse(description="No existe o no está en su ámbito."),
}


class IntercambioViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Exchanges with other administrations (SIR): state, pending acknowledgements, history."""

    serializer_class = IntercambioSerializer
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [CanFollowExchanges]

    def get_queryset(self):
        qs = (
            selectors.intercambios_visible_to(self.request.user)
            .select_related("asiento", "oficina")
            .prefetch_related("ficheros", "eventos")
            .order_by("-created_at", "-id")
        )
        sentido = self.request.query_params.get("sentido")
        estado = self.request.query_params.get("estado")
        if sentido:
            qs = qs.filter(sentido=sentido)
        if estado:
            qs = qs.filter(estado=estado)
        return qs

    def _respond(self, intercambio: Intercambio, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=intercambio.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        summary="Enviar un asiento a otra administración",
        request=EnviarSerializer,
        responses={201: IntercambioSerializer, **ERRORS},
    )
    def create(self, request):
        serializer = EnviarSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        asiento = registro_selectors.asiento_get_for(request.user, data["asiento"])
        if (
            asiento is None
            or not selectors.oficinas_scope(request.user).filter(pk=asiento.oficina_id).exists()
        ):
            raise Http404
        try:
            intercambio = services.intercambio_enviar(
                asiento=asiento,
                entidad_destino=data["entidad_destino"],
                entidad_destino_nombre=data.get("entidad_destino_nombre", ""),
                actor=request.user,
            )
        except ValidationError as exc:
            raise ApiValidationError(_api_errors(exc)) from exc
        return self._respond(intercambio, status.HTTP_201_CREATED)

    def _decide(self, request, serializer_class, call):
        intercambio = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = call(intercambio, serializer.validated_data)
        except ValidationError as exc:
            raise ApiValidationError(_api_errors(exc)) from exc
        return self._respond(result)

    @extend_schema(
        summary="Confirmar un pre-asiento recibido (se registra como entrada)",
        request=ConfirmarSerializer,
        responses={200: IntercambioSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def confirmar(self, request, pk=None):
        def call(intercambio, data):
            services.intercambio_confirmar(
                intercambio=intercambio,
                actor=request.user,
                unidad_destino=data.get("unidad_destino"),
            )
            return intercambio

        return self._decide(request, ConfirmarSerializer, call)

    @extend_schema(
        summary="Rechazar un pre-asiento recibido",
        request=RechazarSerializer,
        responses={200: IntercambioSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def rechazar(self, request, pk=None):
        return self._decide(
            request,
            RechazarSerializer,
            lambda i, d: services.intercambio_rechazar(
                intercambio=i, actor=request.user, motivo=d["motivo"]
            ),
        )

    @extend_schema(
        summary="Reenviar un pre-asiento a otra entidad registral",
        request=ReenviarSerializer,
        responses={200: IntercambioSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reenviar(self, request, pk=None):
        return self._decide(
            request,
            ReenviarSerializer,
            lambda i, d: services.intercambio_reenviar(
                intercambio=i,
                actor=request.user,
                entidad_destino=d["entidad_destino"],
                entidad_destino_nombre=d.get("entidad_destino_nombre", ""),
            ),
        )

    @extend_schema(
        summary="Enviar de nuevo un intercambio que terminó en error",
        request=None,
        responses={200: IntercambioSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reintentar(self, request, pk=None):
        intercambio = self.get_object()
        try:
            services.intercambio_reintentar(intercambio=intercambio, actor=request.user)
        except ValidationError as exc:
            raise ApiValidationError(_api_errors(exc)) from exc
        return self._respond(intercambio)
