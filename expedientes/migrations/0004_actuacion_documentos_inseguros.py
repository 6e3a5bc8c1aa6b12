"""CAT-7: the automated correction request for documents found malicious after registration
(REG-11) joins the list of automated actions published on the sede."""

from django.db import migrations

ROW = {
    "code": "expedientes-documentos-inseguros",
    "order": 35,
    "name_es": "Requerimiento por documento con código malicioso",
    "name_eu": "Kode maltzurra duen dokumentuagatiko errekerimendua",
    "design_es": (
        "Cuando el registro detecta código malicioso en un documento ya registrado, el "
        "sistema emite en cada expediente abierto que lo contiene un requerimiento de "
        "subsanación de 10 días hábiles para que la persona interesada lo presente de nuevo "
        "(RD 203/2021, art. 39.2). El asiento conserva su número."
    ),
    "design_eu": (
        "Erregistroak jada erregistratutako dokumentu batean kode maltzurra aurkitzen duenean, "
        "sistemak 10 egun balioduneko zuzentze-errekerimendu bat ematen du hura duen espediente "
        "ireki bakoitzean, interesdunak berriro aurkez dezan (203/2021 ED, 39.2 art.). "
        "Idazpenak bere zenbakia gordetzen du."
    ),
    "functioning_es": (
        "Tarea periódica (Celery beat) cada diez minutos sobre la lista de documentos marcados "
        "por el registro; el requerimiento queda pendiente de notificar como cualquier otro."
    ),
    "functioning_eu": (
        "Aldizkako zeregina (Celery beat), hamar minuturo, erregistroak markatutako "
        "dokumentuen zerrendaren gainean; errekerimendua jakinarazteko zain geratzen da, "
        "beste edozein bezala."
    ),
    "organo_responsable": "Unidad competente de cada procedimiento",
    "organo_responsable_eu": "Prozedura bakoitzaren unitate eskuduna",
    "task": "expedientes.tasks.documentos_inseguros_task",
}


def forwards(apps, schema_editor):
    apps.get_model("expedientes", "ActuacionAutomatizada").objects.update_or_create(
        code=ROW["code"], defaults=ROW
    )


def backwards(apps, schema_editor):
    apps.get_model("expedientes", "ActuacionAutomatizada").objects.filter(
        code=ROW["code"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("expedientes", "0003_object_permissions")]

    operations = [migrations.RunPython(forwards, backwards)]
