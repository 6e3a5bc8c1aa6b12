"""Create the document storage if it does not exist yet (run by the ``migrate`` role).

``python -m bilbao_sede.storage_init``: with ``STORAGE_BACKEND=s3`` the bucket ``S3_BUCKET`` is
created when missing (MinIO or any S3-compatible service); with ``local``, ``MEDIA_ROOT``.
Idempotent: running it again changes nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any


def storage_init() -> str:
    from django.conf import settings
    from django.core.files.storage import default_storage

    if settings.STORAGE_BACKEND == "local":
        Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        return f"MEDIA_ROOT {settings.MEDIA_ROOT} ready"
    from botocore.exceptions import ClientError

    storage: Any = default_storage  # storages.backends.s3.S3Storage
    client = storage.connection.meta.client
    bucket = storage.bucket_name
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError:
        client.create_bucket(Bucket=bucket)
        return f"bucket {bucket} created"
    return f"bucket {bucket} ready"


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilbao_sede.settings.base")
    django.setup()
    sys.stdout.write(storage_init() + "\n")
