"""REST API of case files and their documents (OpenAPI through drf-spectacular).

The same scope as the web, from the same selectors: staff see their units' files and the
files shared with them (``/api/expedientes/gestion/``, every read audited); citizens see
their own files and those of people they represent under a power in force
(``/api/expedientes/mios/``, only the documents shown to interesados). Anything else: 404.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination

from bilbao_sede.net import client_ip
from identidad.services import audit_record

from . import eni, selectors
from .models import (
    Evento,
    Expediente,
    ExpedienteDocumento,
    ExpedienteParte,
)


class ExpedientePagination(CursorPagination):
    """Cursor pages (no COUNT over the whole scope): stable and cheap at any size."""

    ordering = "-id"
    page_size = 50


class ParteSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpedienteParte
        fields = ["nif", "nombre", "rol"]


class DocumentoSerializer(serializers.ModelSerializer):
    """ENI metadata (DOC-1..5) of a document in a case file."""

    id = serializers.IntegerField(source="documento.id", read_only=True)
    identificador = serializers.CharField(source="documento.identificador", read_only=True)
    nombre = serializers.CharField(source="documento.nombre", read_only=True)
    organo = serializers.CharField(source="documento.organo", read_only=True)
    fecha_captura = serializers.DateTimeField(source="documento.fecha_captura", read_only=True)
    origen = serializers.CharField(source="documento.origen", read_only=True)
    estado_elaboracion = serializers.CharField(
        source="documento.estado_elaboracion", read_only=True
    )
    identificador_origen = serializers.CharField(
        source="documento.identificador_origen", read_only=True
    )
    tipo_documental = serializers.CharField(source="documento.tipo_documental", read_only=True)
    formato = serializers.CharField(source="documento.actual.nombre_formato", read_only=True)
    mime = serializers.CharField(source="documento.actual.mime", read_only=True)
    sha256 = serializers.CharField(source="documento.actual.sha256", read_only=True)
    version = serializers.IntegerField(source="documento.actual.numero", read_only=True)
    tipo_firma = serializers.CharField(source="documento.actual.tipo_firma", read_only=True)
    csv = serializers.CharField(source="documento.actual.csv", read_only=True)

    class Meta:
        model = ExpedienteDocumento
        fields = [
            "id",
            "orden",
            "incorporated_at",
            "identificador",
            "nombre",
            "organo",
            "fecha_captura",
            "origen",
            "estado_elaboracion",
            "identificador_origen",
            "tipo_documental",
            "formato",
            "mime",
            "sha256",
            "version",
            "tipo_firma",
            "csv",
        ]


class EventoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evento
        fields = ["at", "tipo", "detalle"]


class ExpedienteListSerializer(serializers.ModelSerializer):
    procedimiento = serializers.CharField(source="procedimiento.code", read_only=True)
    unidad = serializers.CharField(source="unidad.dir3", read_only=True)

    class Meta:
        model = Expediente
        fields = [
            "id",
            "identificador",
            "asunto",
            "procedimiento",
            "unidad",
            "estado",
            "fase",
            "opened_at",
            "vence_at",
            "silencio_at",
            "suspendido",
            "proximo_vencimiento",
        ]


class ExpedienteDetailSerializer(ExpedienteListSerializer):
    partes = ParteSerializer(many=True, read_only=True)
    efecto_silencio = serializers.CharField(read_only=True)
    documentos = serializers.SerializerMethodField()
    eventos = serializers.SerializerMethodField()

    class Meta(ExpedienteListSerializer.Meta):
        fields = [
            *ExpedienteListSerializer.Meta.fields,
            "plazo_inicio",
            "efecto_silencio",
            "cerrado_at",
            "partes",
            "documentos",
            "eventos",
        ]

    def _detail(self, obj):
        cache = getattr(self, "_detalle", None)
        if cache is None or cache.expediente.pk != obj.pk:
            cache = selectors.expediente_detail(obj, citizen=self.context.get("citizen", False))
            self._detalle = cache
        return cache

    def get_documentos(self, obj) -> list[dict]:
        return DocumentoSerializer(self._detail(obj).documentos, many=True).data

    def get_eventos(self, obj) -> list[dict]:
        return EventoSerializer(self._detail(obj).eventos, many=True).data


class _Base(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"\d+"  # ids are numbers: anything else is a 404, never int() failing
    pagination_class = ExpedientePagination
    citizen = False

    def get_serializer_class(self):
        return ExpedienteDetailSerializer if self.action == "retrieve" else ExpedienteListSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "citizen": self.citizen}

    def _member(self, pk, documento_id) -> ExpedienteDocumento:
        raise NotImplementedError

    @extend_schema(
        summary="Contenido de un documento del expediente",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path=r"documentos/(?P<documento_id>\d+)/contenido")
    def contenido(self, request, pk=None, documento_id=None):
        member = self._member(pk, documento_id)
        version = member.documento.actual
        return FileResponse(
            version.content.open("rb"),
            as_attachment=True,
            filename=member.documento.nombre,
            content_type=version.mime,
        )


@extend_schema(tags=["expedientes"])
class StaffExpedienteViewSet(_Base):
    """Staff: the case files of their units and those shared with them."""

    def get_queryset(self):
        if not (self.request.user.is_staff and self.request.user.is_active):
            return Expediente.objects.none()
        qs = selectors.staff_expedientes(self.request.user).select_related(
            "procedimiento", "unidad", "flujo"
        )
        estado = self.request.query_params.get("estado")
        if estado in ("E01", "E02", "E03"):
            qs = qs.filter(estado=estado)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("estado", str, enum=["E01", "E02", "E03"], required=False),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit_record(
            actor=request.user,
            action="expedientes.expediente.view",
            object_type="expedientes.expediente",
            object_id=str(kwargs.get("pk")),
            detail={"via": "api"},
            ip=client_ip(request),
        )
        return response

    def _member(self, pk, documento_id):
        member = selectors.documento_for_staff(self.request.user, int(pk), int(documento_id))
        if member is None:
            raise Http404
        audit_record(
            actor=self.request.user,
            action="expedientes.documento.read",
            obj=member.documento,
            detail={"via": "api"},
        )
        return member

    @extend_schema(
        summary="Documento ENI (documento-e) en XML",
        responses={(200, "application/xml"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path=r"documentos/(?P<documento_id>\d+)/eni")
    def documento_eni(self, request, pk=None, documento_id=None):
        member = self._member(pk, documento_id)
        data = eni.tostring(eni.documento_xml(member.documento))
        return HttpResponse(data, content_type="application/xml")


@extend_schema(tags=["expedientes"])
class CitizenExpedienteViewSet(_Base):
    """Citizens: their case files and those of people they represent (power in force)."""

    citizen = True

    def get_queryset(self):
        return selectors.citizen_expedientes(self.request.user).select_related(
            "procedimiento", "unidad", "flujo"
        )

    def _member(self, pk, documento_id):
        member = selectors.documento_for_citizen(self.request.user, int(pk), int(documento_id))
        if member is None:
            raise Http404
        return member


__all__ = ["CitizenExpedienteViewSet", "StaffExpedienteViewSet"]
