import pytest
from django.urls import reverse

from identidad.services import audit_record

pytestmark = pytest.mark.django_db


def test_staff_can_read_the_audit_trail_but_not_change_it(client, ciudadana, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    entry = audit_record(actor=ciudadana, action="login")
    client.force_login(admin)
    listing = client.get(reverse("admin:identidad_auditentry_changelist"))
    assert listing.status_code == 200
    assert "login" in listing.content.decode()
    detail = client.get(reverse("admin:identidad_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert (
        client.post(reverse("admin:identidad_auditentry_delete", args=[entry.pk])).status_code
        == 403
    )


def test_admin_lists_users_units_and_interesados(client, django_user_model, funcionario, empresa):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    for name in ("identidad_user", "identidad_unidad", "identidad_interesado"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    page = client.get(reverse("admin:identidad_interesado_changelist")).content.decode()
    assert "B95000006" in page


def _audit_search(client, term):
    response = client.get(reverse("admin:identidad_auditentry_changelist"), {"q": term})
    assert response.status_code == 200
    return response.content.decode()


def test_the_audit_trail_is_searched_by_exact_keys(
    client, ciudadana, otra_ciudadana, django_user_model
):
    """Issue 10: position (#seq), object (type:id) or the actor's NIF, each through an
    index; newest first; no date hierarchy."""
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    mine = audit_record(
        actor=ciudadana, action="consulta-mia", object_type="registro.asiento", object_id="17"
    )
    theirs = audit_record(
        actor=otra_ciudadana,
        action="consulta-ajena",
        object_type="registro.asiento",
        object_id="18",
    )
    html = _audit_search(client, "registro.asiento:17")
    assert "consulta-mia" in html and "consulta-ajena" not in html
    html = _audit_search(client, "11.111.111-h")
    assert "consulta-ajena" in html and "consulta-mia" not in html
    if theirs.seq is not None:
        html = _audit_search(client, f"#{theirs.seq}")
        assert "consulta-ajena" in html and "consulta-mia" not in html
    html = _audit_search(client, "nada que ver")
    assert "consulta-mia" not in html and "consulta-ajena" not in html
    listing = client.get(reverse("admin:identidad_auditentry_changelist")).content.decode()
    assert listing.index("consulta-ajena") < listing.index("consulta-mia")
    assert mine.pk < theirs.pk


def test_the_audit_changelist_reads_through_indexes(client, django_user_model, monkeypatch):
    """PostgreSQL, 10⁴ audit rows: the first page, each search, never a scan."""
    from bench.harness import generate
    from bilbao_sede.pagination import CappedCountPaginator
    from identidad.models import AuditEntry
    from tests.support.query_plans import analyze, assert_page_uses_indexes, require_postgresql

    require_postgresql()
    monkeypatch.setattr(CappedCountPaginator, "cap", 100)
    root = django_user_model.objects.create_superuser("root", password="x", nif="12345678Z")
    generate(
        AuditEntry,
        10_000,
        seq="g",
        created_at="now() - g * interval '1 minute'",
        actor_id=f"CASE WHEN g % 100 = 0 THEN {root.pk} END",
        actor_repr="'bench'",
        action="'registro.consulta'",
        object_type="'registro.asiento'",
        object_id="CAST(g AS text)",
        result="'ok'",
        prev_hash="'x'",
        hash="'x'",
    )
    analyze()
    client.force_login(root)
    url = reverse("admin:identidad_auditentry_changelist")
    for query in ({}, {"q": "#4242"}, {"q": "registro.asiento:77"}, {"q": "12345678-z"}):
        assert_page_uses_indexes(client, url, data=query, tables=["identidad_auditentry"])
