"""A second registry office for the exchange tests and the benchmark: this same code served by
gunicorn on another port with its own PostgreSQL database (``<test database>_peer`` or a
given name), reached over HTTP by the local peer transport (``registro.sir.backends.local``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import requests

ROOT = Path(__file__).resolve().parents[2]

PEER_CODE = "O00088888"  # the peer's registry office
PEER_UNIT = "A16003011"  # the peer's unit (its own DIR3)
PEER_TOKEN = "peer-inbound-token-for-tests-0123456789"
PEER_CLERK_TOKEN = "0123456789abcdef0123456789abcdef01234567"

SEED = f"""
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from identidad.constants import TipoUnidad
from identidad.models import Unidad, User
from identidad.roles import Role
from registro.constants import TipoOficina
from registro.models import Oficina
unidad, _ = Unidad.objects.get_or_create(
    dir3="{PEER_UNIT}", defaults={{"name_es": "Gobierno Vasco (par)", "kind": TipoUnidad.ENTIDAD}})
oficina, _ = Oficina.objects.get_or_create(code="{PEER_CODE}", defaults={{
    "name_es": "Oficina de registro par", "kind": TipoOficina.SEDE, "unidad": unidad}})
clerk, _ = User.objects.get_or_create(username="peer-clerk", defaults={{"is_staff": True}})
clerk.groups.add(Group.objects.get(name=Role.REGISTRY_CLERK.value))
clerk.unidades.add(unidad)
oficina.personal.add(clerk)
Token.objects.get_or_create(user=clerk, defaults={{"key": "{PEER_CLERK_TOKEN}"}})
"""

# Tables of the exchange, emptied between tests (the peer's entries and counters stay).
EXCHANGE_TABLES = (
    "registro_intercambioevento",
    "registro_intercambiofichero",
    "registro_intercambio",
    "registro_contadorintercambio",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(base_url: str, name: str) -> str:
    return urlunsplit(urlsplit(base_url)._replace(path="/" + name))


def ensure_database(base_url: str, name: str) -> None:
    conn = psycopg2.connect(database_url(base_url, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


class Peer:
    """The peer instance: ``start()``, ``stop()``, ``sql(...)`` on its database."""

    def __init__(
        self,
        *,
        db_url: str,
        our_code: str,
        our_url: str,
        our_token: str,
        workdir: Path,
        extra_env: dict[str, str] | None = None,
        workers: int = 2,
        wsgi: str = "bilbao_sede.wsgi:application",
    ) -> None:
        self.db_url = db_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.inbound = f"{self.url}/api/registro/sir/mensajes/"
        self.workdir = workdir
        self.workers = workers
        self.wsgi = wsgi
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bilbao_sede.settings.base",
            "DEBUG": "true",
            "DATABASE_URL": db_url,
            "CELERY_BROKER_URL": "",  # eager: its deliveries run after each commit
            "REDIS_URL": "",
            "MEDIA_ROOT": str(workdir / "media"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "REGISTRO_SIR_PEERS": json.dumps(
                {our_code: {"url": our_url, "token": our_token}} if our_code else {}
            ),
            "REGISTRO_SIR_INBOUND_TOKEN": PEER_TOKEN,
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "peer.log"

    def manage(self, *args: str) -> None:
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def prepare(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("shell", "-c", SEED)

    def start(self) -> None:
        log = open(self.log_path, "a")  # noqa: SIM115 - owned by the process
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                self.wsgi,
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                str(self.workers),
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(self.inbound, timeout=15)
                return
            except requests.RequestException:
                if self.process.poll() is not None:
                    break
                time.sleep(0.3)
        raise RuntimeError(f"peer did not start:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def sql(self, query: str, params=()) -> list[tuple]:
        conn = psycopg2.connect(self.db_url)
        try:
            with conn, conn.cursor() as cur:
                cur.execute(query, params)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()

    def reset_exchanges(self) -> None:
        self.sql(f"TRUNCATE {', '.join(EXCHANGE_TABLES)}")

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(
            method,
            f"{self.url}/api/registro/sir/{path}",
            headers={"Authorization": f"Token {PEER_CLERK_TOKEN}"},
            timeout=60,
            **kwargs,
        )

    def post_message(self, data: bytes) -> requests.Response:
        return requests.post(
            self.inbound,
            data=data,
            headers={
                "Content-Type": "application/xml",
                "Authorization": f"Bearer {PEER_TOKEN}",
            },
            timeout=60,
        )
