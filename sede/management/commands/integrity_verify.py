"""``manage.py integrity_verify``: after a restore (docs/operations.md), or at any time, check
that the registry's hash chains, the audit trail's chain and the SHA-256 of every stored
document all verify. Names what is wrong; exit status 1 when anything is."""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from identidad.selectors import audit_chain_first_break
from registro.verify import verify_all


def hashed_file_fields():
    """(model, file field, hash field) for every stored file whose SHA-256 is recorded."""
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        files = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for field in files:
            for candidate in (f"{field.name}_sha256", "sha256" if len(files) == 1 else None):
                if candidate and candidate in names:
                    yield model, field.name, candidate
                    break


def document_hash_problems() -> tuple[int, list[str]]:
    checked, problems = 0, []
    for model, file_field, hash_field in hashed_file_fields():
        rows = model._default_manager.exclude(**{file_field: ""}).values_list(
            "pk", file_field, hash_field
        )
        for pk, name, expected in rows.iterator():
            if not expected:
                continue
            label = f"{model._meta.label} #{pk} ({name})"
            digest = hashlib.sha256()
            try:
                with default_storage.open(name, "rb") as fh:
                    for chunk in iter(lambda: fh.read(1024 * 1024), b""):  # noqa: B023
                        digest.update(chunk)
            except OSError as exc:
                problems.append(f"{label}: missing from storage ({exc})")
                continue
            checked += 1
            if digest.hexdigest() != expected:
                problems.append(f"{label}: SHA-256 differs from the one recorded")
    return checked, problems


class Command(BaseCommand):
    help = "Verify the registry chains, the audit chain and every stored document's SHA-256."

    def handle(self, *args, **options):
        problems = [f"registry chain: {b}" for b in verify_all()]
        broken = audit_chain_first_break()
        if broken is not None:
            problems.append(f"audit trail broken at row #{broken[0]}: {broken[1]}")
        checked, document_problems = document_hash_problems()
        problems += document_problems
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found")
        self.stdout.write(
            self.style.SUCCESS(
                f"Registry chains, audit trail and {checked} stored documents verify."
            )
        )
