from django.urls import path

from . import versiones_views, views
from .formularios import views as builder

app_name = "procedimientos"

urlpatterns = [
    path("", views.catalogo_list, name="list"),
    path("grado-de-avance/", views.avance_dashboard, name="avance"),
    path("grado-de-avance/historico.csv", views.avance_csv, name="avance_csv"),
    path("grado-de-avance/gestion/", views.avance_staff, name="avance_staff"),
    # The form builder (issue 16): catalogue editors only.
    path("gestion/formularios/", builder.builder_list, name="builder_list"),
    path(
        "gestion/formularios/<slug:code>/nueva-version/",
        builder.builder_new,
        name="builder_new",
    ),
    path("gestion/formularios/version/<int:pk>/", builder.builder_edit, name="builder_edit"),
    path("gestion/formularios/version/<int:pk>/json/", builder.builder_json, name="builder_json"),
    # Versions and review of forms (staff; docs/catalogo.md "Versiones y revisión").
    path("gestion/versiones/", versiones_views.formulario_indice, name="formulario_indice"),
    path(
        "gestion/versiones/revision/",
        versiones_views.formulario_revisiones,
        name="formulario_revisiones",
    ),
    path(
        "gestion/versiones/<int:pk>/",
        versiones_views.formulario_version,
        name="formulario_version",
    ),
    path(
        "gestion/versiones/<int:pk>/<slug:accion>/",
        versiones_views.formulario_version_accion,
        name="formulario_version_accion",
    ),
    path(
        "gestion/versiones/procedimiento/<slug:code>/",
        versiones_views.formulario_versiones,
        name="formulario_versiones",
    ),
    path(
        "gestion/versiones/procedimiento/<slug:code>/nuevo-borrador/",
        versiones_views.formulario_nuevo_borrador,
        name="formulario_nuevo_borrador",
    ),
    path(
        "gestion/versiones/procedimiento/<slug:code>/comparar/",
        versiones_views.formulario_diff,
        name="formulario_diff",
    ),
    path("<slug:code>/", views.procedimiento_detail, name="detail"),
]
