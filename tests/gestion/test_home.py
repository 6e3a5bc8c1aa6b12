"""The staff home (design.md "Staff workspace and roles"): navigation by role, 404 for others."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from identidad.models import Unidad, User
from identidad.roles import Role
from identidad.scope import staff_scope
from identidad.workspace import declared_permissions, entries

pytestmark = pytest.mark.django_db


def _staff(username: str, *roles: Role, unit: Unidad | None = None) -> User:
    user = User.objects.create_user(username, password="x", is_staff=True)
    for role in roles:
        user.groups.add(Group.objects.get(name=role.value))
    if unit is not None:
        user.unidades.add(unit)
    return user


class TestRoles:
    def test_every_role_exists_as_a_group_with_its_declared_permissions(self):
        for role in Role:
            group = Group.objects.get(name=role.value)
            held = {
                f"{p.content_type.app_label}.{p.codename}"
                for p in group.permissions.select_related("content_type")
            }
            assert held == set(declared_permissions(role)), role

    def test_declared_entries_point_to_real_pages_and_permissions(self):
        from django.contrib.auth.models import Permission

        for entry in entries():
            assert entry.url() is not None, entry.key
            if entry.permission:
                app_label, codename = entry.permission.split(".")
                assert Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).exists(), entry.permission


class TestStaffHome:
    def test_a_registry_clerk_sees_the_registry_and_not_the_catalogue(self, client):
        client.force_login(_staff("clerk", Role.REGISTRY_CLERK))
        page = client.get(reverse("gestion:home")).content.decode()
        assert reverse("registro:libro") in page
        assert reverse("registro:oficina_entrada") in page
        assert reverse("admin:procedimientos_procedimiento_changelist") not in page
        assert reverse("admin:index") + '"' not in page

    def test_a_catalogue_editor_sees_the_catalogue_and_not_the_registry(self, client):
        client.force_login(_staff("editor", Role.CATALOGUE_EDITOR))
        page = client.get(reverse("gestion:home")).content.decode()
        assert reverse("admin:procedimientos_procedimiento_changelist") in page
        assert reverse("registro:libro") not in page

    def test_staff_without_a_role_are_told_to_ask_for_one(self, client):
        client.force_login(_staff("nobody"))
        page = client.get(reverse("gestion:home")).content.decode()
        assert "ninguna función" in page
        assert reverse("registro:libro") not in page

    def test_the_home_speaks_basque(self, client):
        client.force_login(_staff("clerk", Role.REGISTRY_CLERK))
        page = client.get("/eu/gestion/").content.decode()
        assert 'lang="eu"' in page
        assert "Erregistro-liburua" in page

    def test_a_citizen_gets_404(self, client, ciudadana):
        client.force_login(ciudadana)
        assert client.get(reverse("gestion:home")).status_code == 404

    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(reverse("gestion:home"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]

    def test_staff_pages_link_home_from_the_header(self, client):
        client.force_login(_staff("clerk", Role.REGISTRY_CLERK))
        page = client.get(reverse("sede:home")).content.decode()
        assert reverse("gestion:home") in page


class TestScope:
    def test_scope_holds_roles_and_units_below_the_users_units(self, ayuntamiento):
        child = Unidad.objects.create(
            dir3="LA0900001", name_es="Área", kind="area", parent=ayuntamiento
        )
        grandchild = Unidad.objects.create(
            dir3="LA0900002", name_es="Servicio", kind="servicio", parent=child
        )
        other = Unidad.objects.create(dir3="LA0900003", name_es="Otra", kind="area")
        user = _staff("handler", Role.CASE_HANDLER, unit=child)
        scope = staff_scope(user)
        assert scope.unit_ids == {child.pk, grandchild.pk}
        assert other.pk not in scope.unit_ids
        assert scope.has_role(Role.CASE_HANDLER)
        assert not scope.has_role(Role.UNIT_HEAD)
        assert not scope.sees_all_units

    def test_scope_is_resolved_once_per_user_object(self, django_assert_num_queries):
        user = _staff("handler", Role.CASE_HANDLER)
        staff_scope(user)
        with django_assert_num_queries(0):
            staff_scope(user)

    def test_a_citizen_has_no_scope(self, ciudadana):
        scope = staff_scope(ciudadana)
        assert not scope.is_staff and not scope.roles and not scope.unit_ids
