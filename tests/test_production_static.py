"""Item 12: the production image served a 500 on every page (`Missing staticfiles manifest
entry`) because the Dockerfile collected static files with DEBUG on. This test collects them
exactly as the Dockerfile does, then renders the citizen pages with DEBUG off and the
production (manifest) storage."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CITIZEN_PAGES = ["/", "/eu/", "/catalogo/", "/identidad/acceso/", "/verificar/", "/eu/verificar/"]


def dockerfile_collectstatic() -> tuple[dict[str, str], list[str]]:
    """The environment and command of the Dockerfile's collectstatic step."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    (line,) = [
        line.strip()[len("RUN ") :]
        for line in text.splitlines()
        if line.strip().startswith("RUN ") and "collectstatic" in line
    ]
    words = shlex.split(line)
    env = {}
    while "=" in words[0] and not words[0].startswith("-"):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    image_env = dict(re.findall(r"(\w+)=(\S+)", re.search(r"^ENV (.*)$", text, re.M).group(1)))
    return {**image_env, **env}, words


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    static_root = tmp_path_factory.mktemp("static")
    env, command = dockerfile_collectstatic()
    assert command[:3] == ["python", "manage.py", "collectstatic"]
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "DJANGO_", "DATABASE_URL", "CELERY_", "REDIS_"))
    }
    result = subprocess.run(
        [sys.executable, *command[1:]],
        cwd=ROOT,
        env={**clean, **env, "STATIC_ROOT": str(static_root)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (static_root / "staticfiles.json").exists(), "no manifest: pages would be a 500"
    return static_root


@pytest.mark.django_db
def test_citizen_pages_render_with_debug_off_after_the_image_collectstatic(
    collected, client, settings
):
    settings.DEBUG = False
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    for url in CITIZEN_PAGES:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        # Hashed names from the manifest (cacheable forever), not the bare file names.
        assert re.search(r"/static/sede/sede\.[0-9a-f]{12}\.css", html), url
