"""REST API of the registry (OpenAPI through drf-spectacular).

Integrations (a service or staff user holding ``registro.add_asiento``) register an ENTRADA
on behalf of an interesado, by token or session; an ``Idempotency-Key`` header makes a retry
return the entry the first call registered (200 instead of 201). Everyone reads the entries
``selectors.asiento_visible_to`` allows: a citizen their own, staff the registry book;
anything else is a 404 (REG-1..6).
"""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from identidad.constants import TipoPersona
from identidad.models import Unidad
from identidad.services import interesado_get_or_create
from identidad.validators import validate_nif
from procedimientos.models import Procedimiento

from . import selectors
from .constants import (
    MAX_EXPONE,
    MAX_IDEMPOTENCY_KEY,
    MAX_RESUMEN,
    MAX_SOLICITA,
    Canal,
    Direccion,
    TipoOficina,
)
from .models import Asiento, Oficina
from .services import DocumentoNuevo, asiento_register

IDEMPOTENCY_HEADER = "Idempotency-Key"


def scoped_idempotency_key(user, key: str) -> str:
    """The service's key for an integration's ``Idempotency-Key``: scoped to the caller, so
    one integration's key never returns another integration's entry."""
    return f"api:{user.pk}:{key}"


class CanRegister(permissions.BasePermission):
    """Reading needs a login (what is read is scoped by ``asiento_visible_to``); registering
    needs ``registro.add_asiento`` — being staff grants nothing by itself."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(user.has_perm("registro.add_asiento"))


# --- Input -----------------------------------------------------------------------------


class AsientoInteresadoInputSerializer(serializers.Serializer):
    nif = serializers.CharField(min_length=1, max_length=20, help_text="NIF, NIE o CIF.")
    tipo = serializers.ChoiceField(choices=TipoPersona.choices, required=False)
    nombre = serializers.CharField(max_length=100, required=False, allow_blank=True)
    apellido1 = serializers.CharField(max_length=100, required=False, allow_blank=True)
    apellido2 = serializers.CharField(max_length=100, required=False, allow_blank=True)
    razon_social = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)

    def validate(self, attrs):
        try:
            attrs["nif"] = validate_nif(attrs["nif"], attrs.get("tipo"))
        except ValidationError as exc:
            raise serializers.ValidationError({"nif": exc.messages}) from exc
        return attrs


class AsientoDocumentoInputSerializer(serializers.Serializer):
    nombre = serializers.CharField(min_length=1, max_length=255)
    mime = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Orientativo: el tipo se determina por el contenido.",
    )
    contenido = serializers.CharField(min_length=1, help_text="Contenido del fichero en base64.")

    def validate_contenido(self, value: str) -> bytes:
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise serializers.ValidationError(_("El contenido no está en base64.")) from exc


class AsientoCreateJsonSerializer(serializers.Serializer):
    """An entry to register, with its documents in base64 (``application/json``)."""

    interesado = AsientoInteresadoInputSerializer()
    resumen = serializers.CharField(min_length=1, max_length=MAX_RESUMEN)
    expone = serializers.CharField(max_length=MAX_EXPONE, required=False, allow_blank=True)
    solicita = serializers.CharField(max_length=MAX_SOLICITA, required=False, allow_blank=True)
    unidad_destino = serializers.SlugRelatedField(
        slug_field="dir3", queryset=Unidad.objects.all(), help_text="Código DIR3."
    )
    procedimiento = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Procedimiento.objects.filter(active=True),
        required=False,
        allow_null=True,
    )
    oficina = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Oficina.objects.filter(active=True),
        required=False,
        help_text="Código de la oficina; por omisión, la de la sede electrónica.",
    )
    documentos = AsientoDocumentoInputSerializer(many=True, required=False)


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "binary"}})
class FileListField(serializers.ListField):
    child = serializers.FileField()


class AsientoCreateSerializer(AsientoCreateJsonSerializer):
    """The same, or with the documents as files (``multipart/form-data``)."""

    ficheros = FileListField(
        required=False,
        help_text="Documentos como multipart/form-data (alternativa a «documentos»).",
    )


# --- Output ----------------------------------------------------------------------------


class AsientoParteSerializer(serializers.Serializer):
    nif = serializers.CharField()
    nombre = serializers.CharField()
    rol = serializers.CharField()


class AsientoDocumentoSerializer(serializers.Serializer):
    nombre = serializers.CharField()
    mime = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class AsientoSerializer(serializers.ModelSerializer):
    numero = serializers.CharField(read_only=True)
    unidad_destino = serializers.SlugRelatedField(
        slug_field="dir3", read_only=True, allow_null=True
    )  # an exit (salida) has none
    procedimiento = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    oficina = serializers.SlugRelatedField(slug_field="code", read_only=True)
    interesados = AsientoParteSerializer(source="partes", many=True, read_only=True)
    documentos = AsientoDocumentoSerializer(many=True, read_only=True)
    justificante_url = serializers.SerializerMethodField()

    class Meta:
        model = Asiento
        fields = [
            "id",
            "numero",
            "direction",
            "presented_at",
            "effective_at",
            "estado",
            "canal",
            "oficina",
            "unidad_destino",
            "procedimiento",
            "resumen",
            "expone",
            "solicita",
            "interesados",
            "documentos",
            "justificante_csv",
            "justificante_url",
        ]
        read_only_fields = fields

    def get_justificante_url(self, obj: Asiento) -> str:
        """The receipt (REG-5); it answers once the sealed receipt has been issued."""
        url = reverse("registro:justificante_pdf", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


# --- Views -----------------------------------------------------------------------------


def _messages(exc: ValidationError) -> dict | list:
    """A Django ``ValidationError`` as DRF field errors (a dict by field when it has one)."""
    if hasattr(exc, "error_dict"):
        return {field: _messages(ValidationError(errs)) for field, errs in exc.error_dict.items()}
    return exc.messages


def _oficina_sede() -> Oficina | None:
    return Oficina.objects.filter(kind=TipoOficina.SEDE, active=True).order_by("pk").first()


class AsientoViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Registry entries: register one (integrations) and read the ones you may see."""

    serializer_class = AsientoSerializer
    # Token first: an anonymous call gets a 401 with ``WWW-Authenticate: Token``.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [CanRegister]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            selectors.asiento_visible_to(self.request.user)
            .select_related("oficina", "unidad_destino", "procedimiento")
            .prefetch_related("partes", "documentos")
            .order_by("-presented_at", "-id")
        )

    @extend_schema(
        summary="Consultar mis asientos",
        description="Un ciudadano ve los asientos en los que es interesado o representante "
        "(o que presentó); el personal, el libro de registro.",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Consultar un asiento")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Registrar una entrada (integraciones)",
        request={
            "application/json": AsientoCreateJsonSerializer,
            "multipart/form-data": AsientoCreateSerializer,
        },
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Un reintento con la misma clave devuelve el mismo asiento (200).",
            )
        ],
        responses={201: AsientoSerializer, 200: AsientoSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Register an ENTRADA for an interesado (REG-1..6). Validation errors are a 400 by
        field, with nothing written and no number consumed."""
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip() or None
        if key is not None:
            key = scoped_idempotency_key(request.user, key)
            if len(key) > MAX_IDEMPOTENCY_KEY:
                raise ApiValidationError(
                    {IDEMPOTENCY_HEADER: [_("Clave de idempotencia demasiado larga.")]}
                )
            existing = self.get_queryset().filter(idempotency_key=key).first()
            if existing is not None:
                return Response(self.get_serializer(existing).data, status=status.HTTP_200_OK)
        serializer = AsientoCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        documentos = [
            DocumentoNuevo(nombre=d["nombre"], content=d["contenido"], mime=d.get("mime", ""))
            for d in data.get("documentos", [])
        ] + [
            DocumentoNuevo(nombre=f.name, content=f, mime=getattr(f, "content_type", "") or "")
            for f in data.get("ficheros", [])
        ]
        oficina = data.get("oficina") or _oficina_sede()
        scope = selectors.registry_scope(request.user)
        if (
            scope.clerk
            and not scope.whole_book
            and oficina is not None
            and oficina.pk not in scope.oficina_ids
            and oficina.kind != TipoOficina.SEDE
        ):
            raise ApiValidationError({"oficina": [_("No puede registrar en esa oficina.")]})
        persona = data["interesado"]
        try:
            # One transaction: a new interesado is rolled back with a rejected entry.
            with transaction.atomic():
                try:
                    interesado = interesado_get_or_create(**persona)
                except ValidationError as exc:
                    raise ApiValidationError({"interesado": _messages(exc)}) from exc
                asiento = asiento_register(
                    direction=Direccion.ENTRADA,
                    oficina=oficina,
                    canal=Canal.API,
                    interesados=[interesado],
                    resumen=data["resumen"],
                    expone=data.get("expone", ""),
                    solicita=data.get("solicita", ""),
                    unidad_destino=data["unidad_destino"],
                    procedimiento=data.get("procedimiento"),
                    documentos=documentos,
                    registrado_por=request.user,
                    idempotency_key=key,
                )
        except ValidationError as exc:
            raise ApiValidationError(_messages(exc)) from exc
        asiento = self.get_queryset().get(pk=asiento.pk)
        return Response(self.get_serializer(asiento).data, status=status.HTTP_201_CREATED)
