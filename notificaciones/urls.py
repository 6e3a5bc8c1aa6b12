from django.urls import path

from . import views

app_name = "notificaciones"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("preferencias/", views.preferencias, name="preferencias"),
    path("<int:pk>/", views.detalle, name="detalle"),
    path("<int:pk>/acceder/", views.acceder, name="acceder"),
    path("<int:pk>/rechazar/", views.rechazar, name="rechazar"),
    path("<int:pk>/documentos/<int:documento_id>/", views.documento, name="documento"),
    path("<int:pk>/acuses/<slug:tipo>.pdf", views.evidencia, name="evidencia"),
    path("gestion/", views.gestion, name="gestion"),
    path("gestion/<int:pk>/", views.gestion_detalle, name="gestion_detalle"),
    path(
        "gestion/<int:pk>/acuses/<slug:tipo>.pdf", views.gestion_evidencia, name="gestion_evidencia"
    ),
    path(
        "gestion/expedientes/<int:expediente_id>/",
        views.gestion_expediente,
        name="gestion_expediente",
    ),
    path("gestion/remesas/", views.remesas, name="remesas"),
    path("gestion/remesas/nueva/", views.remesa_nueva, name="remesa_nueva"),
    path("gestion/remesas/<int:pk>/", views.remesa_detalle, name="remesa"),
]
