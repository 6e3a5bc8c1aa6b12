"""Test-only urlconf: the project's URLs plus procedure-like views that need a minimum level."""

from django.http import HttpResponse
from django.urls import path

from bilbao_sede.urls import urlpatterns as project_urlpatterns
from identidad.constants import NivelGarantia
from identidad.decorators import level_required


@level_required(NivelGarantia.ALTO)
def tramite_alto(request):
    return HttpResponse("Trámite de nivel alto")


@level_required(NivelGarantia.SUSTANCIAL)
def tramite_sustancial(request):
    return HttpResponse("Trámite de nivel sustancial")


urlpatterns = [
    path("tramite-alto/", tramite_alto),
    path("tramite-sustancial/", tramite_sustancial),
    *project_urlpatterns,
]
