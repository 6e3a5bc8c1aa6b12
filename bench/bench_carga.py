"""Mixed load on the production topology, at 10³ and at 10⁶ filings (issue 10 "Done when",
issue 17 item 17).

On this machine, loopback only: gunicorn with several workers (DEBUG off, the production
settings driven by environment variables set here), a Celery worker on Redis, PostgreSQL.
``--citizens`` simulated citizens (threads with their own HTTP session, logged in through a
session made as the identity providers make it: method and level of assurance) each file the
instancia general ``--filings`` times — start, the four form steps, an attachment (a PDF),
review, signature by clave concertada — then open the receipt page and download the receipt
PDF; meanwhile ``--staff`` members of staff page through the registry book. Every request
must answer as expected: errors must be 0.

Afterwards every filing of the run must have exactly one sealed receipt (the worker seals
them; the run waits for it): the entry is sealed, its CSV names its firma document version,
and firma holds exactly one document for that receipt.

The same load runs twice, each phase in its own process and database: at 10³ filings
(``bs_…_carga``, created and dropped here) and at 10⁶ (``BENCH_LARGE_DB``, by default the
database ``bench_paginas.py`` keeps with ``BENCH_KEEP_DB=1``, ``<NAME>_bench_paginas``;
created and loaded here when missing, which takes a while). The baseline is the same load at
10³ rows. It prints throughput per CPU, p50/p95/p99 and errors of each phase, and ends with
``RESULT carga_throughput_per_cpu value=<10⁶> baseline=<10³> ratio=… p95=… p95_baseline=…
p95_ratio=… errors=…`` (targets: ratio ≥ 1/1.5, p95_ratio ≤ 1.5, errors 0; issue 17: ≥ 25
requests/s per CPU at p95 < 300 ms).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bilbao_sede \\
     CELERY_BROKER_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/bench_carga.py
Options: --citizens 6 --filings 6 --staff 2 --workers <cores> (gunicorn) --small 1000
--large 1000000
(6 filings each: ~600 timed requests per phase; with 2, ~200 requests made the p95 swing by
±150 ms from run to run). ``--only small|large`` runs one phase; ``--profile DIR`` records each
request's server CPU by step (and a cProfile of ``--profile-paths``) through
``bench/carga_wsgi.py`` — such a run's figures are not comparable. Each phase also reports
the CPU seconds of each role over the timed window (``cpu_s``: gunicorn, the Celery worker,
this database's PostgreSQL backends, the load generator itself, and the whole machine —
other sessions on it included).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def production_env(database_url: str, workdir: Path, port: int) -> dict[str, str]:
    """The environment of a production deployment on this machine (docs/configuration.md)."""
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bilbao_sede.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "REDIS_URL": os.environ.get("REDIS_URL", broker),
        "CELERY_TASK_DEFAULT_QUEUE": f"bench-carga-{os.getpid()}",
        # Plain HTTP on loopback: no TLS in front of gunicorn here.
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": str(workdir / "media"),
        "FIRMA_PKI_DIR": str(workdir / "pki"),
        # Revocation checked as in production, against the demo CA's CRL (offline).
        "FIRMA_CRLS": str(workdir / "pki" / "crl.pem"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEV_IDP_ENABLED", None)
    return env


# --- One phase (a child process with the production environment) ----------------------


def _ensure_database(url: str) -> bool:
    """Create the database when missing; True when it was created."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(_with_database(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
        if not exists:
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return not exists


def _drop_database(url: str) -> None:
    import psycopg2

    name = urlsplit(url).path.lstrip("/")
    admin = psycopg2.connect(_with_database(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _sessions(count: int, *, staff: bool, tag: str, first: int = 0) -> list[tuple[str, str, str]]:
    """(session key, NIF, name) of ``count`` users logged in as an identity provider does
    (Giltza/OIDC, level sustancial) — staff as the staff login does (password + TOTP): the
    session a login leaves behind."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from bench.datasets import nif_of
    from identidad.constants import MetodoIdentificacion, NivelGarantia
    from identidad.models import User
    from identidad.services import citizen_user_from_identity
    from identidad.session import SESSION_LEVEL_KEY, SESSION_METHOD_KEY

    out = []
    for i in range(count):
        if staff:
            user, _created = User.objects.get_or_create(
                username=f"carga-staff-{tag}-{i}", defaults={"is_staff": True}
            )
            user.is_staff = user.is_superuser = True
            user.save()
            nif, name = "", user.username
        else:
            nif = nif_of(9_000_000 + first + i)
            name = f"Carga{first + i}"
            user = citizen_user_from_identity(nif=nif, first_name=name, last_name="Bench")
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "identidad.backends.oidc.GiltzaOIDCBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[SESSION_METHOD_KEY] = str(MetodoIdentificacion.BAKQ)
        store[SESSION_LEVEL_KEY] = int(NivelGarantia.SUSTANCIAL)
        if staff:  # as the staff login leaves it: a second factor (TOTP), signed in now
            from identidad.staff_auth import SESSION_LOGIN_AT_KEY, SESSION_STRONG_KEY

            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[SESSION_STRONG_KEY] = "totp"
            store[SESSION_LOGIN_AT_KEY] = time.time()
        store.create()
        out.append((store.session_key, nif, name))
    return out


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.timings: list[float] = []
        self.by_step: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def call(self, session, method: str, url: str, *, expect=(200,), **kwargs):
        step = _step_of(method, url)
        began = time.perf_counter()
        try:
            response = session.request(method, url, allow_redirects=False, timeout=120, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any failure is an error of the run
            with self.lock:
                self.timings.append((time.perf_counter() - began) * 1000)
                self.errors.append(f"{method} {url}: {exc}")
            return None
        elapsed = (time.perf_counter() - began) * 1000
        with self.lock:
            self.timings.append(elapsed)
            self.by_step.setdefault(step, []).append(elapsed)
            if response.status_code not in expect:
                self.errors.append(f"{method} {url}: {response.status_code}")
        return response


def _step_of(method: str, url: str) -> str:
    """A label for the breakdown: the method and the path without ids."""
    import re

    path = urlsplit(url).path
    path = re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27}/", "/<id>/", path)
    return f"{method} {path}"


def _pids_under(root: int) -> list[int]:
    """``root`` and its descendants (gunicorn's master and workers, Celery's pool)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parents.items() if ppid in frontier]
        found += frontier
    return found


def _cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU seconds of each live process."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _database_backends() -> list[int]:
    """The PostgreSQL backends serving this phase's database (same host: /proc sees them)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return [row[0] for row in cur.fetchall()]


def _machine_busy() -> float:
    """Busy CPU seconds of the whole machine (every session on it, not only ours)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds spent by each role over the timed window: gunicorn, the Celery worker,
    PostgreSQL (this database's backends, sampled at the start and the end), the load
    generator (this process) and the machine as a whole."""

    def __init__(self, roles: dict[str, int]) -> None:
        self.roles = roles

    def sample(self) -> dict[str, dict[int, float]]:
        snap = {role: _cpu_seconds(_pids_under(pid)) for role, pid in self.roles.items()}
        snap["postgresql"] = _cpu_seconds(_database_backends())
        snap["client"] = {0: time.process_time()}
        snap["machine"] = {0: _machine_busy()}
        return snap

    @staticmethod
    def spent(before, after) -> dict[str, float]:
        spent = {
            role: round(sum(v - before[role].get(pid, 0.0) for pid, v in after[role].items()), 2)
            for role in after
        }
        # Other sessions on this shared machine: when large, the run's figures are not fair.
        ours = sum(v for role, v in spent.items() if role != "machine")
        spent["others"] = round(max(0.0, spent["machine"] - ours), 2)
        return spent


def _citizen(base_url: str, key: str, nif: str, name: str, filings: int, rec: Recorder, pdf):
    import requests

    s = requests.Session()
    s.cookies.set("sessionid", key, domain="127.0.0.1")
    done = []
    for n in range(filings):
        r = rec.call(s, "GET", f"{base_url}/tramites/instancia-general/")
        if r is None:
            return done
        token = s.cookies.get("csrftoken", domain="127.0.0.1") or s.cookies.get("csrftoken")
        headers = {"X-CSRFToken": token or "", "Referer": f"{base_url}/"}
        r = rec.call(
            s,
            "POST",
            f"{base_url}/tramites/instancia-general/",
            headers=headers,
            data={},
            expect=(302,),
        )
        if r is None or r.status_code != 302:
            return done
        draft = r.headers["Location"].split("/borrador/")[1].split("/")[0]
        step = f"{base_url}/tramites/borrador/{draft}/paso"
        posts = [
            (
                "solicitante",
                {
                    "solicitante-tipo_persona": "fisica",
                    "solicitante-nif": nif,
                    "solicitante-nombre": name,
                    "solicitante-apellido1": "Bench",
                    "action": "next",
                },
                None,
            ),
            (
                "solicitud",
                {
                    "asunto": f"Poda del árbol {n}",
                    "expone": "El árbol tapa la farola.",
                    "solicita": "Que se pode.",
                    "action": "next",
                },
                None,
            ),
            (
                "documentos",
                {"action": "upload:", "libre-description": "Fotografía"},
                {"libre-fichero": ("foto.pdf", pdf(f"{nif}-{n}"), "application/pdf")},
            ),
            ("documentos", {"action": "next"}, None),
            (
                "notificacion",
                {
                    "notificacion-canal": "electronica",
                    "notificacion-email": "carga@example.org",
                    "action": "next",
                },
                None,
            ),
            ("confirmar", {"declaracion": "on", "action": "next"}, None),
        ]
        for step_id, data, files in posts:
            r = rec.call(
                s,
                "POST",
                f"{step}/{step_id}/",
                headers=headers,
                data=data,
                files=files,
                expect=(302,),
            )
            if r is None or r.status_code != 302:
                return done
        rec.call(s, "GET", f"{base_url}/tramites/borrador/{draft}/revisar/")
        r = rec.call(
            s,
            "POST",
            f"{base_url}/tramites/borrador/{draft}/firmar/",
            headers=headers,
            data={"method": "concertada", "confirmo": "on"},
            expect=(302,),
        )
        if r is None or r.status_code != 302:
            return done
        receipt = r.headers["Location"]
        if receipt.startswith("/"):
            receipt = base_url + receipt
        rec.call(s, "GET", receipt)
        pdf_response = rec.call(s, "GET", receipt.rstrip("/") + "/justificante.pdf")
        if pdf_response is not None and not pdf_response.content.startswith(b"%PDF-"):
            rec.errors.append(f"receipt of {draft} is not a PDF")
        done.append(receipt.rstrip("/").rsplit("/", 1)[1])
    return done


def _staff(base_url: str, key: str, stop: threading.Event, rec: Recorder):
    import re

    import requests

    s = requests.Session()
    s.cookies.set("sessionid", key, domain="127.0.0.1")
    url = f"{base_url}/registro/libro/"
    while not stop.is_set():
        r = rec.call(s, "GET", url)
        if r is None:
            return
        following = re.search(r'href="\?([^"]*c=[^"]+)"', r.text)
        url = (
            f"{base_url}/registro/libro/?{following.group(1).replace('&amp;', '&')}"
            if following and "c=" in following.group(1)
            else f"{base_url}/registro/libro/"
        )


def _wait_http(url: str, timeout: float = 90) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f}s")


def _profile_summary(directory) -> dict:
    """Server CPU per step over the timed window (``--profile``): n, mean, p50, p95 in ms,
    and the wall time for comparison."""
    from bench.harness import pct

    cpu: dict[str, list[float]] = {}
    wall: dict[str, list[float]] = {}
    for path in Path(directory).glob("requests-*.jsonl"):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            cpu.setdefault(row["step"], []).append(row["cpu"])
            wall.setdefault(row["step"], []).append(row["wall"])
    return {
        step: {
            "n": len(v),
            "cpu_mean": round(sum(v) / len(v), 1),
            "cpu_p50": round(pct(v, 0.5), 1),
            "cpu_p95": round(pct(v, 0.95), 1),
            "wall_p95": round(pct(wall[step], 0.95), 1),
        }
        for step, v in sorted(cpu.items(), key=lambda kv: -sum(kv[1]))
    }


def run_phase(args) -> dict:
    """In a child process whose environment is production's (set by the parent)."""
    import django

    django.setup()
    from django.core.management import call_command

    from bench import datasets
    from bench.harness import pct
    from firma.models import Documento
    from registro.justificante import receipt_filename
    from sede.models import Presentacion

    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)  # new, or kept from an older run
    base = datasets.sede_base()
    rows = datasets.grow_filings(base, args.rows)
    loaded = time.perf_counter() - began
    call_command("firma_demo_pki", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    tag = f"{os.getpid()}"
    citizens = _sessions(args.citizens, staff=False, tag=tag)
    staff = _sessions(args.staff, staff=True, tag=tag)
    warm_citizens = _sessions(args.workers, staff=False, tag=f"warm{tag}", first=1000)

    port = int(os.environ["BENCH_PORT"])
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    workdir = Path(os.environ["BENCH_WORKDIR"])
    logs = {name: (workdir / f"{name}.log").open("w") for name in ("gunicorn", "celery")}
    gunicorn = subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "gunicorn",
            "bench.carga_wsgi:application"
            if os.environ.get("BENCH_PROFILE_DIR")
            else "bilbao_sede.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--timeout",
            "120",
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=logs["gunicorn"],
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "bilbao_sede",
            "worker",
            "-Q",
            env["CELERY_TASK_DEFAULT_QUEUE"],
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=logs["celery"],
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_http(f"{base_url}/")
        from tests.firma.conftest import make_pdf

        # Warm-up, not measured: each gunicorn worker imports and renders once (templates,
        # WeasyPrint's fonts, the seal key) — a city's sede has been up for a while.
        warm = Recorder()
        warmers = [
            threading.Thread(target=_citizen, args=(base_url, key, nif, name, 1, warm, make_pdf))
            for key, nif, name in warm_citizens
        ]
        for t in warmers:
            t.start()
        for t in warmers:
            t.join()
        if warm.errors:
            raise SystemExit(f"warm-up failed: {warm.errors[:5]}")
        first_new = Presentacion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

        rec = Recorder()
        stop = threading.Event()
        staff_threads = [
            threading.Thread(target=_staff, args=(base_url, key, stop, rec))
            for key, _n, _m in staff
        ]
        results: list[list[str]] = []

        def citizen(key, nif, name):
            results.append(_citizen(base_url, key, nif, name, args.filings, rec, make_pdf))

        citizen_threads = [threading.Thread(target=citizen, args=c) for c in citizens]
        profiling = os.environ.get("BENCH_PROFILE_DIR")
        if profiling:  # the wrapper records from now on (not the warm-up)
            for old in Path(profiling).glob("*"):
                old.unlink()
            (Path(profiling) / "on").touch()
        meter = CpuMeter({"gunicorn": gunicorn.pid, "celery": worker.pid})
        cpu_before = meter.sample()
        load_began = time.perf_counter()
        for t in staff_threads + citizen_threads:
            t.start()
        for t in citizen_threads:
            t.join()
        stop.set()
        for t in staff_threads:
            t.join()
        wall = time.perf_counter() - load_began
        cpu_spent = meter.spent(cpu_before, meter.sample())
        if profiling:
            (Path(profiling) / "on").unlink()

        # Every filing of the run: exactly one sealed receipt (the worker may still be busy).
        new = Presentacion.objects.filter(pk__gt=first_new).select_related("asiento")
        expected = args.citizens * args.filings
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            pending = [p for p in new.all() if not p.asiento.is_sealed]
            if not pending:
                break
            time.sleep(0.2)
        sealed_after = time.perf_counter() - load_began - wall
        problems = []
        filings = list(new.all())
        if len(filings) != expected:
            problems.append(f"{len(filings)} filings registered, {expected} expected")
        for p in filings:
            a = p.asiento
            if not a.is_sealed or not a.justificante_version_id or not a.justificante_csv:
                problems.append(f"{a.numero}: no sealed receipt")
                continue
            documents = Documento.objects.filter(name=receipt_filename(a)).count()
            if documents != 1:
                problems.append(f"{a.numero}: {documents} receipt documents")
        requests_done = len(rec.timings)
        cpus = os.cpu_count() or 1
        return {
            "rows": rows,
            "loaded_s": round(loaded, 1),
            "requests": requests_done,
            "wall_s": round(wall, 2),
            "throughput_per_cpu": requests_done / wall / cpus,
            "cpus": cpus,
            "p50": pct(rec.timings, 0.50),
            "p95": pct(rec.timings, 0.95),
            "p99": pct(rec.timings, 0.99),
            "errors": len(rec.errors) + len(problems),
            "error_samples": (rec.errors + problems)[:10],
            "steps": {
                step: {"n": len(v), "p50": round(pct(v, 0.5)), "p95": round(pct(v, 0.95))}
                for step, v in sorted(rec.by_step.items())
            },
            "filings": len(filings),
            # CPU seconds over the timed window, by role (the Celery worker keeps sealing
            # after it: see "sealed_after_s").
            "cpu_s": cpu_spent,
            "sealed_after_s": round(sealed_after, 1),
            "profile": _profile_summary(profiling) if profiling else None,
        }
    finally:
        for process in (gunicorn, worker):
            process.terminate()
        for process in (gunicorn, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


# --- The parent: two phases, one RESULT line --------------------------------------------


def phase(args, *, database_url: str, rows: int, created: bool) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-carga-"))
    port = _free_port()
    env = production_env(database_url, workdir, port)
    env["BENCH_PORT"] = str(port)
    env["BENCH_WORKDIR"] = str(workdir)
    if created:
        env["BENCH_CREATED_DB"] = "1"
    if args.profile:
        profile_dir = Path(args.profile).resolve() / f"{rows}"
        profile_dir.mkdir(parents=True, exist_ok=True)
        env["BENCH_PROFILE_DIR"] = str(profile_dir)
        env["BENCH_PROFILE_PATHS"] = args.profile_paths
    argv = [
        PYTHON,
        __file__,
        "--phase",
        "--rows",
        str(rows),
        "--citizens",
        str(args.citizens),
        "--filings",
        str(args.filings),
        "--staff",
        str(args.staff),
        "--workers",
        str(args.workers),
    ]
    try:
        out = subprocess.run(
            argv,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,  # noqa: S603
            timeout=args.timeout,
            check=False,
        )
        if out.returncode != 0:
            print(out.stdout[-3000:], out.stderr[-5000:], sep="\n")
            for name in ("gunicorn", "celery"):
                log = workdir / f"{name}.log"
                if log.exists():
                    print(f"--- {name} log (tail)\n" + log.read_text()[-3000:])
            raise SystemExit(f"phase at {rows:,} rows failed")
        line = [x for x in out.stdout.splitlines() if x.startswith("PHASE ")][-1]
        return json.loads(line[len("PHASE ") :])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--citizens", type=int, default=int(os.environ.get("BENCH_CITIZENS", 6)))
    parser.add_argument("--filings", type=int, default=int(os.environ.get("BENCH_FILINGS", 6)))
    parser.add_argument("--staff", type=int, default=2)
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("BENCH_WEB_WORKERS", os.cpu_count() or 2)),
        help="gunicorn sync workers (docs/operations.md: one per core on a shared host)",
    )
    parser.add_argument("--small", type=int, default=int(os.environ.get("BENCH_SMALL_ROWS", 1000)))
    parser.add_argument("--large", type=int, default=int(os.environ.get("BENCH_ROWS", 1_000_000)))
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="record each request's server CPU (and a cProfile of --profile-paths) into DIR; "
        "the figures of such a run are not comparable (profiling costs CPU)",
    )
    parser.add_argument(
        "--profile-paths",
        default=r"/firmar/|/justificante\.pdf$",
        help="regular expression of the paths profiled with cProfile (with --profile)",
    )
    parser.add_argument(
        "--only",
        choices=("small", "large"),
        help="run one phase only (exploring; the RESULT line needs both)",
    )
    args = parser.parse_args()
    if args.phase:
        print("PHASE " + json.dumps(run_phase(args)), flush=True)
        return

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("bench_carga needs PostgreSQL: set DATABASE_URL=postgres://…")
    name = urlsplit(url).path.lstrip("/")
    small_url = _with_database(url, f"{name}_carga")
    large_url = _with_database(url, os.environ.get("BENCH_LARGE_DB", f"{name}_bench_paginas"))
    small = large = None
    if args.only != "large":
        _drop_database(small_url)
        created_small = _ensure_database(small_url)
        try:
            small = phase(args, database_url=small_url, rows=args.small, created=created_small)
        finally:
            _drop_database(small_url)
        print(f"at {small['rows']:,} filings: " + json.dumps(small), flush=True)
    if args.only != "small":
        created_large = _ensure_database(large_url)
        large = phase(args, database_url=large_url, rows=args.large, created=created_large)
        print(f"at {large['rows']:,} filings: " + json.dumps(large), flush=True)
    if small is None or large is None:
        return
    value, baseline = large["throughput_per_cpu"], small["throughput_per_cpu"]
    print(
        f"RESULT carga_throughput_per_cpu value={value:.2f} baseline={baseline:.2f} "
        f"ratio={value / baseline:.2f} p50={large['p50']:.1f}ms p95={large['p95']:.1f}ms "
        f"p99={large['p99']:.1f}ms p95_baseline={small['p95']:.1f}ms "
        f"p95_ratio={large['p95'] / small['p95']:.2f} errors={small['errors'] + large['errors']} "
        f"requests={small['requests'] + large['requests']} rows={large['rows']} "
        # CPU seconds other processes of the machine took during the timed windows.
        f"others_cpu_s={small['cpu_s']['others'] + large['cpu_s']['others']:.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
