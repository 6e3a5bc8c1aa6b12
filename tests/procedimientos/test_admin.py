"""Back office: only staff of the owning unit (or catalogue managers) can edit a procedure."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from identidad.models import User
from procedimientos.models import CambioEstadoAdaptacion, FormularioVersion, Procedimiento
from procedimientos.services import formulario_create_draft, formulario_publish

from .test_models import LAYOUT, SCHEMA


def _staff(username: str, *units) -> User:
    user = User.objects.create_user(username, password="x", is_staff=True)
    codenames = [
        "view_procedimiento",
        "change_procedimiento",
        "view_formularioversion",
        "change_formularioversion",
    ]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    user.unidades.add(*units)
    return user


@pytest.fixture
def proc(make_proc):
    return make_proc("vado", title_es="Licencia de vado")


@pytest.fixture
def urbanismo_staff(area):
    return _staff("urbanismo", area)


@pytest.fixture
def social_staff(otra_area):
    return _staff("social", otra_area)


def _change_url(p) -> str:
    return f"/admin/procedimientos/procedimiento/{p.pk}/change/"


class TestProcedureEditingPermissions:
    def test_staff_of_the_owning_unit_can_open_and_list_it(self, client, proc, urbanismo_staff):
        client.force_login(urbanismo_staff)
        assert client.get(_change_url(proc)).status_code == 200
        listing = client.get("/admin/procedimientos/procedimiento/").content.decode()
        assert "Licencia de vado" in listing

    def test_staff_of_a_parent_unit_own_the_procedures_of_sub_units(
        self, client, proc, ayuntamiento
    ):
        client.force_login(_staff("alcaldia", ayuntamiento))
        assert client.get(_change_url(proc)).status_code == 200

    def test_staff_of_another_unit_cannot_see_it(self, client, proc, social_staff):
        client.force_login(social_staff)
        response = client.get(_change_url(proc))
        # The admin answers as for an unknown object: redirect with "doesn't exist".
        assert response.status_code == 302
        assert response.url == "/admin/"
        listing = client.get("/admin/procedimientos/procedimiento/").content.decode()
        assert "Licencia de vado" not in listing
        response = client.post(_change_url(proc), {"title_es": "Cambiado"})
        assert Procedimiento.objects.get(pk=proc.pk).title_es == "Licencia de vado"

    def test_a_catalogue_manager_can_edit_any_procedure(self, client, proc, social_staff):
        social_staff.user_permissions.add(Permission.objects.get(codename="gestionar_catalogo"))
        client.force_login(User.objects.get(pk=social_staff.pk))
        assert client.get(_change_url(proc)).status_code == 200

    def test_the_review_actions_use_the_workflow(self, client, proc, urbanismo_staff):
        client.force_login(urbanismo_staff)
        client.post(
            "/admin/procedimientos/procedimiento/",
            {"action": "mark_en_revision", "_selected_action": [proc.pk]},
        )
        proc.refresh_from_db()
        assert proc.adaptation_status == "en_revision"
        assert CambioEstadoAdaptacion.objects.get().by == urbanismo_staff
        # Skipping a step is refused and reported.
        client.post(
            "/admin/procedimientos/procedimiento/",
            {"action": "mark_pendiente", "_selected_action": [proc.pk]},
        )
        client.post(
            "/admin/procedimientos/procedimiento/",
            {"action": "mark_publicado", "_selected_action": [proc.pk]},
        )
        proc.refresh_from_db()
        assert proc.adaptation_status == "pendiente"


class TestFormVersionAdmin:
    def test_a_published_version_is_read_only(self, client, proc, urbanismo_staff):
        version = formulario_publish(
            formulario=formulario_create_draft(procedimiento=proc, schema=SCHEMA, layout=LAYOUT),
            by=None,
        )
        client.force_login(urbanismo_staff)
        body = client.get(f"/admin/procedimientos/formularioversion/{version.pk}/change/")
        assert body.status_code == 200
        assert 'name="schema"' not in body.content.decode()

    def test_other_units_staff_cannot_see_the_forms(self, client, proc, social_staff):
        draft = formulario_create_draft(procedimiento=proc, schema=SCHEMA, layout=LAYOUT)
        client.force_login(social_staff)
        response = client.get(f"/admin/procedimientos/formularioversion/{draft.pk}/change/")
        assert response.status_code == 302
        assert FormularioVersion.objects.count() == 1


def test_a_draft_added_in_the_admin_gets_the_next_version_and_is_not_published_unreviewed(
    client, proc, urbanismo_staff
):
    """The admin's publish action follows the review workflow: a draft is not approved."""
    import json

    from django.contrib.auth.models import Permission

    urbanismo_staff.user_permissions.add(Permission.objects.get(codename="add_formularioversion"))
    client.force_login(urbanismo_staff)
    response = client.post(
        "/admin/procedimientos/formularioversion/add/",
        {"procedimiento": proc.pk, "schema": json.dumps(SCHEMA), "layout": json.dumps(LAYOUT)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = FormularioVersion.objects.get()
    assert (draft.version, draft.status) == (1, "borrador")
    client.post(
        "/admin/procedimientos/formularioversion/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == "borrador"
    assert draft.created_by == urbanismo_staff


def test_staff_cannot_add_a_form_to_another_units_procedure(client, proc, social_staff):
    import json

    from django.contrib.auth.models import Permission

    social_staff.user_permissions.add(Permission.objects.get(codename="add_formularioversion"))
    client.force_login(social_staff)
    response = client.post(
        "/admin/procedimientos/formularioversion/add/",
        {"procedimiento": proc.pk, "schema": json.dumps(SCHEMA), "layout": json.dumps(LAYOUT)},
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not FormularioVersion.objects.exists()
