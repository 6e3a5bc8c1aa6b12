"""Preview of a draft form version (issue 16): the citizen's own step pages in es and eu, the
errors a citizen would see, conditions across steps — and never a Borrador. Catalogue editors
(and administrators) only; everyone else gets a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from identidad.roles import Role
from procedimientos.formularios import editor
from procedimientos.formularios.editor import Campo
from procedimientos.models import Procedimiento
from procedimientos.services import formulario_create_draft, procedimiento_save
from sede.models import Borrador
from tests.personas import staff_member

pytestmark = pytest.mark.django_db


def definition():
    s, lay = editor.empty()
    s, lay = editor.add_step(
        s,
        lay,
        title_es="Obra",
        title_eu="Obra",
        legend_es="Datos de la obra",
        legend_eu="Obraren datuak",
        campo=Campo(
            key="tipo",
            kind="choice",
            title_es="Tipo de obra",
            title_eu="Obra mota",
            required=True,
            options=[
                ("menor", "Obra menor", "Obra txikia"),
                ("mayor", "Obra mayor", "Obra handia"),
            ],
        ),
    )
    s, lay = editor.add_step(
        s,
        lay,
        title_es="Proyecto",
        title_eu="Proiektua",
        legend_es="Proyecto técnico",
        legend_eu="Proiektu teknikoa",
        campo=Campo(
            key="arquitecto",
            kind="text",
            title_es="Arquitecto/a",
            title_eu="Arkitektoa",
            required=True,
        ),
    )
    s, lay = editor.set_condition(s, lay, target="step:proyecto", field="/tipo", values=["mayor"])
    return s, lay


@pytest.fixture
def draft(ayuntamiento):
    from procedimientos.models import Materia

    materia = Materia.objects.create(slug="urbanismo", name_es="Urbanismo", name_eu="Hirigintza")
    proc = procedimiento_save(
        procedimiento=Procedimiento(
            code="obra",
            title_es="Licencia de obra",
            title_eu="Obra lizentzia",
            materia=materia,
            unit=ayuntamiento,
        )
    )
    schema, layout = definition()
    return formulario_create_draft(procedimiento=proc, schema=schema, layout=layout)


@pytest.fixture
def as_editor(client):
    client.force_login(staff_member("editora", Role.CATALOGUE_EDITOR))
    return client


def step_url(draft, step, lang="es"):
    url = reverse("sede:formulario_preview_step", args=[draft.pk, step])
    return url if lang == "es" else "/eu" + url


class TestPreview:
    def test_it_starts_at_the_first_step(self, as_editor, draft):
        response = as_editor.get(reverse("sede:formulario_preview", args=[draft.pk]))
        assert response.status_code == 302 and response["Location"] == step_url(draft, "obra")

    @pytest.mark.parametrize(
        ("lang", "label", "option"),
        [("es", "Tipo de obra", "Obra mayor"), ("eu", "Obra mota", "Obra handia")],
    )
    def test_the_citizen_page_in_each_language(self, as_editor, draft, lang, label, option):
        page = as_editor.get(step_url(draft, "obra", lang)).content.decode()
        assert f'<html lang="{lang}">' in page
        assert label in page and option in page
        assert "Vista previa" in page or "Aurrebista" in page
        assert 'value="save"' not in page  # nothing is saved in a preview

    def test_posting_a_step_shows_the_citizens_errors_and_saves_no_borrador(self, as_editor, draft):
        response = as_editor.post(step_url(draft, "obra"), {"action": "next"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "error-summary" in page and 'href="#f-tipo"' in page
        assert Borrador.objects.count() == 0

    def test_conditions_follow_the_answers(self, as_editor, draft):
        response = as_editor.post(step_url(draft, "obra"), {"action": "next", "tipo": "menor"})
        assert response["Location"] == reverse("sede:formulario_preview_end", args=[draft.pk])
        response = as_editor.post(step_url(draft, "obra"), {"action": "next", "tipo": "mayor"})
        assert response["Location"] == step_url(draft, "proyecto")
        response = as_editor.post(
            step_url(draft, "proyecto"), {"action": "next", "arquitecto": "Ane"}
        )
        end = as_editor.get(response["Location"]).content.decode()
        assert "Obra mayor" in end and "Ane" in end
        assert Borrador.objects.count() == 0


class TestAccess:
    @pytest.mark.parametrize("role", [Role.CASE_HANDLER, Role.UNIT_HEAD, Role.HABILITADO])
    def test_other_staff_get_404(self, client, draft, role):
        client.force_login(staff_member("otro", role))
        assert client.get(step_url(draft, "obra")).status_code == 404
        assert (
            client.get(reverse("sede:formulario_preview_end", args=[draft.pk])).status_code == 404
        )

    def test_citizens_get_404(self, client, draft, ciudadana):
        client.force_login(ciudadana)
        assert client.get(step_url(draft, "obra")).status_code == 404

    def test_administrators_may_preview(self, client, draft):
        from identidad.models import User

        client.force_login(User.objects.create_superuser("root", password="x"))
        assert client.get(step_url(draft, "obra")).status_code == 200


def test_the_attachments_step_is_the_citizens_and_uploads_nothing(as_editor, draft):
    from procedimientos.formularios.services import formulario_builder_apply

    formulario_builder_apply(
        formulario=draft,
        operation="add_field",
        fieldset="obra/datos-de-la-obra",
        campo=Campo(key="planos", kind="file", title_es="Planos", title_eu="Planoak"),
    )
    page = as_editor.get(step_url(draft, "planos")).content.decode()
    assert "Vista previa de la versión" in page and "Otros documentos" in page
    response = as_editor.post(step_url(draft, "planos"), {"action": "upload:"}, follow=True)
    assert "En la vista previa no se adjuntan ficheros" in response.content.decode()
    assert Borrador.objects.count() == 0


def test_the_errors_in_basque(as_editor, draft):
    page = as_editor.post(step_url(draft, "obra", "eu"), {"action": "next"}).content.decode()
    assert "error-summary" in page and "Obra mota" in page


def test_what_the_builder_writes_is_what_the_engine_reads():
    """One format: the builder's required-if, condition and kinds as the engine sees them."""
    from sede.filing.conditional import required_when
    from sede.filing.engine import Definition

    s, lay = definition()
    s, lay = editor.add_field(
        s,
        lay,
        fieldset="obra/datos-de-la-obra",
        campo=Campo(key="licencia", kind="text", title_es="Licencia", title_eu="Lizentzia"),
    )
    s, lay = editor.set_required_if(s, lay, pointer="/licencia", field="/tipo", values=["mayor"])
    assert required_when(s, "/licencia") == ("/tipo", ["mayor"])
    engine = Definition(s, lay)
    assert [f.kind for f in engine.fieldset_fields(engine.steps[0].fieldsets[0])] == [
        "choice",
        "text",
    ]
    assert "/licencia" in engine.validate({"tipo": "mayor"})
    assert "/licencia" not in engine.validate({"tipo": "menor"})
    assert [st.id for st in engine.visible_steps({"tipo": "menor"})] == ["obra"]
    assert [st.id for st in engine.visible_steps({"tipo": "mayor"})] == ["obra", "proyecto"]
