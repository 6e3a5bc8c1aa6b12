"""API routes of notifications, mounted at /api/notificaciones/ (bilbao_sede/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from .api import CitizenNotificacionViewSet, StaffNotificacionViewSet

router = SimpleRouter()
router.register("gestion", StaffNotificacionViewSet, basename="notificacion-gestion")
router.register("mias", CitizenNotificacionViewSet, basename="notificacion-mia")

urlpatterns = router.urls
