from django.urls import include, path

from . import views

app_name = "firma"

# Public CSV verification (FIR-8). The QR codes point at SITE_URL/verificar/<code>/, so the
# project mounts these at /verificar/ too:
#     path("verificar/", include((firma.urls.verificar_urlpatterns, "verificar"))),
# Until then they answer under /firma/verificar/. Reverse them with views.verify_reverse().
verificar_urlpatterns = [
    path("", views.verificar, name="form"),
    path("<str:code>/", views.verificar_codigo, name="codigo"),
    path("<str:code>/documento/", views.verificar_documento, name="documento"),
]

urlpatterns = [
    path("verificar/", include((verificar_urlpatterns, "verificar"))),
    # Public: validate a signed document (report in the web; the API has the same).
    path("validar/", views.validar, name="validar"),
    # Staff: portafirmas (FIR-5).
    path("portafirmas/", views.bandeja, name="bandeja"),
    path("portafirmas/firmar/", views.firmar_lote, name="firmar_lote"),
    path("portafirmas/acciones/<int:pk>/", views.accion_detalle, name="accion"),
    path("portafirmas/peticiones/", views.peticiones, name="peticiones"),
    path("portafirmas/peticiones/nueva/", views.peticion_nueva, name="peticion_nueva"),
    path("portafirmas/peticiones/<int:pk>/", views.peticion_detalle, name="peticion"),
    path(
        "portafirmas/peticiones/<int:pk>/documentos/<int:doc>/",
        views.peticion_documento,
        name="peticion_documento",
    ),
]
