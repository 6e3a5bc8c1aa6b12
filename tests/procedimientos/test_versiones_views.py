"""Staff pages of form versions: the list, a version with only the actions the user may take,
the unit head's tray (their units only), the diff, and the staff home entries per role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from identidad.roles import Role
from procedimientos.constants import EstadoFormulario
from procedimientos.formularios import versiones
from tests.personas import staff_member
from tests.procedimientos.versiones_support import *  # noqa: F403
from tests.procedimientos.versiones_support import through_review, v1_copy

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"procedimientos:{name}", args=args)


def _html(client, url, **kw) -> str:
    response = client.get(url, **kw)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


class TestVersionPage:
    def test_an_editor_sees_send_to_review_but_not_approve(
        self, client, proc_con_formulario, editora
    ):
        draft = versiones.version_new_draft(procedimiento=proc_con_formulario, by=editora)
        client.force_login(editora)
        html = _html(client, _url("formulario_version", draft.pk))
        assert "Enviar a revisión" in html
        assert "Aprobar</button>" not in html and "Devolver con observaciones" not in html
        assert "Comparar con la versión 1" in html
        assert "Definición en JSON" in html  # the disclosure (a <details>, no JavaScript)

    def test_the_unit_head_approves_or_returns_through_the_page(
        self, client, proc_con_formulario, editora, jefa
    ):
        draft = versiones.version_new_draft(procedimiento=proc_con_formulario, by=editora)
        versiones.version_send_to_review(version=draft, by=editora)
        client.force_login(jefa)
        html = _html(client, _url("formulario_version", draft.pk))
        assert "Aprobar</button>" in html and "Devolver con observaciones" in html
        assert "Enviar a revisión</button>" not in html

        # Sending back without saying why is refused with a message; with a comment it works.
        response = client.post(_url("formulario_version_accion", draft.pk, "devolver"), follow=True)
        assert "Explique qué hay que corregir." in response.content.decode()
        client.post(
            _url("formulario_version_accion", draft.pk, "devolver"),
            {"comment": "Falta el texto de ayuda del teléfono"},
        )
        draft.refresh_from_db()
        assert draft.status == EstadoFormulario.BORRADOR
        client.force_login(editora)
        html = _html(client, _url("formulario_version", draft.pk))
        assert "Devuelta con observaciones" in html
        assert "Falta el texto de ayuda del teléfono" in html

    def test_a_head_who_made_the_version_is_told_someone_else_must_approve(
        self, client, proc_con_formulario, area
    ):
        both = staff_member("doble", Role.CATALOGUE_EDITOR, Role.UNIT_HEAD, units=[area])
        draft = versiones.version_new_draft(procedimiento=proc_con_formulario, by=both)
        versiones.version_send_to_review(version=draft, by=both)
        client.force_login(both)
        html = _html(client, _url("formulario_version", draft.pk))
        assert "otra persona con jefatura de la unidad debe aprobarla" in html
        assert "Aprobar</button>" not in html
        client.post(_url("formulario_version_accion", draft.pk, "aprobar"))
        draft.refresh_from_db()
        assert draft.status == EstadoFormulario.EN_REVISION

    def test_publishing_from_the_page(self, client, proc_con_formulario, editora, jefa):
        version = through_review(proc_con_formulario, editor=editora, approver=jefa, publish=False)
        client.force_login(editora)
        html = _html(client, _url("formulario_version", version.pk))
        assert "Publicar esta versión" in html
        client.post(_url("formulario_version_accion", version.pk, "publicar"))
        version.refresh_from_db()
        assert version.status == EstadoFormulario.PUBLICADO
        html = _html(client, _url("formulario_version", version.pk))
        assert "Publicada: es el formulario que usa la ciudadanía" in html
        assert "Nuevo borrador a partir de esta versión" in html

    def test_outsiders_get_a_404_and_a_get_on_an_action_is_refused(
        self, client, proc_con_formulario, jefe_otra_unidad, funcionario, ciudadana, editora
    ):
        v1 = proc_con_formulario.formularios.get()
        for user in (jefe_otra_unidad, funcionario, ciudadana):
            client.force_login(user)
            for url in (
                _url("formulario_version", v1.pk),
                _url("formulario_versiones", proc_con_formulario.code),
                _url("formulario_diff", proc_con_formulario.code),
                _url("formulario_version_accion", v1.pk, "publicar"),
            ):
                assert client.get(url).status_code == 404, (user, url)
        client.force_login(editora)
        assert client.get(_url("formulario_version_accion", v1.pk, "publicar")).status_code == 405
        assert client.get(_url("formulario_version_accion", v1.pk, "borrar")).status_code == 404


class TestListsAndTray:
    def test_new_draft_from_the_list_and_back_to_the_one_in_course(
        self, client, proc_con_formulario, editora
    ):
        client.force_login(editora)
        html = _html(client, _url("formulario_versiones", proc_con_formulario.code))
        assert "Versión 1" in html and "Publicado" in html
        response = client.post(_url("formulario_nuevo_borrador", proc_con_formulario.code))
        draft = proc_con_formulario.formularios.get(version=2)
        assert response["Location"] == _url("formulario_version", draft.pk)
        again = client.post(_url("formulario_nuevo_borrador", proc_con_formulario.code))
        assert again["Location"] == _url("formulario_version", draft.pk)  # one at a time
        assert proc_con_formulario.formularios.count() == 2

    def test_the_tray_shows_only_the_heads_units(
        self, client, make_proc, otra_area, editora, jefa, jefe_otra_unidad
    ):
        from procedimientos.services import formulario_create_draft

        mine = make_proc("licencia-obra")
        theirs = make_proc("ayuda-social", title_es="Ayuda social", unit=otra_area)
        schema, layout = v1_copy()
        for proc in (mine, theirs):
            draft = formulario_create_draft(
                procedimiento=proc, schema=schema, layout=layout, by=editora
            )
            versiones.version_send_to_review(version=draft, by=editora)
        client.force_login(jefa)
        html = _html(client, _url("formulario_revisiones"))
        assert "Licencia de obra menor" in html and "Ayuda social" not in html
        client.force_login(jefe_otra_unidad)
        html = _html(client, _url("formulario_revisiones"))
        assert "Ayuda social" in html and "Licencia de obra menor" not in html
        client.force_login(editora)  # not a unit head: no tray
        assert client.get(_url("formulario_revisiones")).status_code == 404

    def test_the_index_lists_the_procedures_in_scope(
        self, client, proc_con_formulario, jefe_otra_unidad, editora
    ):
        client.force_login(editora)
        html = _html(client, _url("formulario_indice"), data={"q": "obra"})
        assert "Licencia de obra menor" in html
        client.force_login(jefe_otra_unidad)
        assert "Licencia de obra menor" not in _html(client, _url("formulario_indice"))

    def test_the_staff_home_shows_each_role_its_entries(self, client, editora, jefa):
        client.force_login(editora)
        html = _html(client, reverse("gestion:home"))
        assert "Formularios y versiones" in html
        assert "Formularios pendientes de aprobación" not in html
        client.force_login(jefa)
        assert "Formularios pendientes de aprobación" in _html(client, reverse("gestion:home"))


class TestDiffPage:
    def test_it_says_what_changed_in_words_and_in_json(
        self, client, proc_con_formulario, editora, jefa
    ):
        schema, layout = v1_copy()
        schema["properties"]["nif"] = {"type": "string", "title": "NIF", "x-title-eu": "IFZ"}
        schema["required"].append("nif")
        schema["properties"]["tipo"]["enum"] = ["menor", "mayor"]
        layout["steps"][0]["fieldsets"][0]["fields"].append("/nif")
        through_review(
            proc_con_formulario,
            editor=editora,
            approver=jefa,
            schema=schema,
            layout=layout,
            publish=False,
        )
        client.force_login(jefa)
        html = _html(client, _url("formulario_diff", proc_con_formulario.code))
        assert "De la versión 1 a la versión 2." in html
        assert "Campos nuevos (1)" in html and "NIF" in html
        assert "Campo nuevo obligatorio, sin valor por defecto" in html
        assert "valores retirados «derribo»" in html
        assert "incompatible" in html
        assert "Diferencias en JSON" in html and "<ins>" in html
        same = _html(
            client, _url("formulario_diff", proc_con_formulario.code), data={"a": 1, "b": 1}
        )
        assert "Las dos versiones son idénticas." in same

    def test_the_pages_are_in_basque_too(self, client, proc_con_formulario, editora, jefa):
        schema, layout = v1_copy()
        del schema["properties"]["telefono"]
        layout["steps"][0]["fieldsets"][0]["fields"].remove("/telefono")
        version = through_review(
            proc_con_formulario,
            editor=editora,
            approver=jefa,
            schema=schema,
            layout=layout,
            publish=False,
        )
        diff_url = "/eu" + _url("formulario_diff", proc_con_formulario.code)
        version_url = "/eu" + _url("formulario_version", version.pk)
        client.force_login(editora)
        html = _html(client, diff_url)
        assert "Kendutako eremuak (1)" in html and "Telefonoa" in html
        html = _html(client, version_url)
        assert "Argitaratu bertsio hau" in html
