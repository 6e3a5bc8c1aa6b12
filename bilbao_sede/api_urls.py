"""The REST API: each app contributes its routes from its own ``api.py``."""

from django.urls import include, path

app_name = "api"

urlpatterns: list = [
    path("calendario/", include("calendario.api_urls")),
    path("apoderamientos/", include("apoderamientos.api_urls")),
    path("firma/", include("firma.api_urls")),
    path("procedimientos/", include("procedimientos.api_urls")),
    path("registro/", include("registro.api_urls")),
    path("expedientes/", include("expedientes.api_urls")),
    path("notificaciones/", include("notificaciones.api_urls")),
    # path("firma/", include("firma.api_urls")),  apps add theirs here
]

__all__ = ["include", "path", "urlpatterns"]
