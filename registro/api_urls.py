"""API routes of the registry, mounted at /api/registro/ (bilbao_sede/api_urls.py)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .api import AsientoViewSet

router = SimpleRouter()
router.register("asientos", AsientoViewSet, basename="registro-asiento")

urlpatterns = router.urls + [path("sir/", include("registro.sir.api_urls"))]
