from django.urls import path, re_path

from . import views

app_name = "tablon"

urlpatterns = [
    path("", views.index, name="index"),
    path("edicto/<uuid:public_id>/", views.detail, name="detail"),
    path("edicto/<uuid:public_id>/edicto.pdf", views.pdf, name="pdf"),
    re_path(r"^resumen/(?P<day>\d{4}-\d{2}-\d{2})\.pdf$", views.resumen_pdf, name="resumen_pdf"),
    path("gestion/", views.staff_list, name="staff_list"),
    path("gestion/nuevo/", views.staff_new, name="staff_new"),
    path("gestion/<uuid:public_id>/", views.staff_detail, name="staff_detail"),
    path("gestion/<uuid:public_id>/retirar/", views.staff_withdraw, name="staff_withdraw"),
    path("gestion/<uuid:public_id>/certificado/", views.staff_certify, name="staff_certify"),
]
