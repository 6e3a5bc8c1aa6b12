from django.urls import include, path

from . import expedientes_views, preview_views, staff_views, views
from .asistida import views as asistida

app_name = "sede"

urlpatterns = [
    path("", views.home, name="home"),
    path("mi-carpeta/", views.mi_carpeta, name="mi_carpeta"),
    # Case files (expedientes) in Mi carpeta.
    path(
        "mi-carpeta/expedientes/<int:pk>/",
        expedientes_views.expediente_detalle,
        name="expediente_detalle",
    ),
    path(
        "mi-carpeta/expedientes/<int:pk>/documentos/<int:doc>/",
        expedientes_views.expediente_documento,
        name="expediente_documento",
    ),
    path(
        "mi-carpeta/expedientes/<int:pk>/aportar/",
        expedientes_views.expediente_aportar,
        name="expediente_aportar",
    ),
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
    path("oficinas/", views.oficinas, name="oficinas"),
    # Preview of a form version for catalogue editors (issue 16): never a Borrador.
    path(
        "tramites/vista-previa/<int:pk>/",
        preview_views.formulario_preview,
        name="formulario_preview",
    ),
    path(
        "tramites/vista-previa/<int:pk>/paso/<slug:step_id>/",
        preview_views.formulario_preview,
        name="formulario_preview_step",
    ),
    path(
        "tramites/vista-previa/<int:pk>/revisar/",
        preview_views.formulario_preview_end,
        name="formulario_preview_end",
    ),
    path("tramites/", include("sede.filing_urls")),
    # Assisted filing at a district office by an authorised official (HAB-1..3).
    path("presentacion-asistida/", asistida.inicio, name="asistida_inicio"),
    path(
        "presentacion-asistida/consentimiento/",
        asistida.consentimiento,
        name="asistida_consentimiento",
    ),
    path(
        "presentacion-asistida/consentimiento/imprimir/",
        asistida.consentimiento_imprimir,
        name="asistida_consentimiento_imprimir",
    ),
    path(
        "presentacion-asistida/consentimientos/<int:pk>/",
        asistida.consentimiento_copia,
        name="asistida_consentimiento_copia",
    ),
]
