"""Honest digitisation levels and plan indicator (issue 15 §5): the level is derived from what
exists, a declared level above it is flagged in the admin, and the plan's actions take their
progress from data where a proxy exists, with the formula stated (docs/catalogo.md)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from identidad.models import User
from identidad.roles import Role
from procedimientos.avance import compute_avance
from procedimientos.indicadores import Evidencias, nivel_derivado, proxies
from procedimientos.models import AccionPlan
from tests.registro.conftest import oficina_distrito, oficina_sede, urbanismo  # noqa: F401, F811

pytestmark = pytest.mark.django_db


def _derived(proc) -> int:
    return nivel_derivado(
        pk=proc.pk,
        code=proc.code,
        declared=proc.digitisation_level,
        signature_required=proc.signature_required,
        ev=Evidencias.load(),
    )


class TestDerivedLevel:
    def test_a_declared_specific_form_without_one_is_level_2_at_most(self, make_proc):
        make_proc("instancia-general", form=True)
        proc = make_proc("vado", digitisation_level=3, target_level=4)
        assert _derived(proc) == 2

    def test_without_the_general_application_nothing_can_be_filed_online(self, make_proc):
        assert _derived(make_proc("vado", digitisation_level=2)) == 1

    def test_an_own_published_form_is_level_3(self, make_proc):
        assert _derived(make_proc("vado", form=True, digitisation_level=3)) == 3
        # ... even when staff forgot to raise the declared level
        assert _derived(make_proc("otro", form=True, digitisation_level=0)) == 3

    def test_the_general_application_is_not_a_specific_form(self, make_proc):
        ig = make_proc("instancia-general", form=True, digitisation_level=3)
        assert _derived(ig) == 2

    def test_level_4_needs_case_processing_and_notification_evidence(self, make_proc):
        """Without case files and electronic notifications of it, nothing reaches 4."""
        proc = make_proc("vado", form=True, digitisation_level=4, target_level=4)
        assert _derived(proc) == 3
        ev = Evidencias.load()
        both = Evidencias(
            own_form=ev.own_form,
            generic_route=ev.generic_route,
            firma=ev.firma,
            tramitacion=frozenset({proc.pk}),
            notificacion=frozenset({proc.pk}),
        )
        only_processing = Evidencias(
            own_form=ev.own_form,
            generic_route=ev.generic_route,
            firma=ev.firma,
            tramitacion=frozenset({proc.pk}),
            notificacion=frozenset(),
        )

        def level(e):
            return nivel_derivado(
                pk=proc.pk, code=proc.code, declared=4, signature_required=True, ev=e
            )

        assert level(both) == 4
        assert level(only_processing) == 3

    def test_the_sede_declares_every_kind_of_evidence(self, make_proc):
        from procedimientos.indicadores import EVIDENCE_KINDS, evidence

        proc = make_proc("vado", form=True)
        assert evidence("firma") == {proc.pk}  # a published form: the sede takes it signed
        for kind in EVIDENCE_KINDS:  # the providers run (no case files or notices yet)
            assert isinstance(evidence(kind), set)
        assert evidence("tramitacion") == set() and evidence("notificacion") == set()

    def test_the_indicator_uses_the_derived_level(self, make_proc):
        make_proc(
            "vado", adaptation_status="publicado", digitisation_level=3, target_level=3
        )  # declared 3, nothing built: derived 1 -> 1/3
        avance = compute_avance()
        assert avance.catalogue == Decimal("33.33")
        assert avance.declared_above == 1


class TestAdmin:
    def test_the_admin_shows_declared_and_derived_and_filters_the_overstated(
        self, client, make_proc
    ):
        make_proc("vado", title_es="Licencia de vado", digitisation_level=3)
        make_proc("terraza", title_es="Terrazas", form=True, digitisation_level=3)
        editor = User.objects.create_user("editor", password="x", is_staff=True)
        editor.groups.add(Group.objects.get(name=Role.CATALOGUE_EDITOR.value))
        client.force_login(editor)
        page = client.get("/admin/procedimientos/procedimiento/").content.decode()
        assert "Nivel derivado de los datos" in page
        assert "el nivel declarado es superior a lo que existe" in page
        flagged = client.get("/admin/procedimientos/procedimiento/?nivel_honesto=superior")
        rows = flagged.context["cl"].result_list
        assert [p.code for p in rows] == ["vado"]


class TestProxies:
    def test_the_registry_action_is_the_share_of_electronic_entries(
        self,
        ciudadana,
        oficina_sede,  # noqa: F811
        oficina_distrito,  # noqa: F811
        urbanismo,  # noqa: F811
    ):
        """Recomputed by hand from fixture data: 3 electronic of 4 entries -> 75.00 %."""
        from registro.constants import Canal, Direccion
        from registro.services import asiento_register

        def register(oficina, canal):
            return asiento_register(
                direction=Direccion.ENTRADA,
                oficina=oficina,
                canal=canal,
                interesados=[ciudadana.interesado],
                unidad_destino=urbanismo,
                resumen="Solicitud",
                expone="Expone",
                solicita="Solicita",
                documentos=[],
                registrado_por=ciudadana,
            )

        for _ in range(3):
            register(oficina_sede, Canal.SEDE)
        register(oficina_distrito, Canal.PRESENCIAL)
        AccionPlan.objects.create(code="registro-unico", name_es="Registro", weight=1)
        AccionPlan.objects.create(
            code="difusion", name_es="Difusión", weight=1, progress=Decimal(10)
        )
        avance = compute_avance()
        progress = dict((a.code, p) for a, p in avance.actions)
        assert progress["registro-unico"] == Decimal("75.00")
        origin, value = avance.origins["registro-unico"]
        assert origin == "calculado" and (value.numerator, value.denominator) == (3, 4)
        assert avance.origins["difusion"] == ("declarado", None)
        assert avance.overall == Decimal("42.50")  # (75 + 10) / 2

    def test_without_entries_the_registry_proxy_is_zero_not_an_error(self):
        assert proxies()["registro-unico"].compute() == (0, 0)

    def test_the_dashboard_marks_computed_and_declared_values(self, client):
        AccionPlan.objects.create(code="registro-unico", name_es="Registro único", weight=1)
        AccionPlan.objects.create(code="difusion", name_es="Difusión", weight=1, progress=10)
        page = client.get("/catalogo/grado-de-avance/").content.decode()
        assert "Asientos de entrada de los últimos 365 días" in page  # the formula
        assert "Declarado" in page
