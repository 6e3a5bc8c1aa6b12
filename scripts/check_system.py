#!/usr/bin/env python3
"""Check the system libraries and tools ``make demo`` / ``make test`` need, BEFORE installing.

Standard library only (it runs before the virtualenv exists). On a machine that lacks
something it stops at once with the exact Debian/Ubuntu command that installs it — or, run as
root on Debian/Ubuntu, runs that command itself (``--no-install`` only prints it). Exit status
0 when all is there, 1 otherwise.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Requirement:
    what: str  # for the message
    package: str  # Debian/Ubuntu package that provides it
    present: Callable[[], bool]
    required: bool = True


def _library(name: str) -> Callable[[], bool]:
    return lambda: ctypes.util.find_library(name) is not None


def _program(name: str) -> Callable[[], bool]:
    return lambda: shutil.which(name) is not None


def _python_headers() -> bool:
    return (Path(sysconfig.get_paths()["include"]) / "Python.h").exists()


def _venv() -> bool:
    return importlib.util.find_spec("ensurepip") is not None


REQUIREMENTS = [
    Requirement("Python venv module (ensurepip)", "python3-venv", _venv),
    Requirement("C compiler (to build psycopg2)", "build-essential", _program("gcc")),
    Requirement("pkg-config", "pkg-config", _program("pkg-config")),
    Requirement("PostgreSQL client library headers (libpq)", "libpq-dev", _program("pg_config")),
    Requirement("Python headers", "python3-dev", _python_headers),
    Requirement("Pango (PDF receipts, WeasyPrint)", "libpango-1.0-0", _library("pango-1.0")),
    Requirement("PangoFT2 (WeasyPrint)", "libpangoft2-1.0-0", _library("pangoft2-1.0")),
    Requirement("xmlsec1 (SAML signatures, pysaml2)", "xmlsec1", _program("xmlsec1")),
    Requirement(
        "HarfBuzz subsetter (3x faster PDF receipts)",
        "libharfbuzz-subset0",
        _library("harfbuzz-subset"),
        required=False,
    ),
]


def say(text: str, *, err: bool = True) -> None:
    (sys.stderr if err else sys.stdout).write(text + "\n")


def is_debian() -> bool:
    return Path("/etc/debian_version").exists()


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def install_command(packages: list[str]) -> list[str]:
    return ["apt-get", "install", "-y", "--no-install-recommends", *packages]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    missing = [r for r in REQUIREMENTS if not r.present()]
    required = [r for r in missing if r.required]
    for r in missing:
        label = "MISSING" if r.required else "recommended, missing"
        say(f"{label}: {r.what} (Debian/Ubuntu package {r.package})")
    if not required:
        if missing:
            say("Optional: sudo " + " ".join(install_command([r.package for r in missing])))
        say("System libraries: OK", err=False)
        return 0
    packages = [r.package for r in missing]
    command = install_command(packages)
    if "--no-install" not in args and is_root() and is_debian():
        say("Installing: " + " ".join(command))
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(command, check=True)
        return 0 if all(r.present() for r in REQUIREMENTS if r.required) else 1
    say(
        "\nThe demo cannot be installed without them. On Debian or Ubuntu run:\n\n"
        f"    sudo apt-get update && sudo {' '.join(command)}\n\n"
        "then run `make demo` again (run as root, it installs them itself). "
        "Other systems: install the equivalent packages."
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
