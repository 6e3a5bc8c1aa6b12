from django.urls import path

from . import views

app_name = "expedientes"

urlpatterns = [
    path("bandeja/", views.bandeja, name="bandeja"),
    path("bandeja/asignar/", views.bandeja_asignar, name="bandeja_asignar"),
    path("informes/", views.informes, name="informes"),
    path("abrir/", views.abrir, name="abrir"),
    path("<int:pk>/", views.detalle, name="detalle"),
    path("<int:pk>/documentos/<int:doc>/", views.documento, name="documento"),
    path("<int:pk>/remision.zip", views.remision_zip, name="remision_zip"),
    path("<int:pk>/acciones/<slug:action>/", views.accion, name="accion"),
    path(
        "actuaciones-automatizadas/",
        views.actuaciones_automatizadas,
        name="actuaciones_automatizadas",
    ),
]
