"""CPU per request of ``bench_carga.py``'s request mix, in one process (issue 17 item 17).

The full load test is noisy on a shared machine: this replays the same requests — a citizen
files the instancia general (start, the form steps, an attachment, review, signature by
clave concertada, the receipt page and its PDF) and a member of staff pages through the
registry book — through the whole Django stack (test client, middleware, sessions, CSRF
checks, view, template) with the production settings (DEBUG off, cached template loader),
on PostgreSQL, and reports the CPU time (``time.process_time``) of each step: mean and
median in ms. The receipt is sealed between the signature and its download, outside the
timed requests (the Celery worker's work in production).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bs_NAME \\
     CELERY_BROKER_URL=redis://127.0.0.1:6379/<n> .venv/bin/python -m bench.cpu_carga
Options: --filings 10 (timed, after one warm-up filing) --book 40 (registry book pages)
--profile STEP-REGEX --profile-out FILE (a cProfile of the matching steps).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _environment(workdir: Path) -> None:
    from bench.bench_carga import production_env

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("cpu_carga needs PostgreSQL: set DATABASE_URL=postgres://…")
    env = production_env(url, workdir, 8000)
    env["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    env["CELERY_TASK_DEFAULT_QUEUE"] = f"cpu-carga-{os.getpid()}"  # nobody reads it
    os.environ.update(env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--filings", type=int, default=10)
    parser.add_argument("--book", type=int, default=40)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--profile", default="", help="regex of the steps to cProfile")
    parser.add_argument("--profile-out", default="/tmp/cpu_carga.prof")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cpu-carga-"))
    _environment(workdir)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench import datasets
    from bench.bench_carga import _sessions, _step_of
    from registro.services import justificante_issue
    from sede.models import Presentacion
    from tests.firma.conftest import make_pdf

    call_command("migrate", verbosity=0, interactive=False)
    base = datasets.sede_base()
    datasets.grow_filings(base, args.rows)
    call_command("firma_demo_pki", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    tag = f"cpu{os.getpid()}"
    (citizen_key, nif, name), *_ = _sessions(1, staff=False, tag=tag, first=5000)
    (staff_key, _n, _m), *_ = _sessions(1, staff=True, tag=tag)

    cpu: dict[str, list[float]] = {}
    profiler = cProfile.Profile() if args.profile else None
    wanted = re.compile(args.profile) if args.profile else None
    timing = False

    def call(client: Client, method: str, url: str, expect: int = 200, **kwargs):
        step = _step_of(method, url)
        profile = timing and profiler is not None and wanted.search(step)
        began = time.process_time()
        if profile:
            profiler.enable()
        response = getattr(client, method.lower())(url, **kwargs)
        if profile:
            profiler.disable()
        spent = (time.process_time() - began) * 1000
        if timing:
            cpu.setdefault(step, []).append(spent)
        if response.status_code != expect:
            raise SystemExit(f"{method} {url}: {response.status_code}")
        return response

    # One client (one handler, its middleware loaded once) per user, as a gunicorn worker.
    c = Client(enforce_csrf_checks=True)
    c.cookies["sessionid"] = citizen_key
    s = Client(enforce_csrf_checks=True)
    s.cookies["sessionid"] = staff_key

    def citizen(n: int) -> None:
        call(c, "GET", "/tramites/instancia-general/")
        headers = {"X-CSRFToken": c.cookies["csrftoken"].value}
        r = call(c, "POST", "/tramites/instancia-general/", 302, data={}, headers=headers)
        draft = r["Location"].split("/borrador/")[1].split("/")[0]
        step = f"/tramites/borrador/{draft}/paso"
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
            ),
            (
                "solicitud",
                {
                    "asunto": f"Poda del árbol {n}",
                    "expone": "El árbol tapa la farola.",
                    "solicita": "Que se pode.",
                    "action": "next",
                },
            ),
            ("documentos", {"action": "upload:", "libre-description": "Fotografía"}),
            ("documentos", {"action": "next"}),
            (
                "notificacion",
                {
                    "notificacion-canal": "electronica",
                    "notificacion-email": "carga@example.org",
                    "action": "next",
                },
            ),
            ("confirmar", {"declaracion": "on", "action": "next"}),
        ]
        from django.core.files.uploadedfile import SimpleUploadedFile

        for step_id, data in posts:
            if data.get("action") == "upload:":
                data = {
                    **data,
                    "libre-fichero": SimpleUploadedFile(
                        "foto.pdf", make_pdf(f"{nif}-{n}"), "application/pdf"
                    ),
                }
            call(c, "POST", f"{step}/{step_id}/", 302, data=data, headers=headers)
        call(c, "GET", f"/tramites/borrador/{draft}/revisar/")
        r = call(
            c,
            "POST",
            f"/tramites/borrador/{draft}/firmar/",
            302,
            data={"method": "concertada", "confirmo": "on"},
            headers=headers,
        )
        receipt = r["Location"]
        public_id = receipt.rstrip("/").rsplit("/", 1)[1]
        asiento = Presentacion.objects.select_related("asiento").get(public_id=public_id).asiento
        if not asiento.is_sealed:
            justificante_issue(asiento_id=asiento.pk)  # the worker's job, not timed
        call(c, "GET", receipt)
        pdf = call(c, "GET", receipt.rstrip("/") + "/justificante.pdf")
        if not pdf.content.startswith(b"%PDF-"):
            raise SystemExit("the receipt is not a PDF")

    def staff(pages: int) -> None:
        url = "/registro/libro/"
        for _ in range(pages):
            r = call(s, "GET", url)
            following = re.search(r'href="\?([^"]*c=[^"]+)"', r.content.decode())
            url = (
                f"/registro/libro/?{following.group(1).replace('&amp;', '&')}"
                if following
                else "/registro/libro/"
            )

    citizen(0)  # warm-up: imports, templates, fonts, the seal key
    staff(2)
    timing = True
    for n in range(1, args.filings + 1):
        citizen(n)
        staff(args.book // max(1, args.filings))
    if profiler is not None:
        profiler.dump_stats(args.profile_out)
    total = 0.0
    for step, values in sorted(cpu.items(), key=lambda kv: -sum(kv[1])):
        total += sum(values)
        print(
            f"{step:60s} n={len(values):3d} mean={statistics.fmean(values):7.1f} "
            f"median={statistics.median(values):7.1f} "
            f"p25={statistics.quantiles(values, n=4)[0] if len(values) > 1 else values[0]:7.1f} "
            f"min={min(values):7.1f} ms"
        )
    requests = sum(len(v) for v in cpu.values())
    print(f"TOTAL requests={requests} cpu_mean={total / requests:.1f} ms")
    import redis
    from django.conf import settings

    queue = os.environ["CELERY_TASK_DEFAULT_QUEUE"]  # the queue and kombu's bindings of it
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


if __name__ == "__main__":
    main()
