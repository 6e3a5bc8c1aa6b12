"""A real streaming replica (issue 10, "beyond one machine"): ``pg_basebackup`` of the CI
PostgreSQL into a temporary directory, started as a hot standby on another port; the
catalogue, ``/verificar/`` and the registry book read from it, sessions and users and every
write go to the primary, and a browser that has just written reads from the primary.

Needs the PostgreSQL server binaries on this machine and a primary that accepts replication
connections from 127.0.0.1 (the test adds that ``pg_hba.conf`` rule for its duration when it
may write the file, as root on CI does, and removes it afterwards). PostgreSQL refuses to run
as root: the standby runs as the ``postgres`` system user (``runuser``)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from bilbao_sede.db_router import PIN_COOKIE, REPLICA, replica_reads

pytestmark = [pytest.mark.integration]

HBA_RULE = "host replication all 127.0.0.1/32 trust  # bilbao-sede test_read_replica\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool as the ``postgres`` user when we are root (it refuses root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603


def _scalar(conn, sql: str, params=None):
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _replication_allowed(conn) -> bool:
    return bool(
        _scalar(
            conn,
            "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) "
            "AND type = 'host' AND (address IS NULL OR address IN ('127.0.0.1', 'all'))",
        )
    )


def _base_backup(bindir: Path, host: str, primary: dict, data: Path, slot: str):
    """A copy of the primary set up as its standby (-R), with a replication slot so the
    primary keeps the WAL the standby has not received yet, however busy it is."""
    return _as_postgres(
        [
            str(bindir / "pg_basebackup"),
            "-h",
            host,
            "-p",
            str(primary.get("PORT") or 5432),
            "-U",
            primary.get("USER") or "postgres",
            "-D",
            str(data),
            "-X",
            "stream",
            "-R",
            "--checkpoint=fast",
            "--create-slot",
            f"--slot={slot}",
        ],
        env={**os.environ, "PGPASSWORD": primary.get("PASSWORD") or ""},
        timeout=900,
    )


def _drop_slot(slot: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
            "WHERE slot_name = %s AND NOT active",
            [slot],
        )


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    """(port) of a hot standby streaming from the test database's PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL (set DATABASE_URL)")
    primary = connection.settings_dict
    host = primary.get("HOST") or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost"):
        pytest.skip(f"the primary at {host} is not on this machine: cannot start its replica")
    with django_db_blocker.unblock():
        major = int(_scalar(connection, "SHOW server_version_num")) // 10000
        # A hot standby needs at least the primary's value of these.
        standby_minimums = {
            name: _scalar(connection, f"SHOW {name}")
            for name in (
                "max_connections",
                "max_worker_processes",
                "max_wal_senders",
                "max_prepared_transactions",
                "max_locks_per_transaction",
            )
        }
        hba_file = Path(_scalar(connection, "SHOW hba_file"))
        added_rule = False
        if not _replication_allowed(connection):
            if not os.access(hba_file, os.W_OK):
                pytest.skip(
                    f"{hba_file} allows no replication connection from 127.0.0.1 and this "
                    f"user may not add one ({HBA_RULE.split('#')[0].strip()})"
                )
            with hba_file.open("a") as fh:
                fh.write(HBA_RULE)
            added_rule = True
            _scalar(connection, "SELECT pg_reload_conf()")
            time.sleep(0.5)
    bindir = Path(f"/usr/lib/postgresql/{major}/bin")
    postgres_bin = bindir / "postgres"
    if not postgres_bin.exists():
        found = shutil.which("postgres")
        if not found:
            pytest.skip(f"no PostgreSQL {major} server binary (looked in {bindir} and PATH)")
        postgres_bin, bindir = Path(found), Path(found).parent
    try:
        owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    except KeyError:
        pytest.skip("running as root and there is no 'postgres' user to run the standby")
    # Its own directory under the system temporary directory, owned by the user who runs
    # the standby (pytest's temporary directories are private to root).
    workdir = Path(tempfile.mkdtemp(prefix="bilbao-sede-replica-"))
    data = workdir / "data"
    data.mkdir(mode=0o700)
    if owner is not None:
        for path in (workdir, data):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    slot = f"bilbao_sede_test_{os.getpid()}"
    process = None
    try:
        for _attempt in range(3):  # a busy shared server may cut one replication stream
            with django_db_blocker.unblock():
                _drop_slot(slot)
            backup = _base_backup(bindir, host, primary, data, slot)
            if backup.returncode == 0:
                break
            time.sleep(2)
        assert backup.returncode == 0, f"pg_basebackup failed: {backup.stderr}"
        (data / "postgresql.conf").write_text(
            f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{data}'\nhot_standby = on\nfsync = off\n"
            "shared_buffers = 32MB\n"
            + "".join(f"{name} = {value}\n" for name, value in standby_minimums.items())
        )
        (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        (data / "pg_ident.conf").write_text("")
        if owner is not None:
            for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
                os.chown(data / name, owner.pw_uid, owner.pw_gid)
        args = [str(postgres_bin), "-D", str(data)]
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--", *args]
        log = (workdir / "standby.log").open("w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready = subprocess.run(  # noqa: S603
                [str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-q"],
                check=False,
            )
            if ready.returncode == 0:
                break
            assert process.poll() is None, (workdir / "standby.log").read_text()
            time.sleep(0.3)
        else:
            pytest.fail("the standby did not start: " + (workdir / "standby.log").read_text())
        yield port, workdir / "standby.log"
    finally:
        if process is not None:
            process.terminate()  # SIGTERM: smart shutdown of a standby is immediate enough
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        with django_db_blocker.unblock():
            _drop_slot(slot)
        if added_rule:
            text = hba_file.read_text().replace(HBA_RULE, "")
            hba_file.write_text(text)
            with django_db_blocker.unblock():
                _scalar(connection, "SELECT pg_reload_conf()")


@pytest.fixture
def replica_alias(standby, transactional_db):
    """The ``replica`` database alias pointed at the standby, for this test."""
    port, log = standby
    connections.settings[REPLICA] = {
        **connection.settings_dict,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "TEST": {"MIRROR": "default"},
    }
    try:
        replica = connections[REPLICA]
        # Connect now: Django's test case refuses to open connections of aliases it was not
        # told about, but lets an open one be used.
        replica.connect()
        replica.standby_log = log
        yield replica
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _wait_for_replay(replica) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    target = _scalar(connection, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + 180  # generous: CI may be busy writing other databases
    while time.monotonic() < deadline:
        done = _scalar(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
        if done:
            return
        time.sleep(0.2)
    receiver = _scalar(replica, "SELECT count(*) FROM pg_stat_wal_receiver")
    pytest.fail(
        f"the standby did not catch up within 180 s (WAL receivers: {receiver}):\n"
        + replica.standby_log.read_text()[-3000:]
    )


def _touching(captured, table: str) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if f'"{table}"' in q["sql"]]


def _writes(captured) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith(verbs)]


def test_lag_tolerant_pages_read_from_the_standby_and_writes_never_go_there(replica_alias, client):
    from bench import datasets
    from identidad.models import User
    from procedimientos.models import Procedimiento

    replica = replica_alias
    assert _scalar(replica, "SELECT pg_is_in_recovery()") is True  # a real standby
    base = datasets.sede_base()
    datasets.load_filings(base, citizens=3)
    _wait_for_replay(replica)
    title = Procedimiento.objects.get(pk=base.procedimiento_id).title_es

    # The catalogue: procedures from the standby.
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        response = client.get("/catalogo/", {"q": "instancia"})
    assert response.status_code == 200 and title in response.content.decode()
    assert _touching(on_replica, "procedimientos_procedimiento")
    assert not _touching(on_primary, "procedimientos_procedimiento")

    # CSV verification: the look-up goes to the standby (a well-formed unknown code: 404).
    from firma.csv import csv_format, csv_generate

    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(f"/verificar/{csv_format(csv_generate())}/").status_code == 404
    assert _touching(on_replica, "firma_documentoversion")

    # The registry book: entries from the standby; the session and the user from the primary.
    client.force_login(User.objects.get(pk=base.staff_id))
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        response = client.get("/registro/libro/")
    assert response.status_code == 200 and "2017/E/" in response.content.decode()
    assert _touching(on_replica, "registro_asiento")
    assert not _touching(on_primary, "registro_asiento")
    assert _touching(on_primary, "django_session") and not _touching(on_replica, "django_session")

    # Pages outside the list read the primary only.
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/mi-carpeta/").status_code == 200
    assert not on_replica.captured_queries

    # After this browser writes (any POST), it reads from the primary for a while.
    client.post("/i18n/setlang/", {"language": "es", "next": "/catalogo/"})
    assert PIN_COOKIE in client.cookies
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/registro/libro/").status_code == 200
    assert not on_replica.captured_queries

    # A write inside a replica-reading block goes to the primary, and so does what follows.
    with CaptureQueriesContext(replica) as on_replica, replica_reads():
        assert Procedimiento.objects.filter(pk=base.procedimiento_id).exists()
        Procedimiento.objects.filter(pk=base.procedimiento_id).update(title_es="Renombrado")
        assert Procedimiento.objects.get(pk=base.procedimiento_id).title_es == "Renombrado"
    assert len(on_replica.captured_queries) == 1  # the first read only
    assert not _writes(on_replica)
    # And the standby itself refuses writes: nothing could have been written there.
    with pytest.raises(Exception, match="read-only"), replica.cursor() as cursor:
        cursor.execute("UPDATE procedimientos_procedimiento SET title_es = 'x'")
