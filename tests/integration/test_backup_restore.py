"""Item 18: the backup and restore procedure of docs/operations.md, run for real: pg_dump of
the database and a copy of the document storage, restored into an EMPTY database and
directory, then ``integrity_verify`` checks the registry chains, the audit chain and every
document's SHA-256 in the restored copy (and names a document altered after the restore)."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from identidad.services import audit_record
from registro.models import AsientoDocumento
from registro.services import DocumentoNuevo
from tests.registro import hostile
from tests.registro.conftest import (  # noqa: F401 - fixtures used below
    oficina_sede,
    urbanismo,
)
from tests.registro.conftest import register as register  # noqa: F401

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the backup test needs PostgreSQL (set DATABASE_URL)")


def pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ, "PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432)}
    env["PGUSER"] = db["USER"] or "postgres"
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def restore_database_name() -> str:
    """<the configured database>_restore_<random>: never another engineer's database."""
    base = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
    return f"{base}_restore_{uuid.uuid4().hex[:8]}"


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, check=False, timeout=600)


def test_a_backup_restored_into_an_empty_database_verifies(
    postgres, register, council_seal, tmp_path
):
    for n in range(2):
        register(
            documentos=[
                DocumentoNuevo(nombre=f"memoria-{n}.pdf", content=hostile.text_pdf(f"M{n}")),
                DocumentoNuevo(nombre=f"nota-{n}.txt", content=f"Nota {n}\n".encode()),
            ]
        )
    audit_record(actor=None, action="backup.test", object_type="test", object_id="1")
    media = Path(settings.MEDIA_ROOT)
    env = pg_env()

    # Backup (docs/operations.md): the database first, then the document storage.
    dump = tmp_path / "sede.dump"
    result = run(
        "pg_dump", "--format=custom", "--no-owner", f"--file={dump}",
        connection.settings_dict["NAME"], env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    archive = tmp_path / "media.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(media, arcname=".")

    # Restore into an empty database and an empty directory.
    restored_db = restore_database_name()
    restored_media = tmp_path / "restored-media"
    assert run("createdb", "-T", "template0", restored_db, env=env).returncode == 0
    try:
        result = run("pg_restore", "--no-owner", f"--dbname={restored_db}", str(dump), env=env)
        assert result.returncode == 0, result.stderr
        restored_media.mkdir()
        with tarfile.open(archive) as tar:
            tar.extractall(restored_media, filter="data")
        db = connection.settings_dict
        url = (
            f"postgres://{env['PGUSER']}{':' + env['PGPASSWORD'] if 'PGPASSWORD' in env else ''}"
            f"@{env['PGHOST']}:{env['PGPORT']}/{restored_db}"
        )
        verify_env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(restored_media),
            "STORAGE_BACKEND": "local",
        }
        verify_env.pop("DJANGO_SETTINGS_MODULE", None)
        verify = [sys.executable, str(ROOT / "manage.py"), "integrity_verify"]
        result = run(*verify, env=verify_env)
        assert result.returncode == 0, result.stderr
        documents = AsientoDocumento.objects.count()
        assert documents == 4
        # Every document (entries' documents and sealed receipts) was re-hashed.
        checked = int(result.stdout.split(" and ")[1].split()[0])
        assert checked >= documents

        # The verification is not vacuous: alter one restored document and it is named.
        doc = AsientoDocumento.objects.order_by("pk").first()
        (restored_media / doc.file.name).write_bytes(b"altered")
        result = run(*verify, env=verify_env)
        assert result.returncode != 0
        assert f"registro.AsientoDocumento #{doc.pk}" in result.stderr
        assert db["NAME"] != restored_db
    finally:
        run("dropdb", "--if-exists", restored_db, env=env)
