from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .api import AvanceApi, ProcedimientoViewSet

router = SimpleRouter()
router.register("procedimientos", ProcedimientoViewSet, basename="procedimiento")

urlpatterns = [
    path("grado-de-avance/", AvanceApi.as_view(), name="procedimientos-avance"),
    path("", include(router.urls)),
]
