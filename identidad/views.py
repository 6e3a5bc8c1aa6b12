from django.contrib.auth import authenticate, login
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .backends.dev import dev_idp_allowed
from .demo import CITIZENS
from .session import set_identification


def login_page(request):
    return render(
        request, "identidad/login.html", {"dev_idp": dev_idp_allowed(), "personas": CITIZENS}
    )


@require_http_methods(["GET", "POST"])
def dev_login(request):
    if not dev_idp_allowed():
        raise Http404
    if request.method == "POST":
        user = authenticate(request, dev_persona=request.POST.get("persona"))
        method = request.POST.get("method", "bakq")
        if user is not None:
            login(request, user, backend="identidad.backends.dev.DevIdPBackend")
            set_identification(request, method=method)
            return redirect("sede:mi_carpeta")
    return render(request, "identidad/login.html", {"dev_idp": True, "personas": CITIZENS})
