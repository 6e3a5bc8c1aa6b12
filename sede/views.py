from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def home(request):
    return render(request, "sede/home.html")


@login_required
def mi_carpeta(request):
    return render(request, "sede/mi_carpeta.html")
