"""The default workflow, the trigram index of the tray's search (PostgreSQL) and the list of
automated actions published on the sede (CAT-7)."""

from django.db import migrations

FASES = [
    {"code": "iniciacion", "name_es": "Iniciación", "name_eu": "Hasiera"},
    {"code": "instruccion", "name_es": "Instrucción", "name_eu": "Instrukzioa"},
    {"code": "resolucion", "name_es": "Resolución", "name_eu": "Ebazpena"},
    {"code": "notificacion", "name_es": "Notificación", "name_eu": "Jakinarazpena"},
    {"code": "finalizado", "name_es": "Finalizado", "name_eu": "Amaituta"},
]

RESOLUCION_ES = (
    "Visto el expediente {identificador}, relativo a «{asunto}», del procedimiento "
    "«{procedimiento}», iniciado el {fecha_inicio} a instancia de {interesados}, "
    "y de acuerdo con la tramitación que consta en él, se RESUELVE en sentido {sentido}:\n\n"
    "{texto}"
)
RESOLUCION_EU = (
    "{identificador} espedientea ikusita, «{asunto}» gaiari buruzkoa, «{procedimiento}» "
    "prozedurakoa, {fecha_inicio}(e)an {interesados}(r)en eskariz hasia, eta bertan jasotako "
    "izapideen arabera, honela EBAZTEN da ({sentido}):\n\n{texto}"
)

ACTUACIONES = [
    {
        "code": "registro-justificante",
        "order": 10,
        "name_es": "Emisión y sellado del justificante de registro",
        "name_eu": "Erregistro-egiaztagiria igortzea eta zigilatzea",
        "design_es": (
            "Al registrarse una entrada, el sistema genera un PDF con el número de registro, la "
            "fecha y hora de presentación y efectiva, las partes, la unidad de destino y la "
            "huella SHA-256 de cada documento, y lo sella con el sello electrónico de órgano "
            "del Ayuntamiento, con un código seguro de verificación (CSV)."
        ),
        "design_eu": (
            "Sarrera bat erregistratzean, sistemak PDF bat sortzen du erregistro-zenbakiarekin, "
            "aurkezpen-data eta -ordu eraginkorrarekin, alderdiekin, helmuga-unitatearekin eta "
            "dokumentu bakoitzaren SHA-256 aztarnarekin, eta Udalaren organo-zigilu "
            "elektronikoarekin zigilatzen du, egiaztapen-kode seguru batekin (EKS)."
        ),
        "functioning_es": (
            "Tarea en segundo plano tras confirmar el registro; si falla se reintenta y un "
            "barrido periódico cada dos minutos recoge los pendientes. Se puede verificar en "
            "/verificar/ con su CSV."
        ),
        "functioning_eu": (
            "Atzeko planoko zeregina, erregistroa berretsi ondoren; huts egiten badu berriro "
            "saiatzen da, eta bi minuturo egiten den miaketa batek jasotzen ditu zain daudenak. "
            "/verificar/ orrian egiazta daiteke, EKS erabiliz."
        ),
        "organo_responsable": "Ayuntamiento de Bilbao — Registro General",
        "organo_responsable_eu": "Bilboko Udala — Erregistro Orokorra",
        "task": "registro.tasks.justificantes_sweep_task",
    },
    {
        "code": "expedientes-apertura",
        "order": 20,
        "name_es": "Apertura del expediente y comunicación de inicio",
        "name_eu": "Espedientea irekitzea eta hasiera-jakinarazpena",
        "design_es": (
            "Cada solicitud registrada en la sede abre un expediente en la unidad competente "
            "del procedimiento, calcula el plazo máximo de resolución y el momento en que "
            "produce efecto el silencio con el calendario oficial, y prepara la comunicación "
            "de la fecha de recepción, el plazo máximo y el efecto del silencio "
            "(Ley 39/2015, art. 21.4)."
        ),
        "design_eu": (
            "Egoitzan erregistratutako eskabide bakoitzak espediente bat irekitzen du "
            "prozeduraren unitate eskudunean, ebazteko gehieneko epea eta isiltasunak ondorioak "
            "noiz dituen kalkulatzen du egutegi ofizialarekin, eta jasotze-data, gehieneko epea "
            "eta isiltasunaren ondorioa jakinarazteko komunikazioa prestatzen du "
            "(39/2015 Legea, 21.4 art.)."
        ),
        "functioning_es": (
            "Se ejecuta en la misma operación que presenta la solicitud. Los plazos se "
            "recalculan al suspenderse y reanudarse."
        ),
        "functioning_eu": (
            "Eskabidea aurkezten duen eragiketa berean exekutatzen da. Epeak berriro "
            "kalkulatzen dira eteten eta berriro hasten direnean."
        ),
        "organo_responsable": "Unidad competente de cada procedimiento",
        "organo_responsable_eu": "Prozedura bakoitzaren unitate eskuduna",
        "task": "expedientes.services.expediente_open_from_asiento",
    },
    {
        "code": "expedientes-vencimientos",
        "order": 30,
        "name_es": "Control de vencimiento de requerimientos",
        "name_eu": "Errekerimenduen epemugaren kontrola",
        "design_es": (
            "Comprueba cada hora los requerimientos de subsanación cuyo plazo ha vencido sin "
            "respuesta, reanuda el plazo de resolución suspendido y avisa a la persona "
            "tramitadora de que procede proponer el desistimiento (Ley 39/2015, art. 68.1). "
            "No dicta ninguna resolución: la decide una persona."
        ),
        "design_eu": (
            "Orduro egiaztatzen ditu erantzunik gabe epea amaitu zaien zuzentze-errekerimenduak, "
            "etendako ebazpen-epea berriro abiarazten du eta izapidegileari jakinarazten dio "
            "atzera egitea proposatu behar dela (39/2015 Legea, 68.1 art.). Ez du ebazpenik "
            "ematen: pertsona batek erabakitzen du."
        ),
        "functioning_es": "Tarea periódica (Celery beat) cada hora.",
        "functioning_eu": "Aldizkako zeregina (Celery beat), orduro.",
        "organo_responsable": "Unidad competente de cada procedimiento",
        "organo_responsable_eu": "Prozedura bakoitzaren unitate eskuduna",
        "task": "expedientes.tasks.requerimientos_vencidos_task",
    },
    {
        "code": "expedientes-indice",
        "order": 40,
        "name_es": "Índice electrónico del expediente",
        "name_eu": "Espedientearen aurkibide elektronikoa",
        "design_es": (
            "Al cerrar o remitir un expediente, el sistema genera su índice electrónico con la "
            "huella SHA-256 de cada documento en orden y lo sella con el sello electrónico de "
            "órgano (RD 203/2021, art. 51)."
        ),
        "design_eu": (
            "Espediente bat ixtean edo igortzean, sistemak haren aurkibide elektronikoa sortzen "
            "du dokumentu bakoitzaren SHA-256 aztarnarekin, ordenan, eta organo-zigilu "
            "elektronikoarekin zigilatzen du (203/2021 ED, 51. art.)."
        ),
        "functioning_es": (
            "Se ejecuta en la misma operación de cierre o remisión; la verificación del índice "
            "señala cualquier documento alterado."
        ),
        "functioning_eu": (
            "Ixteko edo igortzeko eragiketa berean exekutatzen da; aurkibidearen egiaztapenak "
            "aldatutako edozein dokumentu adierazten du."
        ),
        "organo_responsable": "Unidad competente de cada procedimiento",
        "organo_responsable_eu": "Prozedura bakoitzaren unitate eskuduna",
        "task": "expedientes.services.expediente_close",
    },
    {
        "code": "apoderamientos-vigencia",
        "order": 50,
        "name_es": "Vigencia de los apoderamientos",
        "name_eu": "Ahalorde-emateen indarraldia",
        "design_es": (
            "Marca como caducados los apoderamientos cuyo plazo de vigencia o de aceptación ha "
            "terminado, para que dejen de permitir actuar en nombre de otra persona."
        ),
        "design_eu": (
            "Indarraldia edo onartzeko epea amaitu zaien ahalorde-emateak iraungitzat jotzen "
            "ditu, beste pertsona baten izenean jarduteko baliorik izan ez dezaten."
        ),
        "functioning_es": "Tarea periódica (Celery beat) cada hora.",
        "functioning_eu": "Aldizkako zeregina (Celery beat), orduro.",
        "organo_responsable": "Ayuntamiento de Bilbao — Registro de apoderamientos",
        "organo_responsable_eu": "Bilboko Udala — Ahalorde-emateen erregistroa",
        "task": "apoderamientos.tasks.apoderamientos_sweep_task",
    },
]


def forwards(apps, schema_editor):
    Flujo = apps.get_model("expedientes", "FlujoTramitacion")
    if not Flujo.objects.filter(procedimiento__isnull=True).exists():
        Flujo.objects.create(
            procedimiento=None,
            fases=FASES,
            plantilla_resolucion_es=RESOLUCION_ES,
            plantilla_resolucion_eu=RESOLUCION_EU,
        )
    Actuacion = apps.get_model("expedientes", "ActuacionAutomatizada")
    for row in ACTUACIONES:
        Actuacion.objects.update_or_create(code=row["code"], defaults=row)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS expedientes_search_trgm "
            "ON expedientes_expediente USING gin (search_text gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS expedientes_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("expedientes", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
