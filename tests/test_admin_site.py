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


def _sidebar(html: str) -> str:
    start = html.index('<button class="sticky toggle-nav-sidebar"')
    return html[start : html.index("</nav>", start) + len("</nav>")]


def _djangos_sidebar(request) -> str:
    from django.template.loader import get_template

    context = {"request": request, "available_apps": admin.site.get_app_list(request)}
    return get_template("admin/nav_sidebar.html").render(context)


@pytest.mark.parametrize(
    "path",
    ["/admin/registro/asiento/", "/admin/password_change/", "/admin/identidad/user/{pk}/change/"],
)
def test_the_kept_sidebar_is_djangos_for_each_page(client, path):
    """The sidebar rendered once and kept is what Django's template writes for that page:
    the current app and model marked (aria-current), the user's models only."""
    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)
    for _ in range(2):  # the second page is served from the kept HTML
        response = client.get(path.format(pk=root.pk))
        assert response.status_code == 200
        request = response.wsgi_request
        request.user = root
        assert _sidebar(response.content.decode()) == _djangos_sidebar(request).strip()
    page = _sidebar(response.content.decode())
    model = "/admin/registro/asiento/" if "asiento" in path else "/admin/identidad/user/"
    if "password" not in path:
        assert f'<a href="{model}" aria-current="page">' in page
    else:
        assert 'aria-current="page"' not in page and "current-app" not in page
    assert 'id="nav-sidebar"' not in client.get("/admin/registro/").content.decode()


def test_the_sidebar_of_a_clerk_is_not_the_superusers(client):
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_asiento"))
    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)
    assert "/admin/registro/contador/" in _sidebar(
        client.get("/admin/registro/asiento/").content.decode()
    )
    client.force_login(clerk)
    page = _sidebar(client.get("/admin/registro/asiento/").content.decode())
    assert "/admin/registro/asiento/" in page and "/admin/registro/contador/" not in page
    with translation.override("eu"):
        request = RequestFactory().get("/admin/registro/asiento/")
        request.user = clerk
        assert admin.site.nav_sidebar(request, admin.site.get_app_list(request)) != page
