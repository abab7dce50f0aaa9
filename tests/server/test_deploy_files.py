"""The deployment files hang together (no Docker engine runs here to try them; deploy/README.md): the image runs as a
non-root user with a health check on /readyz, copies files that exist and installs from the lock file; the compose
file has the server, PostgreSQL and a TLS proxy, configures the server only with documented settings and trusts the
proxy's fixed address; the proxy hides /metrics; the systemd unit empties the metrics folder and runs serve."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.server.test_operations_docs import documented

ROOT = Path(__file__).resolve().parents[2]


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_image_is_non_root_with_a_readiness_check_and_locked_dependencies() -> None:
    text = _dockerfile()
    final = text.rsplit("\nFROM ", 1)[1]
    assert re.search(r"^USER inspectie$", final, re.MULTILINE) and "useradd --system --uid 10001" in final
    assert "HEALTHCHECK" in final and "/readyz" in final
    assert "--require-hashes -r /tmp/requirements.lock" in final and "--no-deps /tmp/wheels/*.whl" in final
    assert all("-slim" in line for line in text.splitlines() if line.startswith("FROM "))


def test_every_copied_path_exists_and_is_not_ignored() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()}
    for line in _dockerfile().splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
                assert source not in ignored and source.split("/")[0] not in ignored, source


def test_compose_runs_server_database_and_tls_proxy() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "server", "proxy"}
    server = services["server"]
    assert server["depends_on"]["db"]["condition"] == "service_healthy"
    env = server["environment"]
    assert env["INSPECTIE_ENVIRONMENT"] == "production" and "@db:5432/" in env["INSPECTIE_DATABASE_URL"]
    assert set(env) <= documented()  # only settings docs/OPERATIONS.md explains
    proxy_ip = services["proxy"]["networks"]["inspectie"]["ipv4_address"]
    assert env["INSPECTIE_TRUSTED_PROXIES"] == proxy_ip
    assert "443:443" in services["proxy"]["ports"] and "ports" not in server  # only the proxy is published
    caddyfile = services["proxy"]["volumes"][0].split(":")[0]
    assert (ROOT / caddyfile).is_file()


def test_proxy_hides_metrics_and_passes_a_request_id() -> None:
    caddy = (ROOT / "deploy" / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    assert "@metrics path /metrics" in caddy and "respond @metrics 404" in caddy
    assert "reverse_proxy server:8000" in caddy and "X-Request-ID" in caddy


def test_systemd_unit() -> None:
    unit = (ROOT / "deploy" / "systemd" / "inspectie.service").read_text(encoding="utf-8")
    assert "User=inspectie" in unit and "EnvironmentFile=/etc/inspectie/inspectie.env" in unit
    assert "PROMETHEUS_MULTIPROC_DIR=/run/inspectie/metrics" in unit and "rm -rf /run/inspectie/metrics" in unit
    assert re.search(r"^ExecStart=\S+/inspectie-server serve ", unit, re.MULTILINE)
    example = (ROOT / "deploy" / "inspectie.env.example").read_text(encoding="utf-8")
    names = set(re.findall(r"^(INSPECTIE_[A-Z0-9_]+)=", example, re.MULTILINE)) - {"INSPECTIE_DOMAIN"}
    assert names <= documented()


def test_caddyfile_validates_where_caddy_is_installed(tmp_path: Path) -> None:
    """``caddy validate`` (Debian's package ``caddy``); skipped on a machine without it."""
    import os
    import shutil
    import subprocess

    import pytest

    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (apt-get install caddy)")
    env = {**os.environ, "INSPECTIE_DOMAIN": "inspectie.example.nl", "HOME": str(tmp_path)}
    result = subprocess.run([caddy, "validate", "--adapter", "caddyfile", "--config",
                             str(ROOT / "deploy" / "caddy" / "Caddyfile")], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "Valid configuration" in result.stdout + result.stderr, result.stderr[-2000:]
