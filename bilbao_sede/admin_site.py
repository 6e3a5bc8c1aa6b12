"""The project's admin site: Django's, with its navigation built once per language and set
of permissions instead of on every page (issue 10).

Every admin page lists the apps and models the user may open (``get_app_list``, for the
navigation sidebar): ~45 models, two ``reverse()`` and the permission checks for each, and a
sort on translated names — about 10 ms of every changelist. What it shows depends only on
the language, on whether the user is an active superuser and on the user's permissions
(every ``has_*_permission`` of this project's model admins is constant or the user's model
permission, without an object), so the list is kept per (language, app, those) in a small
per-process cache; a change of permissions gives another key."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import get_language

MAX_LISTS = 256


class SedeAdminSite(admin.AdminSite):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._app_lists: OrderedDict = OrderedDict()
        self._app_lists_lock = Lock()

    def get_app_list(self, request, app_label=None):
        user = request.user
        superuser = user.is_active and user.is_superuser
        perms = None if superuser else frozenset(user.get_all_permissions())
        key = (get_language(), app_label, user.is_active, superuser, perms)
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
        return super().register(model_or_iterable, admin_class, **options)

    def unregister(self, model_or_iterable):
        self._app_lists.clear()
        return super().unregister(model_or_iterable)


class SedeAdminConfig(AdminConfig):
    default_site = "bilbao_sede.admin_site.SedeAdminSite"
