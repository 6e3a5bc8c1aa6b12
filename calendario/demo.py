"""Demo data: the 2026 calendar (idempotent; ``make demo`` calls ``load_demo``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from .services import dia_inhabil_import_file

BUNDLED_CSV = Path(__file__).resolve().parent / "data" / "holidays_2026.csv"


def demo_csv_path() -> Path:
    """The shared reference file when present, else the copy shipped with the app."""
    shared_dir = getattr(settings, "SHARED_REFERENCE_DIR", None)
    if shared_dir:
        shared = Path(shared_dir) / "holidays.csv"
        if shared.is_file():
            return shared
    return BUNDLED_CSV


def load_demo() -> None:
    dia_inhabil_import_file(path=demo_csv_path())
