from django.urls import path

from . import views

app_name = "firma"

urlpatterns = [
    # Public CSV verification (FIR-8). Meant to be mounted at /verificar/ as well.
    path("verificar/", views.verificar, name="verificar"),
    path("verificar/<str:code>/", views.verificar_codigo, name="verificar_codigo"),
    path("verificar/<str:code>/documento/", views.verificar_documento, name="verificar_documento"),
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
