from django.urls import path

from . import views

app_name = "procedimientos"

urlpatterns = [
    path("", views.catalogo_list, name="list"),
    path("grado-de-avance/", views.avance_dashboard, name="avance"),
    path("grado-de-avance/historico.csv", views.avance_csv, name="avance_csv"),
    path("grado-de-avance/gestion/", views.avance_staff, name="avance_staff"),
    path("<slug:code>/", views.procedimiento_detail, name="detail"),
]
