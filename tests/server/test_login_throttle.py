"""The login rate limit holds (issue 12, finding 2), on SQLite and PostgreSQL: one normalisation of the username for
the lookup, the throttle and the audit trail, so whitespace, case and Unicode variants share one counter; limits
per account and per client address kept in the database, so they hold after a restart and across two app instances
at once; the right password during a lockout is refused; a success forgets only its own address's failures; failed
and successful logins are audited; the throttle's table stays bounded.

Each test logs in through its own app instance (``httpx.ASGITransport``) with its own client address, so the tests
in this module never share an account or an address counter."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from sync_server.app import create_app
from sync_server.auth import service
from sync_server.auth.models import LoginFailure, User
from sync_server.auth.ratelimit import LoginThrottle, address_key
from sync_server.auth.schemas import Role
from sync_server.auth.usernames import normalise
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.errors import ApiError
from sync_server.review.models import AuditEntry
from sync_server.tenancy.service import DEFAULT_TEAM_ID

PASSWORD = "goed-wachtwoord-12"
URL = "http://server.test"


def _user(settings: Settings) -> str:
    name = f"throttle{uuid.uuid4().hex[:8]}"
    in_transaction(settings, lambda s: service.create(session=s, username=name, password=PASSWORD,
                                                      role=Role.INSPECTEUR, display_name="T", team_id=DEFAULT_TEAM_ID))
    return name


def _address() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


@pytest.fixture
async def apps(settings: Settings) -> AsyncIterator[list[FastAPI]]:
    """Two app instances on the module's database (two workers, or one server before and after a restart)."""
    made = [create_app(settings), create_app(settings)]
    yield made
    for app in made:
        app.state.engine.dispose()


def _client(app: FastAPI, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url=URL)


async def _login(app: FastAPI, address: str, username: str, password: str) -> httpx.Response:
    async with _client(app, address) as http:
        return await http.post("/api/v1/auth/login", json={"username": username, "password": password})


def _assert_limited(r: httpx.Response, settings: Settings) -> None:
    assert r.status_code == 429, r.text
    assert r.json()["code"] == "login_rate_limited" and r.json()["message"]
    assert 1 <= int(r.headers["Retry-After"]) <= settings.login_window_seconds


def test_one_normalisation() -> None:
    for variant in ("inspecteur2", "inspecteur2 ", "\tinspecteur2", "inspecteur2\n", "INSPECTEUR2", " Inspecteur2\r\n",
                    "ｉｎｓｐｅｃｔｅｕｒ２", "inspecteur2\u00a0", "\u3000inspecteur2"):
        assert normalise(variant) == "inspecteur2", repr(variant)
    for refused in ("", "   ", "insp\tecteur2", "insp\u200becteur2", "inspecteur2\u202e", "insp\x7fecteur2",
                    "x" * 101):
        assert normalise(refused) is None, repr(refused)
    assert normalise("Straße") == normalise("STRASSE") == "strasse"


def test_a_new_user_is_stored_normalised(settings: Settings) -> None:
    name = f"Nieuw{uuid.uuid4().hex[:6]}"
    user = in_transaction(settings, lambda s: service.create(session=s, username=f" {name.upper()}\t", password="x",
                                                             role=Role.PLANNER, display_name="N",
                                                             team_id=DEFAULT_TEAM_ID))
    assert user.username == name.lower()
    with pytest.raises(ApiError) as refused:
        in_transaction(settings, lambda s: service.create(session=s, username="nie\u200buw", password="x",
                                                          role=Role.PLANNER, display_name="N",
                                                          team_id=DEFAULT_TEAM_ID))
    assert refused.value.code == "username_invalid"
    with pytest.raises(ApiError) as taken:
        in_transaction(settings, lambda s: service.create(session=s, username=name.upper(), password="x",
                                                          role=Role.PLANNER, display_name="N",
                                                          team_id=DEFAULT_TEAM_ID))
    assert taken.value.code == "username_taken"


async def test_variants_share_one_counter_and_the_right_password_is_refused(apps: list[FastAPI],
                                                                          settings: Settings) -> None:
    name, address = _user(settings), _address()
    variants = [f"{name} ", f"\t{name}", name.upper(), f"{name}\n", "".join(chr(ord(c) + 0xFEE0) for c in name)]
    codes = [(await _login(apps[0], address, v, "fout")).status_code for v in variants]
    assert codes == [401] * settings.login_max_failures
    for variant in (name, f"{name}\n", f" {name.upper()} "):
        _assert_limited(await _login(apps[0], address, variant, PASSWORD), settings)


async def test_the_limit_holds_after_a_restart(apps: list[FastAPI], settings: Settings) -> None:
    name, address = _user(settings), _address()
    for _ in range(settings.login_max_failures):
        assert (await _login(apps[0], address, name, "fout")).status_code == 401
    apps[0].state.engine.dispose()  # the first server stops; a new process starts on the same database
    restarted = create_app(settings)
    try:
        _assert_limited(await _login(restarted, address, name, PASSWORD), settings)
    finally:
        restarted.state.engine.dispose()


async def test_two_app_instances_share_the_limit(apps: list[FastAPI], settings: Settings) -> None:
    name, address = _user(settings), _address()
    codes = [(await _login(apps[i % 2], address, name, "fout")).status_code
             for i in range(settings.login_max_failures)]
    assert codes == [401] * settings.login_max_failures
    _assert_limited(await _login(apps[1], address, name, PASSWORD), settings)
    _assert_limited(await _login(apps[0], address, name, PASSWORD), settings)


async def test_concurrent_guesses_on_two_instances_never_pass_the_limit(apps: list[FastAPI],
                                                                        settings: Settings) -> None:
    name, address = _user(settings), _address()
    tries = 3 * settings.login_max_failures
    replies = await asyncio.gather(*(_login(apps[i % 2], address, name, "fout") for i in range(tries)))
    codes = sorted(r.status_code for r in replies)
    checked = codes.count(401)  # attempts whose password was checked: never more than the limit (maybe none:
    assert checked <= settings.login_max_failures and codes.count(429) == tries - checked, codes  # all refused)
    left = settings.login_max_failures - checked  # the refused ones did not count: the rest of the limit is left
    after = [(await _login(apps[i % 2], address, name, "fout")).status_code for i in range(left + 1)]
    assert after == [401] * left + [429]


async def test_per_address_limit(apps: list[FastAPI], settings: Settings) -> None:
    name, address, other = _user(settings), _address(), _address()
    for i in range(settings.login_max_failures_per_address):  # password spraying: each name tried once
        assert (await _login(apps[0], address, f"ghost{i}-{uuid.uuid4().hex[:6]}", "fout")).status_code == 401
    _assert_limited(await _login(apps[0], address, name, PASSWORD), settings)
    assert (await _login(apps[0], other, name, PASSWORD)).status_code == 200  # the account itself is fine


async def test_a_success_does_not_reset_another_address(apps: list[FastAPI], settings: Settings) -> None:
    name, attacker, owner = _user(settings), _address(), _address()
    for _ in range(settings.login_max_failures - 1):
        assert (await _login(apps[0], attacker, name, "fout")).status_code == 401
    assert (await _login(apps[0], owner, name, PASSWORD)).status_code == 200
    assert (await _login(apps[0], attacker, name, "fout")).status_code == 401  # the last guess left, no more
    _assert_limited(await _login(apps[0], attacker, name, "fout"), settings)


async def test_logins_are_audited(apps: list[FastAPI], settings: Settings) -> None:
    name, address = _user(settings), _address()
    assert (await _login(apps[0], address, f" {name.upper()}", "fout")).status_code == 401
    ok = await _login(apps[0], address, name, PASSWORD)
    assert ok.status_code == 200
    ghost = f"ghost-{uuid.uuid4().hex[:8]}"
    assert (await _login(apps[0], address, ghost, "fout")).status_code == 401

    def entries(s: Any) -> list[tuple[str, str, dict[str, Any]]]:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.object_id.in_([name, ghost])).order_by(AuditEntry.id))
        return [(e.action, e.username, e.detail) for e in rows]

    found = in_transaction(settings, entries)
    assert [(action, username) for action, username, _ in found] == [("login_failed", name), ("login", name)]
    assert found[0][2] == {"address": address, "reason": "login_failed"}
    assert found[1][2] == {"address": address, "device_id": ok.json()["device_id"]}
    assert all(ghost not in str(detail) for _, _, detail in found)  # a name that is no account is never kept


def test_the_table_stays_bounded(settings: Settings) -> None:
    capped = settings.model_copy(update={"login_failures_kept": 100})
    factory = create_app(capped).state.sessionmaker
    start = datetime.now(UTC) + timedelta(days=1)  # after every row of the other tests: those are pruned too
    clock = [start]
    throttle = LoginThrottle(factory, capped, clock=lambda: clock[0])
    for i in range(150):
        throttle.reserve(username=f"spray{i}", address=_address())
    assert in_transaction(settings, lambda s: s.scalar(select(func.count()).select_from(LoginFailure))) == 100
    clock[0] = start + timedelta(seconds=capped.login_window_seconds + 1)
    throttle.reserve(username="later", address=_address())
    assert in_transaction(settings, lambda s: s.scalar(select(func.count()).select_from(LoginFailure))) == 1
    rows = in_transaction(settings, lambda s: list(s.scalars(select(LoginFailure))))
    assert rows[0].account is not None and "later" not in rows[0].account  # the name itself is never stored
    factory.kw["bind"].dispose()


def test_address_keys() -> None:
    assert address_key("192.0.2.7") == "192.0.2.7"
    assert address_key("2001:db8:1:2:3:4:5:6") == address_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert address_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert address_key(None) == "unknown" and address_key("testclient") == "testclient"


def test_no_user_table_change_for_a_wrong_name(settings: Settings) -> None:
    before = in_transaction(settings, lambda s: s.scalar(select(func.count()).select_from(User)))
    assert in_transaction(settings, lambda s: service.get_by_username(session=s, username="insp\tecteur1")) is None
    assert in_transaction(settings, lambda s: s.scalar(select(func.count()).select_from(User))) == before


async def test_a_login_is_audited_in_the_account_organisation_only(apps: list[FastAPI], settings: Settings,
                                                                     http: httpx.Client) -> None:
    address = _address()
    assert (await _login(apps[0], address, "inspecteur-vb", "fout")).status_code == 401
    assert (await _login(apps[0], address, "inspecteur-vb", "demo-wachtwoord")).status_code == 200

    def audit_of(lead: str) -> list[tuple[str, str]]:
        r = http.post("/api/v1/auth/login", json={"username": lead, "password": "demo-wachtwoord"})
        headers = {"Authorization": f"Bearer {r.json()['token']}"}
        rows = http.get("/api/v1/review/audit", params={"limit": 200}, headers=headers).json()["items"]
        return [(e["action"], e["object_id"]) for e in rows if e["action"] in ("login", "login_failed")]

    assert ("login_failed", "inspecteur-vb") in audit_of("teamleider-vb")
    assert ("login", "inspecteur-vb") in audit_of("teamleider-vb")
    assert [e for e in audit_of("teamleider1") if e[1] == "inspecteur-vb"] == []
