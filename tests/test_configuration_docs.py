"""docs/configuration.md lists every environment variable the settings read, and
docker-compose.yml agrees with the settings and the Makefile."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ENV_CALL = re.compile(r"env_(?:str|bool|int|list|choice|required)\(\s*\"([A-Z0-9_]+)\"", re.S)


def _settings_variables() -> set[str]:
    source = (ROOT / "bilbao_sede" / "settings" / "base.py").read_text()
    return set(ENV_CALL.findall(source))


def test_every_environment_variable_is_documented():
    documented = set(
        re.findall(r"^\| `([A-Z0-9_]+)`", (ROOT / "docs" / "configuration.md").read_text(), re.M)
    )
    missing = _settings_variables() - documented
    assert not missing, f"document these in docs/configuration.md: {sorted(missing)}"


def test_compose_runs_every_production_role_with_known_variables():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "minio", "web", "worker", "beat"} <= services.keys()
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "bilbao_sede", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "bilbao_sede", "beat"]
    known = _settings_variables()
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DEBUG"] == "false"
        assert set(env) <= known, f"{name} sets variables the settings never read"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:")


def test_the_makefile_offers_the_readme_commands():
    makefile = (ROOT / "Makefile").read_text()
    readme = (ROOT / "README.md").read_text()
    for target in ("demo", "test", "bench"):
        assert re.search(rf"^{target}:", makefile, re.M)
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_compose_operations_health_one_beat_bucket_and_seal():
    """Item 18: healthchecks, the roles start when their services are healthy and the
    migration (which creates the bucket) has finished, the seal keystore is mounted, one beat."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("postgres", "redis", "minio", "web", "worker"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "bilbao_sede.storage_init" in " ".join(services["migrate"]["command"])
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"
        pki = services[name]["environment"]["FIRMA_PKI_DIR"]
        assert any(v.endswith(f":{pki}:ro") for v in services[name]["volumes"])
    assert services["beat"]["container_name"]  # a fixed name: it cannot be scaled to two
    assert services["beat"]["deploy"]["replicas"] == 1


def test_make_test_runs_the_type_check_on_every_app():
    """Item 20: mypy with django-stubs gates `make test`; known errors live in the baseline."""
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*\btypecheck\b", makefile, re.M)
    targets = re.search(r"MYPY_TARGETS := (.*?)\n\n", makefile, re.S).group(1).replace("\\", " ")
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps <= set(targets.split()), "every app is type-checked"
    assert "mypy-baseline filter" in makefile
    assert (ROOT / "mypy-baseline.txt").exists()
