import pytest
from django.core.management import CommandError, call_command

from identidad.models import Interesado, User


@pytest.mark.django_db
def test_demo_setup_is_idempotent_and_prints_the_logins(capsys, settings):
    settings.DEBUG = True
    call_command("demo_setup")
    call_command("demo_setup")
    out = capsys.readouterr().out
    assert "12345678Z" in out
    assert "funcionaria" in out
    assert User.objects.filter(username="admin", is_superuser=True).count() == 1
    assert Interesado.objects.filter(nif="12345678Z").count() == 1
    assert User.objects.get(username="funcionaria").check_password("demo-bilbao-2026")


@pytest.mark.django_db
def test_demo_setup_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("demo_setup")
    assert not User.objects.exists()
