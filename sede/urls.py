from django.urls import path

from . import views

app_name = "sede"

urlpatterns = [
    path("", views.home, name="home"),
    path("mi-carpeta/", views.mi_carpeta, name="mi_carpeta"),
    path("salir/", views.logout, name="logout"),
    path("titularidad/", views.titularidad, name="titularidad"),
    path("identificacion-y-firma/", views.identificacion, name="identificacion"),
    path("normas-registro/", views.normas_registro, name="normas_registro"),
    path("fecha-y-calendario/", views.fecha_calendario, name="fecha_calendario"),
    path("accesibilidad/", views.accesibilidad, name="accesibilidad"),
    path("aviso-legal/", views.aviso_legal, name="aviso_legal"),
    path("mapa/", views.mapa, name="mapa"),
]
