from django.urls import include, path

from . import views
from .sir import views as sir_views

app_name = "registro"

urlpatterns = [
    path("asientos/<int:pk>/", views.asiento_detalle, name="asiento_detalle"),
    path("asientos/<int:pk>/justificante.pdf", views.justificante_pdf, name="justificante_pdf"),
    path("asientos/<int:pk>/sicres.xml", sir_views.sicres_export, name="sicres_export"),
    path("asientos/<int:pk>/imprimir/", views.imprimir, name="imprimir"),
    path("libro/", views.libro, name="libro"),
    path("justificantes/reimprimir/", views.reimprimir, name="reimprimir"),
    path("justificantes/dia/", views.justificantes_dia, name="justificantes_dia"),
    path("oficina/entrada/", views.oficina_entrada, name="oficina_entrada"),
    path("oficina/salida/", views.oficina_salida, name="oficina_salida"),
    path("sir/", include(sir_views.urlpatterns)),
]
