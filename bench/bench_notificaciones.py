"""Bulk notification: a 10,000-recipient act made available (with its aviso rows).

Measures notifications made available per second through ``remesa_process_chunk`` — the
service the Celery task runs: each chunk takes its addressees with ``SKIP LOCKED``, decides
each one's channel, and writes the notifications, their history, acuse and aviso rows and the
addressees' links in one transaction, then publishes the aviso and sealing tasks (to Redis when
``CELERY_BROKER_URL`` is set, as production does). The baseline, in the same run, inserts the
same rows into the same tables with psycopg2's ``execute_values`` in chunks of the same size —
no ORM, no channel decision, no locking: the fair bare-SQL way to write those rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilbao_sede \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/15 DEBUG=true \
    .venv/bin/python bench/bench_notificaciones.py

Target (issue 12): ratio ≥ 0.3. Ends with ``RESULT notificaciones_remesa value=<per s> …``.
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import bench_database, result_line, setup_django  # noqa: E402

RECIPIENTS = int(os.environ.get("BENCH_RECIPIENTS", "10000"))
CHUNK = 500
RUNS = 3


def _fixtures():
    from identidad.constants import TipoPersona, TipoUnidad
    from identidad.models import Interesado, Unidad, User

    unit = Unidad.objects.create(dir3="LA0001234", name_es="Hacienda", kind=TipoUnidad.AREA)
    user = User.objects.create_user("bench-notif", is_staff=True)
    Interesado.objects.bulk_create(
        [
            Interesado(
                tipo=TipoPersona.JURIDICA,
                nif=f"B{i:08d}",
                razon_social=f"Empresa {i}",
                email=f"e{i}@example.org",
            )
            for i in range(RECIPIENTS)
        ],
        batch_size=2000,
    )
    ids = list(Interesado.objects.order_by("pk").values_list("pk", flat=True))
    return unit, user, ids


def _reset():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notificaciones_aviso, notificaciones_evidencia, "
            "notificaciones_notificacionevento, notificaciones_remesadestinatario, "
            "notificaciones_notificacion, notificaciones_remesa CASCADE"
        )


def _remesa(unit, user, ids):
    from notificaciones.services import remesa_create

    return remesa_create(
        titulo="Tasa de basuras 2026",
        asunto="Liquidación de la tasa de basuras 2026",
        texto="Se le notifica la liquidación de la tasa de basuras del ejercicio 2026.",
        recursos="Recurso de reposición en el plazo de un mes (art. 14 TRLRHL).",
        unidad=unit,
        interesado_ids=ids,
        actor=user,
    )


def run_service(unit, user, ids) -> float:
    from notificaciones.services import remesa_process_chunk

    _reset()
    remesa = _remesa(unit, user, ids)
    start = time.perf_counter()
    made = 0
    while n := remesa_process_chunk(remesa_id=remesa.pk, size=CHUNK):
        made += n
    elapsed = time.perf_counter() - start
    assert made == len(ids), made
    return made / elapsed


def run_baseline(unit, user, ids) -> float:
    """The same rows, bare: notificacion, evento, evidencia, aviso, and the addressee's link."""
    import json

    from django.db import connection, transaction
    from django.utils import timezone
    from psycopg2.extras import execute_values

    from notificaciones.plazos import expiry_instant

    _reset()
    remesa = _remesa(unit, user, ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, d.interesado_id, i.email, i.nif, i.razon_social "
            "FROM notificaciones_remesadestinatario d JOIN identidad_interesado i "
            "ON i.id = d.interesado_id WHERE d.remesa_id = %s ORDER BY d.id",
            [remesa.pk],
        )
        dest = cursor.fetchall()
    start = time.perf_counter()
    now = timezone.now()
    expira = expiry_instant(now)
    for i in range(0, len(dest), CHUNK):
        part = dest[i : i + CHUNK]
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            rows = [
                (
                    "notificacion",
                    f"N-{now:%Y}-{secrets.token_hex(6).upper()}",
                    interesado_id,
                    remesa.pk,
                    unit.pk,
                    remesa.asunto,
                    remesa.texto,
                    remesa.recursos,
                    False,
                    "[]",
                    "electronico",
                    "obligado",
                    "es",
                    "puesta",
                    now,
                    now,
                    expira,
                    "",
                    False,
                    user.pk,
                )
                for _, interesado_id, _, _, _ in part
            ]
            notif_ids = execute_values(
                raw,
                "INSERT INTO notificaciones_notificacion (clase, identificador, destinatario_id, "
                "remesa_id, unidad_id, asunto, texto, recursos, plazo_dias_naturales, huellas, "
                "canal, motivo_canal, idioma, estado, created_at, puesta_at, expira_at, via, "
                "recordatorio_enviado, created_by_id) VALUES %s RETURNING id",
                rows,
                fetch=True,
                page_size=CHUNK,
            )
            notif_ids = [r[0] for r in notif_ids]
            execute_values(
                raw,
                "INSERT INTO notificaciones_notificacionevento (notificacion_id, at, estado, "
                "descripcion, detalle) VALUES %s",
                [(n, now, "puesta", "Puesta a disposición", "{}") for n in notif_ids],
                page_size=CHUNK,
            )
            execute_values(
                raw,
                "INSERT INTO notificaciones_evidencia (notificacion_id, tipo, at, datos, csv) "
                "VALUES %s",
                [
                    (
                        n,
                        "puesta",
                        now,
                        json.dumps({"destinatario": {"nif": d[3], "nombre": d[4]}}),
                        "",
                    )
                    for n, d in zip(notif_ids, part, strict=True)
                ],
                page_size=CHUNK,
            )
            execute_values(
                raw,
                "INSERT INTO notificaciones_aviso (notificacion_id, canal, tipo, destino, estado, "
                "intentos, ultimo_error, created_at) VALUES %s",
                [
                    (n, "email", "puesta", d[2], "pendiente", 0, "", now)
                    for n, d in zip(notif_ids, part, strict=True)
                ],
                page_size=CHUNK,
            )
            execute_values(
                raw,
                "UPDATE notificaciones_remesadestinatario AS d SET notificacion_id = v.n "
                "FROM (VALUES %s) AS v(d, n) WHERE d.id = v.d",
                [(d[0], n) for n, d in zip(notif_ids, part, strict=True)],
                page_size=CHUNK,
            )
    elapsed = time.perf_counter() - start
    return len(dest) / elapsed


def main() -> None:
    setup_django()
    from django.conf import settings

    broker = os.environ.get("CELERY_BROKER_URL")
    settings.CELERY_TASK_ALWAYS_EAGER = not broker  # publish for real when there is a broker
    with bench_database("notificaciones"):
        from bilbao_sede.celery import app

        if broker:
            app.conf.task_always_eager = False
        unit, user, ids = _fixtures()
        service, baseline = [], []
        for _ in range(RUNS):  # interleaved, so both see the same machine
            baseline.append(run_baseline(unit, user, ids))
            service.append(run_service(unit, user, ids))
        if broker:
            app.control.purge()
        value, base = statistics.median(service), statistics.median(baseline)
        print(f"service runs/s: {[round(v) for v in service]}")
        print(f"baseline runs/s: {[round(b) for b in baseline]}")
        result_line(
            "notificaciones_remesa",
            value,
            base,
            recipients=len(ids),
            publish="redis" if broker else "eager",
        )


if __name__ == "__main__":
    main()
