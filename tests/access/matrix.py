"""The machinery of the access matrix: enumerate every URL of the URLconf (the API router's
included), build each with a rule's objects, request it as each persona and classify the
answer as allowed or denied. The rules themselves live in ``rules.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, reverse

EVERYONE = "everyone"


@dataclass(frozen=True)
class Rule:
    """Who may open a URL (built with ``kwargs`` from the world's objects).

    ``allow``: persona names, or ``EVERYONE``. Everyone else must be denied: 404 (or a
    redirect to a login page, or 401/403 from the API, or 405 before any authorisation).
    """

    allow: frozenset[str] | str
    kwargs: dict = field(default_factory=dict)
    method: str = "GET"
    query: str = ""
    note: str = ""


def allow(*personas: str, **kwargs) -> Rule:
    return Rule(frozenset(personas), **kwargs)


def public(**kwargs) -> Rule:
    return Rule(EVERYONE, **kwargs)


def nobody(**kwargs) -> Rule:
    """A feature switched off by configuration (identity providers not set up): 404 to all."""
    return Rule(frozenset(), **kwargs)


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern, for the report
    params: tuple[str, ...]


def all_routes() -> list[Route]:
    """Every named URL of the project, with the names of its parameters."""

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                if p.name is None:
                    continue  # the DEBUG-only media server has no name
                regex = p.pattern.regex
                yield Route(
                    namespace + p.name, prefix + str(p.pattern), tuple(regex.groupindex.keys())
                )

    seen: dict[str, Route] = {}
    for route in walk(get_resolver().url_patterns, "", ""):
        seen.setdefault(route.name, route)
    return list(seen.values())


LOGIN_PATHS = ("/identidad/acceso/", "/admin/login/")


def classify(response) -> str:
    """``allow``, ``deny`` or ``error`` (a 5xx is always a failure)."""
    status = response.status_code
    if status >= 500:
        return "error"
    if status in (401, 403, 404):
        return "deny"
    if 300 <= status < 400:
        location = urlsplit(response.get("Location", "")).path
        location = location[3:] if location.startswith("/eu/") else location
        return "deny" if location.startswith(LOGIN_PATHS) else "allow"
    return "allow"  # 2xx; 400 (past authorisation, bad input); 405 (wrong method only)


def build_url(route: Route, rule: Rule, world) -> str:
    kwargs = {k: world.resolve(v) if isinstance(v, str) else v for k, v in rule.kwargs.items()}
    url = reverse(route.name, kwargs=kwargs)
    return f"{url}?{rule.query}" if rule.query else url
