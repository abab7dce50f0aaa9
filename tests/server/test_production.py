"""Production mode (issue 12 part C, finding 9): ``INSPECTIE_ENVIRONMENT=production`` refuses a short or default
identifier key, plain HTTP without a trusted proxy and users that still have the demo password, each with a
message and a non-zero exit; the API documentation needs a beheerder's login there and stays public in
development."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from sync_server.app import create_app
from sync_server.cli import main
from sync_server.config import Settings
from sync_server.seed import DEMO_PASSWORD

KEY = "k" * 32
DOCS = ("/openapi.json", "/docs", "/redoc")


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A data folder in the environment, and ``uvicorn.run`` replaced by a recorder (nothing listens)."""
    monkeypatch.setenv("INSPECTIE_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "ENVIRONMENT", "IDENTIFIER_KEY", "TLS_CERTFILE", "TLS_KEYFILE", "TRUSTED_PROXIES"):
        monkeypatch.delenv(f"INSPECTIE_{name}", raising=False)
    assets = tmp_path / "assets"
    (assets / "templates").mkdir(parents=True)
    (assets / "catalogue").mkdir()
    monkeypatch.setenv("INSPECTIE_ASSETS_DIR", str(assets))
    runs: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: runs.append(options))
    monkeypatch.setattr("sync_server.app.create_served_app", lambda settings: create_app(settings))
    return runs


def _production(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    monkeypatch.setenv("INSPECTIE_ENVIRONMENT", "production")
    monkeypatch.setenv("INSPECTIE_IDENTIFIER_KEY", KEY)
    for name, value in env.items():
        monkeypatch.setenv(f"INSPECTIE_{name.upper()}", value)


def _pem_files(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    cert.write_text("not checked here: uvicorn reads it")
    key.write_text("not checked here: uvicorn reads it")
    return cert, key


@pytest.mark.parametrize("key", ["", "dev-only-not-secret", "x", "a-real-secret-for-this-test", "é" * 15])
def test_production_refuses_a_short_or_default_key(key: str, monkeypatch: pytest.MonkeyPatch, served: list[Any],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _production(monkeypatch, identifier_key=key)
    with pytest.raises(ValidationError, match="INSPECTIE_IDENTIFIER_KEY"):
        Settings()
    assert main(["serve"]) == 2 and main(["migrate"]) == 2  # every command, with a message instead of a traceback
    err = capsys.readouterr().err
    assert "INSPECTIE_IDENTIFIER_KEY" in err and "Traceback" not in err and served == []


def test_a_key_of_32_bytes_and_development_keys_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(environment="production", identifier_key="é" * 16).identifier_key  # 32 bytes in UTF-8
    assert Settings(environment="development", identifier_key="x").identifier_key == "x"


def test_tls_certificate_and_key_go_together(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="INSPECTIE_TLS_KEYFILE"):
        Settings(tls_certfile=tmp_path / "cert.pem")


def test_production_refuses_plain_http(monkeypatch: pytest.MonkeyPatch, served: list[Any],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    _production(monkeypatch)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "plain HTTP" in err and "INSPECTIE_TLS_CERTFILE" in err and "INSPECTIE_TRUSTED_PROXIES" in err
    assert served == []


@pytest.mark.parametrize(("env", "expected"), [({"trusted_proxies": "*"}, "trusts every client"),
                                               ({"trusted_proxies": "127.0.0.1, *"}, "trusts every client"),
                                               ({"tls_certfile": "/nope/cert.pem", "tls_keyfile": "/nope/key.pem"},
                                                "no such file")])
def test_production_refuses_a_proxy_trusting_everyone_and_missing_tls_files(
        env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch, served: list[Any],
        capsys: pytest.CaptureFixture[str]) -> None:
    _production(monkeypatch, **env)
    assert main(["serve"]) == 2
    assert expected in capsys.readouterr().err and served == []


def test_production_refuses_users_with_the_demo_password(monkeypatch: pytest.MonkeyPatch, served: list[Any],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed-demo"]) == 0  # in development
    monkeypatch.setattr("sys.stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    assert main(["create-user", "--username", "echt1", "--role", "beheerder", "--display-name", "Echt",
                 "--password-stdin"]) == 0  # a real user who chose the published password
    _production(monkeypatch, trusted_proxies="127.0.0.1")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "demo password" in err and "inspecteur1" in err and "echt1" in err and "teamleider-vb" in err
    assert served == []


def test_production_starts_over_tls_or_behind_a_trusted_proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               served: list[dict[str, Any]]) -> None:
    assert main(["migrate"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-en-eigen-wachtwoord\n"))
    assert main(["create-user", "--username", "beheer", "--role", "beheerder", "--display-name", "Beheer",
                 "--password-stdin"]) == 0
    cert, key = _pem_files(tmp_path)
    _production(monkeypatch)
    assert main(["serve", "--tls-certfile", str(cert), "--tls-keyfile", str(key)]) == 0
    assert served[-1]["ssl_certfile"] == str(cert) and served[-1]["ssl_keyfile"] == str(key)
    assert served[-1]["proxy_headers"] is False  # no proxy named: no client may state its own address
    _production(monkeypatch, trusted_proxies="127.0.0.1,10.0.0.5")
    assert main(["serve"]) == 0
    assert served[-1]["proxy_headers"] is True and served[-1]["forwarded_allow_ips"] == "127.0.0.1,10.0.0.5"
    assert "ssl_certfile" not in served[-1]


def test_development_keeps_demo_users_and_plain_http(served: list[dict[str, Any]]) -> None:
    assert main(["seed-demo"]) == 0
    assert main(["serve"]) == 0
    assert served == [{"host": "127.0.0.1", "port": 8000, "log_level": "info"}]


@pytest.mark.parametrize("environment", ["development", "production"])
async def test_api_docs_need_a_beheerder_in_production_only(settings: Settings, environment: str) -> None:
    app_settings = settings.model_copy(update={"environment": environment, "identifier_key": KEY})
    app = create_app(app_settings)
    try:
        await _check_docs(app, environment)
    finally:
        app.state.engine.dispose()


async def _check_docs(app: Any, environment: str) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://inspectie.test") as client:
        tokens = {}
        for username in ("beheerder1", "teamleider1"):
            r = await client.post("/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD,
                                                              "device_name": "test"})
            assert r.status_code == 200, r.text
            tokens[username] = {"Authorization": f"Bearer {r.json()['token']}"}
        for path in DOCS:
            anonymous = await client.get(path)
            if environment == "development":
                assert anonymous.status_code == 200, path
                continue
            assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated", path
            assert (await client.get(path, headers=tokens["teamleider1"])).status_code == 403, path
            assert (await client.get(path, headers=tokens["beheerder1"])).status_code == 200, path
        if environment == "production":
            schema = (await client.get("/openapi.json", headers=tokens["beheerder1"])).json()
            assert "/api/v1/sync/push" in schema["paths"]
            page = await client.get("/docs", headers=tokens["beheerder1"])
            assert "/api/v1/sync/push" in page.text  # the schema is inlined: the page works fetched with a token
