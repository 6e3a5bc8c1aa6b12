"""CAT-7: the automated opening of the case file now runs after the filing's commit (a
background task, and a sweep every two minutes for what it missed): say so on the sede's
page of automated actions."""

from django.db import migrations

BEFORE = {
    "functioning_es": (
        "Se ejecuta en la misma operación que presenta la solicitud. Los plazos se "
        "recalculan al suspenderse y reanudarse."
    ),
    "functioning_eu": (
        "Eskabidea aurkezten duen eragiketa berean exekutatzen da. Epeak berriro "
        "kalkulatzen dira eteten eta berriro hasten direnean."
    ),
    "task": "expedientes.services.expediente_open_from_asiento",
}
AFTER = {
    "functioning_es": (
        "Tarea en segundo plano en cuanto queda registrada la solicitud; si no se completa, "
        "un barrido periódico cada dos minutos abre los expedientes pendientes, uno por "
        "asiento. Los plazos se recalculan al suspenderse y reanudarse."
    ),
    "functioning_eu": (
        "Atzeko planoko zeregina, eskabidea erregistratu bezain laster; osatzen ez bada, bi "
        "minuturo egiten den miaketa batek irekitzen ditu zain dauden espedienteak, "
        "erregistro-idazpen bakoitzeko bat. Epeak berriro kalkulatzen dira eteten eta "
        "berriro hasten direnean."
    ),
    "task": "sede.tasks.presentacion_expediente_open_task",
}


def _set(values):
    def run(apps, schema_editor):
        Actuacion = apps.get_model("expedientes", "ActuacionAutomatizada")
        Actuacion.objects.filter(code="expedientes-apertura").update(**values)

    return run


class Migration(migrations.Migration):
    dependencies = [("expedientes", "0004_actuacion_documentos_inseguros")]

    operations = [migrations.RunPython(_set(AFTER), _set(BEFORE))]
