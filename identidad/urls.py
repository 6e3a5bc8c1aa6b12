from django.urls import path

from . import views

app_name = "identidad"

urlpatterns = [
    path("acceso/", views.login_page, name="login"),
    path("acceso/desarrollo/", views.dev_login, name="dev_login"),
    path("salir/", views.logout_view, name="logout"),
    path("personal/acceso/", views.staff_login, name="staff_login"),
]
