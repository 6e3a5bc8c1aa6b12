"""Benchmark of the registry exchange (SIR, SICRES 4.0) between two instances.

Two registry offices: this process (office O00099999, a throwaway database) and a peer — the
same code served by gunicorn (PEER_WORKERS workers) on another port with its own database —
reached over HTTP by the local peer transport. BENCH_EXCHANGES entries (one PDF annex each)
are prepared and recorded as outgoing exchanges; then CLIENTS processes deliver them through
``intercambio_entregar``: build the SICRES 4.0 file, validate it against the XSD, POST it; the
peer parses and validates it, checks the annex hash and the upload policy, stores the
pre-entry and answers ACK; the sender records the ACK (exchange ``enviado``).

Baseline, same run, same peer server, same client processes, same HTTP client as the
exchanges' transport (``registro.sir.backends.local.HttpPoster``): POST the same XML bytes to a
bare endpoint of the peer (``bench/sir_bare_wsgi.py``) that only stores the body in a table.

Both ends run as in production (DEBUG off). BENCH_ROUNDS (3) rounds, baseline and exchanges
interleaved so that the load of a shared machine weighs on both alike; the medians and the
median of the per-round ratios are reported.

Figure: exchanges processed per second; RESULT ratio = exchanges/s ÷ bare posts/s (target
≥ 0.3). Needs PostgreSQL: DATABASE_URL=postgres://.../<name>; creates <name>_bench and
<name>_bench_peer.
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bs_sir \
     REGISTRO_SIR_XSD_DIR=/work/shared/schemas/sicres .venv/bin/python bench/bench_sir.py
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilbao_sede.settings.test")

BASE_URL = os.environ.get("DATABASE_URL", "")
if not BASE_URL.startswith(("postgres://", "postgresql://")):
    raise SystemExit("bench_sir needs PostgreSQL: DATABASE_URL=postgres://...")
BASE_NAME = urlsplit(BASE_URL).path.lstrip("/")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)

from tests.integration.sir_peer import (  # noqa: E402
    PEER_CODE,
    PEER_TOKEN,
    Peer,
    database_url,
    ensure_database,
)

EXCHANGES = int(os.environ.get("BENCH_EXCHANGES", "240"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
PEER_WORKERS = int(os.environ.get("BENCH_PEER_WORKERS", "2"))
OUR_CODE = "O00099999"
WARMUP = 2 * PEER_WORKERS  # exchanges delivered before the timing (imports, connections)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))  # interleaved; the median ratio is reported


def _prepare() -> list[int]:
    """ROUNDS × EXCHANGES (+ WARMUP) numbered entries, each recorded as an outgoing exchange
    to the peer (no route while preparing, so nothing is delivered yet)."""
    from identidad.constants import TipoUnidad
    from identidad.models import Unidad
    from identidad.services import interesado_get_or_create
    from registro.constants import TipoOficina
    from registro.models import Oficina
    from registro.services import DocumentoNuevo, asiento_register, receipts
    from registro.sir import services
    from tests.registro.conftest import make_pdf_bytes

    receipts.justificante_enqueue = lambda *, asiento_id: True  # receipts are not measured
    services.intercambio_enqueue = lambda *, intercambio_id: True  # delivered below
    council = Unidad.objects.create(
        dir3="L01480209", name_es="Ayuntamiento", kind=TipoUnidad.ENTIDAD
    )
    urbanismo = Unidad.objects.create(dir3="LA0001234", name_es="Urbanismo", kind=TipoUnidad.AREA)
    oficina = Oficina.objects.create(
        code=OUR_CODE, name_es="Sede", kind=TipoOficina.SEDE, unidad=council
    )
    interesado = interesado_get_or_create(nif="12345678Z", nombre="Miren", apellido1="Etxeberria")
    ids = []
    for i in range(ROUNDS * EXCHANGES + WARMUP):
        asiento = asiento_register(
            direction="E",
            oficina=oficina,
            canal="sede",
            interesados=[interesado],
            unidad_destino=urbanismo,
            resumen=f"Solicitud {i} para otra administración",
            expone="Que presenta la solicitud.",
            solicita="Que se tramite.",
            documentos=[
                DocumentoNuevo(nombre="solicitud.pdf", content=make_pdf_bytes(f"Solicitud {i}"))
            ],
            idioma="es",
        )
        ids.append(services.intercambio_enviar(asiento=asiento, entidad_destino=PEER_CODE).pk)
    return ids


def _messages(ids: list[int]) -> list[bytes]:
    from registro.models import Intercambio
    from registro.sir.services import outgoing_message

    return [
        outgoing_message(Intercambio.objects.select_related("asiento").get(pk=pk))[1] for pk in ids
    ]


def _deliver_client(index: int, work: list, barrier, results) -> None:
    connections.close_all()
    from django.utils import timezone

    from registro.sir.backends import reset_backends
    from registro.sir.services import intercambio_entregar

    reset_backends()
    now = timezone.now()
    connections["default"].ensure_connection()  # as a running worker's: open before the timing
    barrier.wait()
    began = time.perf_counter()
    delivered = sum(bool(intercambio_entregar(intercambio_id=pk, now=now)) for pk in work)
    results.put((time.perf_counter() - began, delivered))
    connections.close_all()


def _bare_client(index: int, work: list, barrier, results) -> None:
    """The same HTTP client as the exchanges' transport (``LocalPeerBackend``), so that the
    ratio compares the registry's work, not two ways of posting."""
    from registro.sir.backends.local import HttpPoster

    url, bodies = work
    http = HttpPoster()
    headers = {"Content-Type": "application/xml; charset=utf-8"}
    barrier.wait()
    began = time.perf_counter()
    ok = 0
    for body in bodies:
        status, _answer = http.post(url, body, headers, timeout=60)
        ok += status == 200
    results.put((time.perf_counter() - began, ok))


def _run(target, shares: list) -> tuple[float, int]:
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(len(shares) + 1)
    results = ctx.Queue()
    connections.close_all()
    procs = [
        ctx.Process(target=target, args=(i, share, barrier, results))
        for i, share in enumerate(shares)
    ]
    for p in procs:
        p.start()
    barrier.wait()
    began = time.perf_counter()
    done = sum(results.get(timeout=900)[1] for _ in procs)
    elapsed = time.perf_counter() - began
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"a client failed (exit {p.exitcode})")
    return done / elapsed, done


def main() -> None:
    settings.DATABASES["default"]["TEST"]["NAME"] = f"{BASE_NAME}_bench"
    peer_name = f"{BASE_NAME}_bench_peer"
    ensure_database(BASE_URL, peer_name)
    setup_test_environment(debug=False)  # both ends as in production: DEBUG off
    old = setup_databases(verbosity=0, interactive=False)
    workdir = Path(tempfile.mkdtemp(prefix="bench-sir-"))
    settings.MEDIA_ROOT = str(workdir / "media")
    peer = Peer(
        db_url=database_url(BASE_URL, peer_name),
        our_code="",
        our_url="",
        our_token="",
        workdir=workdir,
        workers=PEER_WORKERS,
        wsgi="bench.sir_bare_wsgi:application",
        extra_env={"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(64)},
    )
    try:
        peer.prepare()
        peer.reset_exchanges()
        peer.sql(
            "CREATE TABLE IF NOT EXISTS bench_sir_bare "
            "(id bigserial PRIMARY KEY, body bytea NOT NULL, received_at timestamptz NOT NULL "
            "DEFAULT now())"
        )
        peer.sql("TRUNCATE bench_sir_bare")
        peer.start()
        settings.REGISTRO_SIR_PEERS = "{}"
        ids = _prepare()
        warm, ids = ids[:WARMUP], ids[WARMUP:]
        shares = [ids[r * EXCHANGES : (r + 1) * EXCHANGES] for r in range(ROUNDS)]
        bodies = [_messages(share) for share in shares]
        size = sum(len(b) for b in bodies[0]) // len(bodies[0])
        settings.REGISTRO_SIR_PEERS = json.dumps(
            {PEER_CODE: {"url": peer.inbound, "token": PEER_TOKEN}}
        )
        bare_url = f"{peer.url}/bench/bare/"
        # Warm both paths (imports, connections, XSD loading) outside the timings.
        for body in bodies[0][:WARMUP]:
            requests.post(bare_url, data=body, timeout=60)
        from django.utils import timezone

        from registro.sir.services import intercambio_entregar

        for pk in warm:
            assert intercambio_entregar(intercambio_id=pk, now=timezone.now())
        print(
            f"exchanges: {EXCHANGES} a round ({size} bytes each), rounds: {ROUNDS}, "
            f"clients: {CLIENTS}, peer workers: {PEER_WORKERS}"
        )
        rounds = []
        for r in range(ROUNDS):  # interleaved: the machine's load weighs on both alike
            peer.sql("TRUNCATE bench_sir_bare")
            baseline, stored = _run(
                _bare_client, [(bare_url, bodies[r][i::CLIENTS]) for i in range(CLIENTS)]
            )
            value, delivered = _run(
                _deliver_client, [shares[r][i::CLIENTS] for i in range(CLIENTS)]
            )
            if stored != EXCHANGES or delivered != EXCHANGES:
                raise SystemExit("some posts or exchanges failed: the figure would be wrong")
            rounds.append((value, baseline))
            print(f"  round {r + 1}: SIR exchanges {value:6.1f}/s  bare posts {baseline:6.1f}/s")
        from registro.models import Intercambio

        acked = Intercambio.objects.filter(pk__in=ids, estado="enviado").count()
        received = peer.sql(
            "SELECT count(*) FROM registro_intercambio WHERE sentido = 'entrada' "
            "AND estado = 'recibido'"
        )[0][0]
        value = statistics.median(v for v, _b in rounds)
        baseline = statistics.median(b for _v, b in rounds)
        ratio = statistics.median(v / b for v, b in rounds)
        print(f"bare endpoint (store only): median {baseline:.1f} posts/s")
        print(
            f"SIR exchanges (send → XSD → peer validates, stores, ACK → recorded): median "
            f"{value:.1f}/s ({acked} acknowledged, {received} pre-entries at the peer)"
        )
        if acked != ROUNDS * EXCHANGES or received != ROUNDS * EXCHANGES + WARMUP:
            raise SystemExit("some exchanges were not completed: the figure would be wrong")
        print(
            f"RESULT sir_exchanges value={value:.1f} baseline={baseline:.1f} "
            f"ratio={ratio:.2f} rounds={ROUNDS}"
        )
    finally:
        peer.stop()
        connections.close_all()
        teardown_databases(old, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
