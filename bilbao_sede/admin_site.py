"""The project's admin site: Django's, with its navigation built once per language and set
of permissions instead of on every page (issue 10).

Every admin page lists the apps and models the user may open (``get_app_list``, for the
navigation sidebar): ~45 models, two ``reverse()`` and the permission checks for each, and a
sort on translated names — about 10 ms of every changelist. What it shows depends only on
the language, on whether the user is an active superuser and on the user's permissions
(every ``has_*_permission`` of this project's model admins is constant or the user's model
permission, without an object), so the list is kept per (language, app, those) in a small
per-process cache; a change of permissions gives another key.

The navigation sidebar that shows that list (``admin/nav_sidebar.html``, a table row and
its links per model) took as long again to render on every page: its HTML depends only on
that list and on which of its links are the current page's (``request.path``), so it is
rendered by Django's own template once per (list, links matching the path) and kept beside
the list (``templates/admin/base_site.html`` writes it)."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.template.defaultfilters import urlencode
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

MAX_LISTS = 256


class SedeAdminSite(admin.AdminSite):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._app_lists: OrderedDict = OrderedDict()
        self._app_lists_lock = Lock()
        self._sidebars: OrderedDict = OrderedDict()

    @staticmethod
    def _app_list_key(request, app_label) -> tuple:
        user = request.user
        superuser = user.is_active and user.is_superuser
        perms = None if superuser else frozenset(user.get_all_permissions())
        return (get_language(), app_label, user.is_active, superuser, perms)

    def each_context(self, request):
        context = super().each_context(request)
        app_list = context["available_apps"]
        context["nav_sidebar"] = lambda: self.nav_sidebar(request, app_list)
        return context

    def nav_sidebar(self, request, app_list) -> SafeString:
        """Django's ``admin/nav_sidebar.html`` for this list and page, rendered once per
        (list, links that ``app_list.html`` marks as the current page's)."""
        path = urlencode(request.path)
        current = frozenset(
            url
            for app in app_list
            for url in (app["app_url"], *(model.get("admin_url") for model in app["models"]))
            if isinstance(url, str) and url in path
        )
        key = (self._app_list_key(request, None), current)
        with self._app_lists_lock:
            html = self._sidebars.get(key)
            if html is not None:
                self._sidebars.move_to_end(key)
                return html
        template = get_template("admin/nav_sidebar.html")
        html = mark_safe(template.render({"request": request, "available_apps": app_list}))
        with self._app_lists_lock:
            self._sidebars[key] = html
            while len(self._sidebars) > MAX_LISTS:
                self._sidebars.popitem(last=False)
        return html

    def get_app_list(self, request, app_label=None):
        key = self._app_list_key(request, app_label)
        with self._app_lists_lock:
            cached = self._app_lists.get(key)
            if cached is not None:
                self._app_lists.move_to_end(key)
                return list(cached)
        app_list = super().get_app_list(request, app_label)
        with self._app_lists_lock:
            self._app_lists[key] = app_list
            while len(self._app_lists) > MAX_LISTS:
                self._app_lists.popitem(last=False)
        return list(app_list)

    def register(self, model_or_iterable, admin_class=None, **options):
        self._app_lists.clear()  # registered after a first page (tests)
        self._sidebars.clear()
        return super().register(model_or_iterable, admin_class, **options)

    def unregister(self, model_or_iterable):
        self._app_lists.clear()
        self._sidebars.clear()
        return super().unregister(model_or_iterable)


class SedeAdminConfig(AdminConfig):
    default_site = "bilbao_sede.admin_site.SedeAdminSite"
