from django.urls import path

from . import views
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
    path("<slug:code>/", views.procedimiento_detail, name="detail"),
]
