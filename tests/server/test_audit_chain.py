"""The audit trail as a hash chain (issue 12, finding 10): what the API records (list reads, photo downloads, one
entry per request), an SQL update, delete or insert found by ``inspectie-server audit verify``, concurrent writers
keeping one chain, the beheerder's CSV export and UTC timestamps. SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import csv
import io
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from sync_server.auth import service as auth
from sync_server.auth.schemas import Principal, Role
from sync_server.cli import in_transaction, main
from sync_server.config import Settings
from sync_server.review import audit, audit_cli, chain
from sync_server.review.models import AuditChain, AuditEntry
from sync_server.tenancy import service as tenancy
from sync_server.tenancy.models import Organisation
from tests.server.conftest import Device
from tests.server.photo_helpers import fake_photo, finished_with_photos, upload
from tests.server.review_helpers import flagged_control


def _new_organisation(settings: Settings) -> Principal:
    """A fresh organisation with one teamleider: each tampering test spoils only its own chain."""
    key = f"tamper-{uuid.uuid4().hex[:8]}"

    def work(s: Session) -> Principal:
        team, _ = tenancy.create_team(session=s, organisation_key=key, team_key="team", team_name="Team",
                                      organisation_name=key)
        user = auth.create(session=s, username=f"lead-{key}", password="x" * 12, role=Role.TEAMLEIDER,
                           display_name="Lead", team_id=team.id)
        return Principal(user_id=user.id, username=user.username, display_name="Lead", role=Role.TEAMLEIDER,
                         device_id=uuid.uuid4(), team_id=team.id, organisation_id=team.organisation_id)

    return in_transaction(settings, work)


def _record(settings: Settings, user: Principal, n: int, **kw: object) -> None:
    def work(s: Session) -> None:
        for k in range(n):
            audit.record(session=s, user=user, action="read_detail", object_type="inspection",
                         object_id=f"control-{k}", **kw)  # type: ignore[arg-type]

    in_transaction(settings, work)


def _verify(settings: Settings, org: uuid.UUID) -> chain.Report:
    return in_transaction(settings, lambda s: chain.verify(session=s, organisation_id=org))


def _org_key(settings: Settings, org: uuid.UUID) -> str:
    return in_transaction(settings, lambda s: s.get_one(Organisation, org).key)


def _sql(settings: Settings, stmt: object) -> None:
    in_transaction(settings, lambda s: s.execute(stmt))  # type: ignore[call-overload]


def _cli_verify(settings: Settings, org_key: str | None) -> int:
    return audit_cli.cmd_verify(settings, argparse.Namespace(organisation=org_key))


def test_an_untouched_chain_verifies(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    user = _new_organisation(settings)
    _record(settings, user, 5)
    report = _verify(settings, user.organisation_id)
    assert report.intact and report.entries == 5 and (report.first_seq, report.last_seq) == (1, 5)
    key = _org_key(settings, user.organisation_id)
    assert _cli_verify(settings, key) == 0
    out = capsys.readouterr().out
    assert f"{key}: 5 entries (1-5), intact; head {report.head_hash}" in out


def test_an_sql_update_is_found(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    user = _new_organisation(settings)
    _record(settings, user, 4)
    _sql(settings, update(AuditEntry).where(AuditEntry.organisation_id == user.organisation_id,
                                            AuditEntry.chain_seq == 2).values(username="iemand-anders"))
    report = _verify(settings, user.organisation_id)
    assert [(p.kind, p.seq) for p in report.problems] == [("changed", 2)]
    assert _cli_verify(settings, _org_key(settings, user.organisation_id)) == 1
    assert "changed: entry 2 " in capsys.readouterr().out


def test_an_update_of_the_detail_or_time_is_found(settings: Settings) -> None:
    user = _new_organisation(settings)
    _record(settings, user, 3)
    org = AuditEntry.organisation_id == user.organisation_id
    _sql(settings, update(AuditEntry).where(org, AuditEntry.chain_seq == 1).values(detail={"rows": 0}))
    _sql(settings, update(AuditEntry).where(org, AuditEntry.chain_seq == 3)
         .values(at=datetime(2020, 1, 1, tzinfo=UTC)))
    assert [(p.kind, p.seq) for p in _verify(settings, user.organisation_id).problems] == [("changed", 1),
                                                                                             ("changed", 3)]


def test_an_sql_delete_is_found(settings: Settings) -> None:
    user = _new_organisation(settings)
    _record(settings, user, 5)
    org = AuditEntry.organisation_id == user.organisation_id
    _sql(settings, delete(AuditEntry).where(org, AuditEntry.chain_seq == 3))
    problems = _verify(settings, user.organisation_id).problems
    assert [(p.kind, p.seq) for p in problems] == [("missing", 3)]
    assert "entry 3 is missing (deleted)" in problems[0].message
    _sql(settings, delete(AuditEntry).where(org, AuditEntry.chain_seq == 5))  # the newest: only the head knows
    assert [(p.kind, p.seq) for p in _verify(settings, user.organisation_id).problems] == [("missing", 3),
                                                                                             ("missing", 5)]


def test_an_sql_insert_is_found(settings: Settings) -> None:
    """An inserted entry with a correct hash at the end lies beyond the head; one renumbered into the middle breaks
    the next entry's link."""
    user = _new_organisation(settings)
    _record(settings, user, 3)

    def forge(s: Session, seq: int, prev: str) -> None:
        entry = AuditEntry(at=datetime.now(UTC), user_id=user.user_id, organisation_id=user.organisation_id,
                           username="x", role="teamleider", action="verify", object_type="signal", object_id="s",
                           detail={}, chain_seq=seq, prev_hash=prev)
        entry.entry_hash = chain.entry_hash(prev, entry)
        s.add(entry)

    head = in_transaction(settings, lambda s: s.get_one(AuditChain, user.organisation_id).head_hash)
    in_transaction(settings, lambda s: forge(s, 4, head))
    assert [(p.kind, p.seq) for p in _verify(settings, user.organisation_id).problems] == [("inserted", 4)]

    user2 = _new_organisation(settings)
    _record(settings, user2, 3)
    org = AuditEntry.organisation_id == user2.organisation_id
    _sql(settings, update(AuditEntry).where(org, AuditEntry.chain_seq == 3).values(chain_seq=4))
    prev = in_transaction(settings, lambda s: s.scalar(select(AuditEntry.entry_hash).where(
        org, AuditEntry.chain_seq == 2)))
    user = user2
    in_transaction(settings, lambda s: forge(s, 3, str(prev)))
    kinds = [(p.kind, p.seq) for p in _verify(settings, user2.organisation_id).problems]
    assert ("broken_link", 4) in kinds and ("inserted", 4) in kinds


def test_concurrent_writers_keep_one_chain(settings: Settings) -> None:
    """Eight writers at once, ten transactions each: every entry gets its own place and the chain holds."""
    user = _new_organisation(settings)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(10):
                _record(settings, user, 2)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = _verify(settings, user.organisation_id)
    assert report.intact, report.problems
    assert report.entries == 160 and report.last_seq == 160


def test_a_rolled_back_request_writes_no_entry(settings: Settings) -> None:
    user = _new_organisation(settings)

    def work(s: Session) -> None:
        audit.record(session=s, user=user, action="read_detail", object_type="inspection")
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        in_transaction(settings, work)
    _record(settings, user, 1)
    report = _verify(settings, user.organisation_id)
    assert report.intact and report.entries == 1


def test_a_rolled_back_savepoint_keeps_the_entries_of_its_transaction(settings: Settings) -> None:
    """A sync push rolls back one mutation's savepoint; what the request recorded before stays."""
    user = _new_organisation(settings)

    def work(s: Session) -> None:
        audit.record(session=s, user=user, action="read_detail", object_type="inspection")
        with pytest.raises(RuntimeError), s.begin_nested():
            raise RuntimeError("one mutation refused")

    in_transaction(settings, work)
    report = _verify(settings, user.organisation_id)
    assert report.intact and report.entries == 1


def _actions(settings: Settings, username: str) -> list[str]:
    return in_transaction(settings, lambda s: list(s.scalars(
        select(AuditEntry.action).where(AuditEntry.username == username).order_by(AuditEntry.chain_seq))))


def test_list_reads_and_photo_downloads_are_audited_once_per_request(
        settings: Settings, http: httpx.Client, login_as: Callable[[str], Device]) -> None:
    inspector, lead, keten = login_as("inspecteur1"), login_as("teamleider1"), login_as("ketenregisseur1")
    flagged_control(inspector, identifiers=[("phone", "0612345678")])
    flagged_control(inspector)
    data, sha = fake_photo()
    finished_with_photos(inspector, [(data, sha)])
    assert upload(http, inspector, data, sha).status_code == 201
    before = len(_actions(settings, "teamleider1"))
    queue = http.get("/api/v1/review/inspections", headers=lead.headers)
    assert queue.status_code == 200 and len(queue.json()["items"]) >= 2
    assert http.get("/api/v1/review/signals", headers=lead.headers).status_code == 200
    assert http.get(f"/api/v1/blobs/{sha}", headers=lead.headers).status_code == 200
    assert _actions(settings, "teamleider1")[before:] == ["read_queue", "read_signals", "download_photo"]
    before = len(_actions(settings, "ketenregisseur1"))
    assert http.get("/api/v1/links/clusters", headers=keten.headers).status_code == 200
    iid = queue.json()["items"][0]["id"]
    assert http.get(f"/api/v1/links/inspections/{iid}", headers=keten.headers).status_code == 200
    assert http.get(f"/api/v1/links/inspections/{iid}/identifiers", headers=keten.headers).status_code == 200
    assert _actions(settings, "ketenregisseur1")[before:] == ["read_clusters", "read_links", "read_identifiers"]
    # a refused download is no download
    other = login_as("teamleider-vb")
    assert http.get(f"/api/v1/blobs/{sha}", headers=other.headers).status_code == 404
    assert "download_photo" not in _actions(settings, "teamleider-vb")
    org = in_transaction(settings, lambda s: s.scalar(select(AuditEntry.organisation_id)
                                                      .where(AuditEntry.username == "teamleider1").limit(1)))
    assert _verify(settings, org).intact


def test_audit_times_are_utc_and_entries_carry_their_place(http: httpx.Client,
                                                           login_as: Callable[[str], Device]) -> None:
    lead = login_as("teamleider1")
    http.get("/api/v1/review/inspections", headers=lead.headers)
    entries = http.get("/api/v1/review/audit", headers=lead.headers).json()["items"]
    assert entries and all(e["at"].endswith(("Z", "+00:00")) for e in entries)
    assert all(e["seq"] >= 1 for e in entries)
    schema = http.get("/openapi.json").json()["components"]["schemas"]["AuditRead"]
    assert schema["properties"]["at"]["format"] == "date-time"


def test_the_beheerder_exports_the_trail_as_csv(settings: Settings, http: httpx.Client,
                                                login_as: Callable[[str], Device]) -> None:
    admin, lead = login_as("beheerder1"), login_as("teamleider1")
    lead_user = in_transaction(settings, lambda s: auth.get_by_username(session=s, username="teamleider1"))
    assert lead_user is not None
    principal = Principal(user_id=lead_user.id, username="=cmd|' /C calc'!A0", display_name="x",
                          role=Role.TEAMLEIDER, device_id=uuid.uuid4(), team_id=lead_user.team_id,
                          organisation_id=tenancy.DEFAULT_ORGANISATION_ID)
    in_transaction(settings, lambda s: audit.record(session=s, user=principal, action="comment",
                                                    object_type="comment", object_id="+31 6 1234"))
    assert http.get("/api/v1/review/audit/export.csv", headers=lead.headers).status_code == 403
    r = http.get("/api/v1/review/audit/export.csv", headers=admin.headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == audit.EXPORT_HEADER
    total = in_transaction(settings, lambda s: s.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.organisation_id == tenancy.DEFAULT_ORGANISATION_ID)))
    assert len(rows) - 1 == total - 1  # every entry but the export's own (written as the export is answered)
    assert [int(row[0]) for row in rows[1:]] == sorted(int(row[0]) for row in rows[1:])
    forged = next(row for row in rows if row[6] == "'+31 6 1234")
    assert forged[2] == "'=cmd|' /C calc'!A0"
    assert all(row[1].endswith("Z") for row in rows[1:])
    for prev, row in zip(rows[1:], rows[2:], strict=False):  # the export carries the chain
        assert row[9] == prev[10]
    assert _actions(settings, "beheerder1")[-1] == "export_audit"


def test_audit_verify_on_the_command_line(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    user = _new_organisation(settings)
    _record(settings, user, 2)
    key = _org_key(settings, user.organisation_id)
    monkeypatch.setenv("INSPECTIE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("INSPECTIE_DATA_DIR", str(settings.data_dir))
    assert main(["audit", "verify", "--organisation", key]) == 0
    assert main(["audit", "verify", "--organisation", "no-such-organisation"]) == 2
    _sql(settings, delete(AuditEntry).where(AuditEntry.organisation_id == user.organisation_id,
                                            AuditEntry.chain_seq == 1))
    assert main(["audit", "verify", "--organisation", key]) == 1
    assert "missing: entry 1 is missing (deleted)" in capsys.readouterr().out
