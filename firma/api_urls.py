from django.urls import path

from . import api

urlpatterns = [
    path("peticiones/", api.PeticionListCreateApi.as_view(), name="firma-peticiones"),
    path("peticiones/<int:pk>/", api.PeticionDetailApi.as_view(), name="firma-peticion"),
    path("acciones/pendientes/", api.AccionPendingListApi.as_view(), name="firma-pendientes"),
    path("acciones/firmar/", api.AccionBatchSignApi.as_view(), name="firma-firmar-lote"),
    path("acciones/<int:pk>/firmar/", api.AccionSignApi.as_view(), name="firma-firmar"),
    path("acciones/<int:pk>/aprobar/", api.AccionApproveApi.as_view(), name="firma-aprobar"),
    path("acciones/<int:pk>/rechazar/", api.AccionRejectApi.as_view(), name="firma-rechazar"),
    path("validacion/", api.ValidacionApi.as_view(), name="firma-validacion"),
]
