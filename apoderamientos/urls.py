from django.urls import path

from . import views

app_name = "apoderamientos"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("otorgar/", views.otorgar, name="otorgar"),
    path("<int:pk>/", views.detalle, name="detalle"),
    path("<int:pk>/aceptar/", views.aceptar, name="aceptar"),
    path("<int:pk>/revocar/", views.revocar, name="revocar"),
    path("<int:pk>/renunciar/", views.renunciar, name="renunciar"),
    path("<int:pk>/prorrogar/", views.prorrogar, name="prorrogar"),
    path("oficina/", views.oficina, name="oficina"),
    path("oficina/nuevo/", views.oficina_nuevo, name="oficina_nuevo"),
    path("oficina/<int:pk>/", views.oficina_detalle, name="oficina_detalle"),
    path("oficina/<int:pk>/aceptar/", views.oficina_aceptar, name="oficina_aceptar"),
    path("oficina/<int:pk>/bastanteo/", views.oficina_bastanteo, name="oficina_bastanteo"),
]
