"""Input no view can use, refused in ONE place with a 4xx in the caller's format.

NUL characters (PostgreSQL stores none: a NUL in a form field or a query parameter used to
reach the database and answer 500), JSON nested deeper than the parser can follow, and
bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE``. The API (``/api/`` or a JSON request) gets JSON
``{"detail": ...}``; pages get an HTML page with the message.
"""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

JSON_TYPES = ("application/json", "application/problem+json")
HTTP_REASONS = {
    400: _lazy("Petición no válida."),
    403: _lazy("No tiene permiso para esta operación."),
    404: _lazy("No encontrado."),
    405: _lazy("Método no admitido."),
    500: _lazy("Error interno del servidor."),
}


def wants_json(request: HttpRequest) -> bool:
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    accept = request.META.get("HTTP_ACCEPT", "")
    return (
        request.path.startswith("/api/")
        or content_type in JSON_TYPES
        or content_type.endswith("+json")
        or (accept.startswith("application/json") and "text/html" not in accept)
    )


def bad_request(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(
            {"detail": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    html = render_to_string("400.html", {"message": message}, request=request)
    return HttpResponse(html, status=status)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.check(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            # Django's own error pages (an unknown URL, a CSRF failure …): the API answers JSON.
            return JsonResponse(
                {"detail": HTTP_REASONS.get(response.status_code, _("Error."))},
                status=response.status_code,
                json_dumps_params={"ensure_ascii": False},
            )
        return response

    def check(self, request: HttpRequest) -> HttpResponse | None:
        nul = _("La petición contiene un carácter nulo (NUL), que no se admite en ningún campo.")
        if _has_nul(request.GET):
            return bad_request(request, nul)
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        try:
            if request.method == "POST" and content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                if _has_nul(request.POST):
                    return bad_request(request, nul)
            elif content_type in JSON_TYPES or content_type.endswith("+json"):
                body = request.body
                if b"\\u0000" in body.lower():
                    return bad_request(request, nul)
                try:
                    json.loads(body or b"null")
                except RecursionError:
                    return bad_request(request, _("El JSON está anidado a demasiada profundidad."))
                except ValueError:
                    pass  # malformed JSON: the view's parser says where
        except Exception as exc:  # noqa: BLE001 - the same exceptions process_exception handles
            response = self.process_exception(request, exc)
            if response is None:
                raise
            return response
        return None

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, RequestDataTooBig):
            return bad_request(
                request,
                _(
                    "La petición es demasiado grande: envíe los documentos como ficheros adjuntos "
                    "(multipart) o en varias peticiones."
                ),
                status=413,
            )
        if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
            return bad_request(request, _("La petición tiene demasiados campos o ficheros."))
        return None
