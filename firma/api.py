"""REST API of the firma app: portafirmas requests and actions, signature validation reports.

Staff only for the portafirmas; a request or action that is not the caller's answers 404.
Validation reports are open to any authenticated user (citizens validate what they receive).
"""

from __future__ import annotations

import base64
import binascii

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from uploads import UploadRefused

from . import selectors, services
from .constants import ModoFirma, TipoAccion
from .csv import csv_format, csv_verification_url
from .models import AccionFirma, PeticionFirma
from .services.portafirmas import DocumentoSpec, documento_spec_from_upload

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class IsStaff(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


# --- Serializers ----------------------------------------------------------------------


class AccionInputSerializer(serializers.Serializer):
    firmante = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True),
        help_text="Username of the member of staff who acts.",
    )
    tipo = serializers.ChoiceField(choices=TipoAccion.choices, default=TipoAccion.FIRMA)
    modo = serializers.ChoiceField(choices=ModoFirma.choices, default=ModoFirma.PROPIO)
    en_nombre_de = serializers.CharField(required=False, allow_blank=True, default="")


class PasoInputSerializer(serializers.Serializer):
    acciones = AccionInputSerializer(many=True, allow_empty=False)


class DocumentoInputSerializer(serializers.Serializer):
    nombre = serializers.CharField(max_length=255)
    mime = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text="Declared type; never decides: the type recorded is the one of the content.",
    )
    contenido = serializers.CharField(help_text="Content, base64-encoded.")

    def validate_contenido(self, value: str) -> bytes:
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise serializers.ValidationError("Not valid base64.") from exc
        if not data:
            raise serializers.ValidationError("The document is empty.")
        if len(data) > MAX_DOCUMENT_BYTES:
            raise serializers.ValidationError("The document is too large.")
        return data

    def validate(self, attrs):
        """The one upload policy (``uploads``): the type recorded is the one found in the
        content, never ``mime`` as declared; a refused file is a 400 that says why."""
        try:
            spec = documento_spec_from_upload(
                nombre=attrs["nombre"], data=attrs["contenido"], declared_mime=attrs["mime"]
            )
        except UploadRefused as exc:
            raise serializers.ValidationError({"contenido": [str(exc)]}) from exc
        return {"nombre": spec.name, "mime": spec.mime, "contenido": spec.content}


class PeticionCreateSerializer(serializers.Serializer):
    asunto = serializers.CharField(max_length=255)
    descripcion = serializers.CharField(required=False, allow_blank=True, default="")
    fecha_limite = serializers.DateTimeField(required=False, allow_null=True, default=None)
    documentos = DocumentoInputSerializer(many=True, allow_empty=False)
    pasos = PasoInputSerializer(many=True, allow_empty=False)


class AccionOutputSerializer(serializers.ModelSerializer):
    firmante = serializers.CharField(source="firmante.username")
    peticion = serializers.IntegerField(source="paso.peticion_id")
    asunto = serializers.CharField(source="paso.peticion.asunto")
    paso = serializers.IntegerField(source="paso.orden")
    fecha_limite = serializers.DateTimeField(source="paso.peticion.fecha_limite")

    class Meta:
        model = AccionFirma
        fields = [
            "id",
            "peticion",
            "asunto",
            "paso",
            "tipo",
            "firmante",
            "modo",
            "en_nombre_de",
            "estado",
            "done_at",
            "motivo_rechazo",
            "error",
            "fecha_limite",
        ]


class PeticionOutputSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")
    documentos = serializers.SerializerMethodField()
    pasos = serializers.SerializerMethodField()

    class Meta:
        model = PeticionFirma
        fields = [
            "id",
            "asunto",
            "descripcion",
            "estado",
            "created_by",
            "created_at",
            "fecha_limite",
            "finished_at",
            "motivo_rechazo",
            "documentos",
            "pasos",
        ]

    def get_documentos(self, obj) -> list[dict]:
        out = []
        for pd in selectors.peticion_documentos(obj):
            signed = pd.resultado
            out.append(
                {
                    "id": pd.pk,
                    "nombre": pd.borrador.name,
                    "csv_borrador": csv_format(pd.borrador.csv),
                    "csv_firmado": csv_format(signed.csv) if signed else None,
                    "url_verificacion": csv_verification_url(signed.csv) if signed else None,
                }
            )
        return out

    def get_pasos(self, obj) -> list[dict]:
        return [
            {
                "orden": paso.orden,
                "estado": paso.estado,
                "acciones": AccionOutputSerializer(
                    paso.acciones.select_related("firmante", "paso__peticion"), many=True
                ).data,
            }
            for paso in obj.pasos.order_by("orden")
        ]


class RechazoSerializer(serializers.Serializer):
    motivo = serializers.CharField(max_length=2000)


class LoteSerializer(serializers.Serializer):
    acciones = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class ValidacionInputSerializer(serializers.Serializer):
    fichero = serializers.FileField(help_text="The signed file (PDF, XML or CMS).")
    contenido = serializers.FileField(
        required=False, help_text="The signed content, for detached XAdES/CAdES signatures."
    )


# --- Views ----------------------------------------------------------------------------


def _errors(exc: DjangoValidationError) -> Response:
    return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)


class PeticionListCreateApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=PeticionOutputSerializer(many=True))
    def get(self, request):
        peticiones = selectors.peticiones_for(request.user)[:200]
        return Response(PeticionOutputSerializer(peticiones, many=True).data)

    @extend_schema(request=PeticionCreateSerializer, responses={201: PeticionOutputSerializer})
    def post(self, request):
        if not selectors.can_create_peticiones(request.user):
            raise PermissionDenied(_("No tiene permiso para enviar documentos a firma."))
        serializer = PeticionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            peticion = services.peticion_create(
                created_by=request.user,
                asunto=data["asunto"],
                descripcion=data["descripcion"],
                fecha_limite=data["fecha_limite"],
                documentos=[
                    DocumentoSpec(content=d["contenido"], name=d["nombre"], mime=d["mime"])
                    for d in data["documentos"]
                ],
                pasos=[
                    [services.AccionSpec(**accion) for accion in paso["acciones"]]
                    for paso in data["pasos"]
                ],
            )
        except DjangoValidationError as exc:
            return _errors(exc)
        return Response(PeticionOutputSerializer(peticion).data, status=status.HTTP_201_CREATED)


class PeticionDetailApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=PeticionOutputSerializer)
    def get(self, request, pk: int):
        peticion = get_object_or_404(selectors.peticiones_for(request.user), pk=pk)
        return Response(PeticionOutputSerializer(peticion).data)


class AccionPendingListApi(APIView):
    """The caller's inbox: actions that wait for them now."""

    permission_classes = [IsStaff]

    @extend_schema(responses=AccionOutputSerializer(many=True))
    def get(self, request):
        return Response(AccionOutputSerializer(selectors.inbox_for(request.user), many=True).data)


class _AccionApi(APIView):
    permission_classes = [IsStaff]

    def get_accion(self, request, pk: int) -> AccionFirma:
        return get_object_or_404(selectors.acciones_of(request.user), pk=pk)

    def not_pending(self) -> Response:
        return Response(
            {"detail": "This action is not waiting for you."}, status=status.HTTP_409_CONFLICT
        )


class AccionSignApi(_AccionApi):
    """Sign (202: queued, signed in the background) or, for a visto bueno, approve."""

    @extend_schema(request=None, responses={202: AccionOutputSerializer})
    def post(self, request, pk: int):
        accion = self.get_accion(request, pk)
        try:
            services.acciones_sign(user=request.user, accion_ids=[accion.pk])
        except services.AccionNoDisponibleError:
            return self.not_pending()
        accion.refresh_from_db()
        return Response(AccionOutputSerializer(accion).data, status=status.HTTP_202_ACCEPTED)


class AccionApproveApi(_AccionApi):
    @extend_schema(request=None, responses={200: AccionOutputSerializer})
    def post(self, request, pk: int):
        accion = self.get_accion(request, pk)
        try:
            accion = services.accion_approve(user=request.user, accion_id=accion.pk)
        except services.AccionNoDisponibleError:
            return self.not_pending()
        return Response(AccionOutputSerializer(accion).data)


class AccionRejectApi(_AccionApi):
    @extend_schema(request=RechazoSerializer, responses={200: AccionOutputSerializer})
    def post(self, request, pk: int):
        accion = self.get_accion(request, pk)
        serializer = RechazoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            accion = services.accion_reject(
                user=request.user, accion_id=accion.pk, motivo=serializer.validated_data["motivo"]
            )
        except services.AccionNoDisponibleError:
            return self.not_pending()
        except DjangoValidationError as exc:
            return _errors(exc)
        return Response(AccionOutputSerializer(accion).data)


class AccionBatchSignApi(APIView):
    """Batch: sign or approve several actions of the caller's inbox; all or nothing."""

    permission_classes = [IsStaff]

    @extend_schema(
        operation_id="firma_acciones_firmar_lote",
        request=LoteSerializer,
        responses={202: AccionOutputSerializer(many=True)},
    )
    def post(self, request):
        serializer = LoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            acciones = services.acciones_sign(
                user=request.user, accion_ids=serializer.validated_data["acciones"]
            )
        except services.AccionNoDisponibleError:
            return Response(
                {"detail": "Some of these actions are not waiting for you; nothing was done."},
                status=status.HTTP_409_CONFLICT,
            )
        for accion in acciones:
            accion.refresh_from_db()
        return Response(
            AccionOutputSerializer(acciones, many=True).data, status=status.HTTP_202_ACCEPTED
        )


class ValidacionApi(APIView):
    """Upload a signed file; get the validation report (who, when, certificate, result, why)."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ValidacionInputSerializer},
        responses={
            200: inline_serializer(
                "ValidationReport",
                fields={
                    "fmt": serializers.CharField(),
                    "result": serializers.ChoiceField(
                        choices=["valid", "invalid", "indeterminate", "cannot_validate"]
                    ),
                    "indication": serializers.ChoiceField(
                        choices=["TOTAL-PASSED", "TOTAL-FAILED", "INDETERMINATE"],
                        allow_null=True,
                        help_text="ETSI EN 319 102-1 main indication (null: nothing to validate).",
                    ),
                    "subindication": serializers.CharField(
                        allow_null=True,
                        help_text="ETSI EN 319 102-1 sub-indication, e.g. OUT_OF_BOUNDS_NO_POE.",
                    ),
                    "explanation": serializers.CharField(
                        help_text="Plain explanation of the verdict, in the request's language."
                    ),
                    "summary": serializers.CharField(),
                    "reasons": serializers.ListField(child=serializers.CharField()),
                    "signatures": serializers.ListField(
                        child=serializers.DictField(),
                        help_text=(
                            "One report per signature: indication, subindication, explanation, "
                            "validation_time and validation_time_basis, revocation_status, "
                            "policy_oid, policy_name, policy_digest_ok, codes, reasons, warnings."
                        ),
                    ),
                },
            )
        },
    )
    def post(self, request):
        from firma.validation import validate

        serializer = ValidacionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fichero = serializer.validated_data["fichero"]
        contenido = serializer.validated_data.get("contenido")
        report = validate(
            fichero.read(), detached_content=contenido.read() if contenido is not None else None
        )
        return Response(report.to_dict())
