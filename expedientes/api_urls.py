"""API routes of case files, mounted at /api/expedientes/ (bilbao_sede/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from .api import CitizenExpedienteViewSet, StaffExpedienteViewSet

router = SimpleRouter()
router.register("gestion", StaffExpedienteViewSet, basename="expediente-gestion")
router.register("mios", CitizenExpedienteViewSet, basename="expediente-mio")

urlpatterns = router.urls
