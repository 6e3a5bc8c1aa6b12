"""API routes of the registry exchange, mounted at /api/registro/sir/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import IntercambioViewSet, SirMensajesApi

router = SimpleRouter()
router.register("intercambios", IntercambioViewSet, basename="registro-sir-intercambio")

urlpatterns = [path("mensajes/", SirMensajesApi.as_view(), name="registro-sir-mensajes")]
urlpatterns += router.urls
