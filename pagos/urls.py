"""Routes of the payments app, under /pagos/ (namespace "pagos")."""

from django.urls import path

from . import views

app_name = "pagos"

urlpatterns = [
    path("notificacion/", views.notificacion, name="notificacion"),
    path("simulador/", views.simulador, name="simulador"),
    path("simulador/respuesta/", views.simulador_responder, name="simulador_responder"),
    path("<uuid:public_id>/", views.detalle, name="detalle"),
    path("<uuid:public_id>/justificante.pdf", views.justificante, name="justificante"),
]
