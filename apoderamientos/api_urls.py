"""API routes of the registry, mounted at /api/apoderamientos/ (bilbao_sede/api_urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ApoderamientoViewSet, CanActApi, InteresadosForApi, OfficeApoderamientoViewSet

router = SimpleRouter()
router.register("oficina", OfficeApoderamientoViewSet, basename="apoderamiento-oficina")
router.register("", ApoderamientoViewSet, basename="apoderamiento")

apoderamiento_api_urls = [
    path("can-act/", CanActApi.as_view(), name="apoderamientos-can-act"),
    path("interesados/", InteresadosForApi.as_view(), name="apoderamientos-interesados"),
    *router.urls,
]
urlpatterns = apoderamiento_api_urls
