from django.urls import path

from . import api

app_name = "calendario"

urlpatterns = [
    path("dias-inhabiles/<int:year>/", api.CalendarYearApi.as_view(), name="dias-inhabiles"),
    path("plazo/", api.TermApi.as_view(), name="plazo"),
    path("instante-efectivo/", api.EffectiveInstantApi.as_view(), name="instante-efectivo"),
]
