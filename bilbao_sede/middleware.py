"""Cross-cutting HTTP middleware."""

import functools

from django.conf import settings
from django.urls import get_urlconf


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header: everything is served by the platform itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """A clear 503 page when the database is unreachable in the middle of a request
    (issue 17 item 16), instead of the generic error page.

    Every write is one transaction, so nothing was half-written: the page says so, and that
    the citizen's draft is kept. The page is rendered without the request (no context
    processors), so it needs no database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        import logging

        from django.http import HttpResponse
        from django.template.loader import render_to_string

        logging.getLogger(__name__).error(
            "Database unavailable during %s %s", request.method, request.path, exc_info=exception
        )
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "60"
        return response


class SessionRefreshMiddleware:
    """Idle expiry without a session write on every request.

    ``SESSION_COOKIE_AGE`` is an idle timeout: each save pushes the expiry forward. Saving on
    every request (``SESSION_SAVE_EVERY_REQUEST``) costs an UPDATE per page; here an active
    session is saved at most once a minute, so the timeout is exact to the minute.
    """

    REFRESH_SECONDS = 60
    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            import time

            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= self.REFRESH_SECONDS:
                session[self.KEY] = now  # marks it modified: SessionMiddleware saves it
        return response


@functools.lru_cache(maxsize=16)
def _resolved(path: str, root_urlconf: str, urlconf: str | None):
    """A machine endpoint's view, found once per URLconf (its path is fixed; resolving it
    walked the whole URLconf on every message)."""
    from django.urls import resolve

    return resolve(path, urlconf)


class MachineEndpointMiddleware:
    """Machine-to-machine endpoints go straight to their view, past the browser machinery
    they do not use: sessions, the SAML session, locale, CSRF, the user and its second
    factor, messages, staff sessions, axes (staff logins) and the replica pin. Each such
    view authenticates every request itself (the SIR inbound endpoint: the peer's Bearer
    token, ``registro.sir.api.PeerToken``) and answers XML.

    Placed right after ``SecurityMiddleware`` (HTTPS redirect, HSTS and nosniff still apply).
    Kept here: host validation (``ALLOWED_HOSTS``, as ``CommonMiddleware`` would), the clear
    503 when the database is unreachable, the security headers of every answer and its
    ``Content-Length`` (as ``CommonMiddleware`` would).
    """

    PATHS = frozenset({"/api/registro/sir/mensajes/"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info not in self.PATHS:
            return self.get_response(request)
        request.get_host()  # DisallowedHost (400) for a host not in ALLOWED_HOSTS
        match = _resolved(request.path_info, settings.ROOT_URLCONF, get_urlconf())
        request.resolver_match = match
        # A view may answer its common request itself, past its framework (``machine_post``:
        # the SIR endpoint answers a peer's POST without DRF's request machinery); anything
        # else goes to the view.
        machine_post = getattr(getattr(match.func, "view_class", None), "machine_post", None)
        try:
            response = machine_post(request) if machine_post is not None else None
            if response is None:
                response = match.func(request, *match.args, **match.kwargs)
            if callable(getattr(response, "render", None)):  # DRF's Response, as the handler
                response = response.render()
        except Exception as exc:
            response = DatabaseUnavailableMiddleware.process_exception(None, request, exc)
            if response is None:
                raise
        response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if not response.streaming and not response.has_header("Content-Length"):
            # As CommonMiddleware would: without it the server sends the answer chunked,
            # which both ends pay for on every message.
            response.headers["Content-Length"] = str(len(response.content))
        return response
