from django.urls import path

from . import views

app_name = "sede"

urlpatterns = [
    path("", views.home, name="home"),
    path("mi-carpeta/", views.mi_carpeta, name="mi_carpeta"),
]
