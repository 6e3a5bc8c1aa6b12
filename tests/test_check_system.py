"""Item 19: `make demo` checks the system libraries first; on a machine that lacks them it
stops at once with the exact Debian/Ubuntu install command (or installs them as root there)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check_system.py"


@pytest.fixture
def check():
    spec = importlib.util.spec_from_file_location("check_system", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_system"] = module
    spec.loader.exec_module(module)
    return module


def test_this_machine_has_what_the_demo_needs():
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "System libraries: OK" in result.stdout


def test_a_machine_without_pango_and_xmlsec1_gets_the_exact_apt_command(check, monkeypatch, capsys):
    monkeypatch.setattr(check.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(check.shutil, "which", lambda name: None if name == "xmlsec1" else "/x")
    monkeypatch.setattr(check, "is_root", lambda: False)
    assert check.main([]) == 1
    err = capsys.readouterr().err
    assert "MISSING: Pango" in err and "MISSING: xmlsec1" in err
    command = re.search(r"sudo apt-get update && sudo (apt-get install .*)", err).group(1)
    assert command.split() == [
        "apt-get", "install", "-y", "--no-install-recommends",
        "libpango-1.0-0", "libpangoft2-1.0-0", "xmlsec1", "libharfbuzz-subset0",
    ]  # fmt: skip


def test_as_root_on_debian_it_installs_them(check, monkeypatch):
    state = {"installed": False}
    monkeypatch.setattr(
        check.ctypes.util, "find_library", lambda name: "lib" if state["installed"] else None
    )
    monkeypatch.setattr(check, "is_root", lambda: True)
    monkeypatch.setattr(check, "is_debian", lambda: True)
    ran = []

    def fake_run(command, check):
        ran.append(command)
        if command[:2] == ["apt-get", "install"]:
            state["installed"] = True

    monkeypatch.setattr(check.subprocess, "run", fake_run)
    assert check.main([]) == 0
    assert ran[0] == ["apt-get", "update"]
    assert "libpango-1.0-0" in ran[1]


def test_the_makefile_checks_before_installing():
    makefile = (ROOT / "Makefile").read_text()
    installed = makefile.split("$(VENV)/.installed: pyproject.toml\n", 1)[1]
    assert installed.splitlines()[0].strip() == "$(PYTHON) scripts/check_system.py"
    assert re.search(r"^demo: system-check ", makefile, re.M)
