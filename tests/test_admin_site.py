"""The admin's navigation is built once per language and set of permissions (issue 10):
each user still sees exactly the models they may open, in their language."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.utils import translation

from bilbao_sede.admin_site import SedeAdminSite
from identidad.models import User

pytestmark = pytest.mark.django_db


def _models(user) -> dict[str, list[str]]:
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=user.pk)  # a fresh permission cache, as per request
    return {
        app["app_label"]: [m["object_name"] for m in app["models"]]
        for app in admin.site.get_app_list(request)
    }


def test_the_project_admin_site_is_the_default_one():
    assert isinstance(admin.site, SedeAdminSite)


def test_a_user_sees_the_models_of_the_permissions_they_hold_now():
    user = User.objects.create_user("clerk", password="x", is_staff=True)
    assert _models(user) == {}
    user.user_permissions.add(Permission.objects.get(codename="view_asiento"))
    assert _models(user) == {"registro": ["Asiento"]}
    other = User.objects.create_user("other", password="x", is_staff=True)
    assert _models(other) == {}  # the first user's list is not the second's
    user.user_permissions.clear()
    assert _models(user) == {}


def test_a_superuser_sees_every_model_and_an_inactive_one_none():
    root = User.objects.create_superuser("root", password="x")
    assert "Asiento" in _models(root)["registro"]
    root.is_active = False
    root.save()
    assert _models(root) == {}


def test_the_names_follow_the_language_of_the_request():
    root = User.objects.create_superuser("root", password="x")
    request = RequestFactory().get("/admin/")
    request.user = root
    names = {}
    for language in ("es", "eu"):
        with translation.override(language):
            names[language] = [app["name"] for app in admin.site.get_app_list(request)]
    assert names["es"] != names["eu"]
    with translation.override("es"):
        assert [app["name"] for app in admin.site.get_app_list(request)] == names["es"]


def test_the_admin_index_links_only_what_the_user_may_open(client):
    user = User.objects.create_user("clerk", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_asiento"))
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "/admin/registro/asiento/" in page
    assert "/admin/registro/contador/" not in page
