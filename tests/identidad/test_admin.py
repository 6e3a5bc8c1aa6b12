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
