"""Integration tests: PostgreSQL, Redis and a real Celery worker in its own process.

They run when CELERY_BROKER_URL points at a reachable broker and the database is PostgreSQL
(as `.ci/run` sets up); elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from bilbao_sede.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def _broker_reachable(url: str) -> bool:
    try:
        with celery_app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False


@pytest.fixture(scope="session")
def broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url:
        pytest.skip("CELERY_BROKER_URL is not set: integration tests need Redis (see .ci/run)")
    if not _broker_reachable(url):
        pytest.skip(f"broker {url} is not reachable")
    return url


def _test_database_url() -> str:
    original = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(original._replace(path="/" + connection.settings_dict["NAME"]))


class CeleryWorker:
    """A `celery worker` process on a private queue; calling it is ``wait_for``.

    ``worker(predicate, timeout=60)`` polls until the worker's effect shows. ``kill()`` sends
    SIGKILL (a worker lost mid-task) and ``start()`` starts a fresh process on the same queue.
    """

    def __init__(self, *, queue: str, env: dict[str, str], log_path: Path) -> None:
        self.queue = queue
        self.env = env
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "bilbao_sede",
                "worker",
                "-Q",
                self.queue,
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.queue}@%h",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no cleanup, no ack, no reject — as when the OOM killer or a crash hits."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=20)

    def __call__(self, predicate: Callable[[], object], timeout: float = 60) -> object:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            if self.process is None or self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.log.flush()
        output = self.log_path.read_text()[-3000:]
        raise AssertionError(f"the Celery worker did not do the work in {timeout}s:\n{output}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def _worker_env(*, broker_url: str, queue: str) -> dict[str, str]:
    """The environment of a worker process: the test database, the broker, its queue."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bilbao_sede.settings.base",
        "DEBUG": "true",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }


@pytest.fixture
def celery_worker(transactional_db, broker_url) -> Iterator[CeleryWorker]:
    """Start `celery worker` as a separate process on a private queue against the test DB.

    Yields a :class:`CeleryWorker`: ``celery_worker(predicate, timeout=60)`` polls until the
    worker's effect shows (``.kill()`` and ``.start()`` for worker-loss tests).
    """
    if connection.vendor != "postgresql":
        pytest.skip("integration tests need PostgreSQL (the worker shares the test database)")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = _worker_env(broker_url=broker_url, queue=queue)
    worker = CeleryWorker(
        queue=queue, env=env, log_path=Path(settings.MEDIA_ROOT).parent / f"worker-{queue}.log"
    )
    worker.start()
    previous = {
        k: celery_app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")
    }
    celery_app.conf.update(task_always_eager=False, broker_url=broker_url, task_default_queue=queue)
    try:
        yield worker
    finally:
        celery_app.conf.update(previous)
        worker.stop()


# --- Fault tests: a private Redis this test may stop, and a broker to point at -----------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A ``redis-server`` of this test's own on a free port (never the shared one): the
    fault tests stop and restart it. No persistence, like a Redis restarted empty."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import shutil
        import socket

        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(  # noqa: S603
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def use_broker(url: str) -> None:
    """Point this process's publisher at ``url``: every connection and producer pool is
    rebuilt. kombu keeps producer pools in a process-wide registry keyed by broker URL, so
    closing only the app's own pool would leave that registry handing out a closed pool the
    next time the same URL is used ("Acquire on closed pool")."""
    from kombu import pools

    celery_app.conf.update(
        broker_url=url, broker_write_url=url, broker_read_url=url, result_backend=url
    )
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    pools.reset()
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None  # the result backend is rebuilt for ``url`` too
    celery_app._local.__dict__.pop("backend", None)


def start_worker(
    *, broker_url: str, log_dir: Path, extra_env: dict[str, str] | None = None
) -> CeleryWorker:
    """A `celery worker` process against the test database and ``broker_url``."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **_worker_env(broker_url=broker_url, queue=queue),
        "CELERY_RESULT_BACKEND": broker_url,
        **(extra_env or {}),
    }
    worker = CeleryWorker(queue=queue, env=env, log_path=log_dir / f"worker-{queue}.log")
    worker.start()
    return worker


class TcpProxy:
    """A TCP proxy to PostgreSQL in a thread: the test's connection goes through it, and
    ``kill()`` cuts every connection at once and stops listening — the database "goes away"
    for this process without stopping the shared server. ``ports`` are the local ports of
    the proxy's upstream connections (``pg_stat_activity.client_port`` of its sessions)."""

    def __init__(self, target: tuple[str, int]) -> None:
        import threading

        self.target = target
        self.port = free_port()
        self.ports: list[int] = []
        self._server = None
        self._sockets: list = []
        self._lock = threading.Lock()
        self._killed = threading.Event()

    def start(self) -> None:
        import socket
        import threading

        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(16)
        self._server = server
        self._killed.clear()
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server) -> None:
        import socket
        import threading

        while True:
            try:
                client, _addr = server.accept()
            except OSError:
                return
            if self._killed.is_set():
                client.close()
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, upstream]
                self.ports.append(upstream.getsockname()[1])
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.close()

    def kill(self) -> None:
        import socket

        self._killed.set()
        if self._server is not None:
            with contextlib.suppress(OSError):  # wakes the thread blocked in accept()
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
