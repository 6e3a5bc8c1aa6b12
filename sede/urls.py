from django.urls import include, path

from . import staff_views, views

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
    path("incidencias/", views.incidencias, name="incidencias"),
    path("incidencias/gestion/", staff_views.incidencias_gestion, name="incidencias_gestion"),
    path(
        "incidencias/gestion/<int:pk>/finalizar/",
        staff_views.incidencia_finalizar,
        name="incidencia_finalizar",
    ),
    path("verificacion/", views.verificacion, name="verificacion"),
    path("quejas-y-sugerencias/", views.quejas, name="quejas"),
    path("mapa/", views.mapa, name="mapa"),
    path("tramites/", include("sede.filing_urls")),
]
