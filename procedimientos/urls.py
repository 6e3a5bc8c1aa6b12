from django.urls import path

from . import versiones_views, views

app_name = "procedimientos"

urlpatterns = [
    path("", views.catalogo_list, name="list"),
    path("grado-de-avance/", views.avance_dashboard, name="avance"),
    path("grado-de-avance/historico.csv", views.avance_csv, name="avance_csv"),
    path("grado-de-avance/gestion/", views.avance_staff, name="avance_staff"),
    # Versions and review of forms (staff; docs/catalogo.md "Versiones y revisión").
    path("gestion/formularios/", versiones_views.formulario_indice, name="formulario_indice"),
    path(
        "gestion/formularios/revision/",
        versiones_views.formulario_revisiones,
        name="formulario_revisiones",
    ),
    path(
        "gestion/formularios/version/<int:pk>/",
        versiones_views.formulario_version,
        name="formulario_version",
    ),
    path(
        "gestion/formularios/version/<int:pk>/<slug:accion>/",
        versiones_views.formulario_version_accion,
        name="formulario_version_accion",
    ),
    path(
        "gestion/formularios/<slug:code>/",
        versiones_views.formulario_versiones,
        name="formulario_versiones",
    ),
    path(
        "gestion/formularios/<slug:code>/nuevo-borrador/",
        versiones_views.formulario_nuevo_borrador,
        name="formulario_nuevo_borrador",
    ),
    path(
        "gestion/formularios/<slug:code>/comparar/",
        versiones_views.formulario_diff,
        name="formulario_diff",
    ),
    path("<slug:code>/", views.procedimiento_detail, name="detail"),
]
