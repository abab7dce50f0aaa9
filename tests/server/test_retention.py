"""Retention (issue 12): periods per kind of data as settings, ``purge`` deletes what expired on the server — photo
files included —, records a purge run and an audit entry, tells the tablets through the change log, and keeps the
audit chain verifiable (audit retention by checkpoint). SQLite and PostgreSQL.

Each test works in an organisation of its own: a purge covers the whole server, the assertions one organisation."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sync_server.auth import service as auth
from sync_server.auth.schemas import Role
from sync_server.blobs.models import Blob
from sync_server.blobs.store import FileBlobStore
from sync_server.cli import in_transaction, main
from sync_server.config import Settings
from sync_server.inspections.models import Answer, Inspection, Photo
from sync_server.retention import service
from sync_server.retention.models import PurgeRun
from sync_server.review import chain
from sync_server.review.models import AuditCheckpoint, AuditEntry
from sync_server.sync.models import ChangeLog
from sync_server.tenancy import service as tenancy
from tests.server.conftest import Device, login
from tests.server.photo_helpers import fake_photo, upload
from tests.server.review_helpers import flagged_control

PASSWORD = "wachtwoord-123"


class Org:
    def __init__(self, settings: Settings, http: httpx.Client) -> None:
        self.key = f"ret-{uuid.uuid4().hex[:8]}"

        def work(s: Session) -> uuid.UUID:
            team, _ = tenancy.create_team(session=s, organisation_key=self.key, team_key="t", team_name="T",
                                          organisation_name=self.key)
            for role in (Role.INSPECTEUR, Role.TEAMLEIDER, Role.BEHEERDER):
                auth.create(session=s, username=f"{role.value}-{self.key}", password=PASSWORD, role=role,
                            display_name=role.value, team_id=team.id)
            return team.organisation_id

        self.id = in_transaction(settings, work)
        self.inspector, self.lead, self.admin = (login(http, f"{r}-{self.key}", PASSWORD)
                                                 for r in ("inspecteur", "teamleider", "beheerder"))


def _with(settings: Settings, **days: int | None) -> Settings:
    return settings.model_copy(update={f"retention_{k}_days": v for k, v in days.items()})


def _purge(settings: Settings, org: Org, *, after: timedelta, dry_run: bool = False) -> service.OrgPurge:
    store = FileBlobStore(settings.blobs)
    with_now = datetime.now(UTC) + after

    def work(s: Session) -> list[service.OrgPurge]:
        return service.purge(session=s, settings=settings, now=with_now, dry_run=dry_run)

    results = in_transaction(settings, work)
    if not dry_run:
        service.delete_files(store, [f for r in results for f in r.photo_files])
    return next(r for r in results if r.organisation_id == org.id)


def _exists(settings: Settings, iid: str) -> bool:
    return in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid)) is not None)


def _signals(http: httpx.Client, lead: Device, iid: str) -> list[str]:
    state = http.get(f"/api/v1/review/inspections/{iid}/review", headers=lead.headers).json()
    return [s["subject_id"] for s in state["signals"]]


def _verify_all(http: httpx.Client, lead: Device, iid: str, verdict: str) -> None:
    for subject in _signals(http, lead, iid):
        r = http.post(f"/api/v1/review/inspections/{iid}/verifications", headers=lead.headers,
                      json={"subject_id": subject, "verdict": verdict, "reason": "onderzocht"})
        assert r.status_code == 201, r.text


def _with_photo(device: Device, data: bytes, sha: str, *, passport: bool) -> str:
    """A finished control with one photo; flagged when ``passport``."""
    iid, create = device.create_inspection()
    batch = [create, device.mutation("person.create.v1", iid, {"person_id": "p1", "label": "Persoon 1"}),
             device.mutation("answer.set.v1", iid, {"person_id": "p1", "question_id": "passport_withheld",
                                                    "value": passport}),
             device.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": sha,
                                                      "size": len(data), "caption": ""}),
             device.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-02T12:00:00Z"})]
    assert device.push(batch).json()["rejections"] == []
    return iid


@pytest.fixture
def org(settings: Settings, http: httpx.Client) -> Org:
    return Org(settings, http)


def test_nothing_is_purged_while_no_period_is_set(settings: Settings, http: httpx.Client, org: Org) -> None:
    iid = flagged_control(org.inspector, passport=False)
    result = _purge(settings, org, after=timedelta(days=10_000))
    assert _exists(settings, iid)
    assert result.counts()["controls_without_signals"] == 0 and result.audit_entries == 0


def test_purge_deletes_each_kind_after_its_period(settings: Settings, http: httpx.Client, org: Org) -> None:
    plain = flagged_control(org.inspector, passport=False)
    unfounded, referred, still_open, more_info = (flagged_control(org.inspector) for _ in range(4))
    _verify_all(http, org.lead, unfounded, "ongegrond")
    _verify_all(http, org.lead, referred, "gegrond")
    assert http.post(f"/api/v1/review/inspections/{referred}/referrals", headers=org.lead.headers,
                     json={"partner": "politie_avim", "note": "melding"}).status_code == 201
    _verify_all(http, org.lead, more_info, "meer_info")
    s = _with(settings, controls_without_signals=30, unfounded_signals=30, referred=60)

    dry = _purge(s, org, after=timedelta(days=45), dry_run=True)
    assert dry.counts()["controls_without_signals"] == 1 and dry.counts()["unfounded_signals"] == 1
    assert all(_exists(settings, i) for i in (plain, unfounded, referred))  # a dry run deletes nothing

    result = _purge(s, org, after=timedelta(days=45))
    assert result.controls["controls_without_signals"] == [uuid.UUID(plain)]
    assert result.controls["unfounded_signals"] == [uuid.UUID(unfounded)]
    assert result.controls["referred"] == []  # its 60 days run from the referral
    assert result.kept_open == 2  # an unverified signal and "meer informatie nodig" are never purged
    assert not _exists(settings, plain) and not _exists(settings, unfounded)
    assert all(_exists(settings, i) for i in (referred, still_open, more_info))
    assert in_transaction(settings, lambda x: x.scalar(select(func.count()).select_from(Answer).where(
        Answer.inspection_id == uuid.UUID(unfounded)))) == 0

    result = _purge(s, org, after=timedelta(days=75))
    assert result.controls["referred"] == [uuid.UUID(referred)]
    assert _exists(settings, still_open) and _exists(settings, more_info)


def test_a_purge_is_recorded_and_the_audit_chain_still_verifies(settings: Settings, http: httpx.Client,
                                                                org: Org) -> None:
    iid = flagged_control(org.inspector)
    assert http.get(f"/api/v1/review/inspections/{iid}", headers=org.lead.headers).status_code == 200
    _verify_all(http, org.lead, iid, "ongegrond")
    result = _purge(_with(settings, unfounded_signals=1), org, after=timedelta(days=2))
    assert result.controls["unfounded_signals"] == [uuid.UUID(iid)]
    # the entries about the purged control keep their text; the purge has its own entry; the chain holds
    about = in_transaction(settings, lambda s: list(s.scalars(select(AuditEntry.action).where(
        AuditEntry.inspection_id == uuid.UUID(iid)).order_by(AuditEntry.chain_seq))))
    assert about[:2] == ["read_detail", "verify"]
    purge = in_transaction(settings, lambda s: s.scalars(select(AuditEntry).where(
        AuditEntry.organisation_id == org.id, AuditEntry.action == "purge")).one())
    assert purge.detail["counts"]["unfounded_signals"] == 1 and purge.user_id is None
    assert in_transaction(settings, lambda s: chain.verify(session=s, organisation_id=org.id)).intact
    run = in_transaction(settings, lambda s: s.scalars(select(PurgeRun).where(
        PurgeRun.organisation_id == org.id)).one())
    assert run.counts["unfounded_signals"] == 1 and run.trigger == "cli"
    # the beheerder sees the last run; other roles do not
    r = http.get("/api/v1/retention", headers=org.admin.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["counts"]["unfounded_signals"] == 1 and body["last_trigger"] == "cli"
    assert body["last_run_at"].endswith(("Z", "+00:00")) and body["periods"]["unfounded_signals"] is None
    assert http.get("/api/v1/retention", headers=org.lead.headers).status_code == 403


def test_a_purged_control_leaves_the_tablets_in_sync(settings: Settings, http: httpx.Client, org: Org) -> None:
    iid = flagged_control(org.inspector)
    assert http.post(f"/api/v1/review/inspections/{iid}/comments", headers=org.lead.headers,
                     json={"body": "graag foto's"}).status_code == 201
    _verify_all(http, org.lead, iid, "ongegrond")
    before = org.inspector.pull_all()
    assert any(c["entity"] == "comment" for c in before)
    _purge(_with(settings, unfounded_signals=1), org, after=timedelta(days=2))
    changes = org.inspector.pull_all()
    about = [c for c in changes if c["entity_id"] == iid or c["entity"] == "comment"]
    assert {(c["entity"], c["op"]) for c in about} == {("inspection_flag", "delete"), ("comment", "delete")}
    assert all(c["data"] is None for c in about)  # nothing of the control is left in the change log
    stored = in_transaction(settings, lambda s: list(s.scalars(select(ChangeLog.op).where(
        ChangeLog.entity_id == iid))))
    assert set(stored) == {"delete"}
    # a tablet that still pushes to the purged control gets a rejection, never a blocked queue
    body = org.inspector.push([org.inspector.mutation("answer.set.v1", iid, {
        "person_id": None, "question_id": "locked_in", "value": True})]).json()
    assert [r["code"] for r in body["rejections"]] == ["not_found"]
    assert body["last_mutation_id"] == org.inspector.next_id - 1


def test_photos_expire_with_their_files_unless_another_control_uses_them(
        settings: Settings, http: httpx.Client, org: Org) -> None:
    (shared, shared_sha), (own, own_sha) = fake_photo(), fake_photo()
    plain = _with_photo(org.inspector, own, own_sha, passport=False)
    flagged = _with_photo(org.inspector, shared, shared_sha, passport=True)
    iid, create = org.inspector.create_inspection()
    attach = org.inspector.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": shared_sha,
                                                             "size": len(shared), "caption": ""})
    finish = org.inspector.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-02T12:00:00Z"})
    assert org.inspector.push([create, attach, finish]).json()["rejections"] == []
    for data, sha in ((shared, shared_sha), (own, own_sha)):
        assert upload(http, org.inspector, data, sha).status_code == 201
    store = FileBlobStore(settings.blobs)
    assert store.present(org.id, shared_sha) and store.present(org.id, own_sha)

    # the level-0 controls go (plain and iid); the shared photo is still used by the flagged control
    result = _purge(_with(settings, controls_without_signals=30), org, after=timedelta(days=1))
    assert set(result.controls["controls_without_signals"]) == {uuid.UUID(plain), uuid.UUID(iid)}
    assert result.photos == 2 and result.photo_files == [(org.id, own_sha)]
    assert not store.present(org.id, own_sha) and store.present(org.id, shared_sha)
    assert _exists(settings, flagged)

    # the photo period: the flagged control keeps its record, loses its photo and the file
    result = _purge(_with(settings, photos=10), org, after=timedelta(days=1))
    assert result.photos == 1 and result.photo_files == [(org.id, shared_sha)]
    assert not store.present(org.id, shared_sha) and _exists(settings, flagged)
    assert in_transaction(settings, lambda s: s.scalar(select(func.count()).select_from(Photo).where(
        Photo.inspection_id == uuid.UUID(flagged)))) == 0
    assert in_transaction(settings, lambda s: s.get(Blob, (org.id, shared_sha))) is None
    flag = [c for c in org.inspector.pull_all() if c["entity"] == "inspection_flag" and c["entity_id"] == flagged]
    assert flag[-1]["data"]["photos_expected"] == 0  # the tablet's counts follow


def test_audit_retention_keeps_the_chain_verifiable(settings: Settings, http: httpx.Client, org: Org) -> None:
    flagged_control(org.inspector)
    for _ in range(3):
        assert http.get("/api/v1/review/inspections", headers=org.lead.headers).status_code == 200
    before = in_transaction(settings, lambda s: s.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.organisation_id == org.id)))
    result = _purge(_with(settings, audit=365), org, after=timedelta(days=400))
    assert result.audit_entries == before
    report = in_transaction(settings, lambda s: chain.verify(session=s, organisation_id=org.id))
    assert report.intact, report.problems
    assert report.entries == 1 and report.first_seq == before + 1  # the purge's own entry, after the checkpoint
    http.get("/api/v1/review/inspections", headers=org.lead.headers)
    assert in_transaction(settings, lambda s: chain.verify(session=s, organisation_id=org.id)).intact
    # a made-up start: the checkpoint removed, or one that no purge entry attests
    in_transaction(settings, lambda s: s.execute(delete(AuditCheckpoint).where(
        AuditCheckpoint.organisation_id == org.id)))
    kinds = {p.kind for p in in_transaction(settings, lambda s: chain.verify(session=s,
                                                                              organisation_id=org.id)).problems}
    assert "missing" in kinds


def test_purge_on_the_command_line(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str], org: Org) -> None:
    iid = flagged_control(org.inspector, passport=False)
    env: dict[str, Any] = {"INSPECTIE_DATABASE_URL": settings.database_url, "INSPECTIE_DATA_DIR": settings.data_dir,
                           "INSPECTIE_RETENTION_CONTROLS_WITHOUT_SIGNALS_DAYS": "1"}
    for k, v in env.items():
        monkeypatch.setenv(k, str(v))
    assert main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "controls_without_signals 1, unfounded_signals not set: kept" in out
    assert "dry run: nothing was deleted or recorded" in out
    assert _exists(settings, iid)  # finished 2026-03-02: long past one day, but a dry run
    assert main(["purge"]) == 0
    assert f"{org.key}: deleted controls_without_signals 1" in capsys.readouterr().out
    assert not _exists(settings, iid)
    monkeypatch.setenv("INSPECTIE_RETENTION_PHOTOS_DAYS", "0")
    assert main(["purge"]) == 2  # a refused setting: a message and exit 2 (cli.main), no traceback
    assert "greater than 0" in capsys.readouterr().err


def test_help_names_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["purge"], ["audit", "verify"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        assert "usage: inspectie-server " + " ".join(command) in capsys.readouterr().out




async def test_serve_purges_daily_when_asked(settings: Settings, http: httpx.Client, org: Org) -> None:
    """``INSPECTIE_PURGE_DAILY``: the server purges once at its start (then every 24 hours)."""
    from sync_server.app import create_app

    iid = flagged_control(org.inspector, passport=False)
    app = create_app(_with(settings, controls_without_signals=1).model_copy(update={"purge_daily": True}))
    async with app.router.lifespan_context(app):
        for _ in range(600):  # the first run starts with the server; wait for it (bounded)
            if not _exists(settings, iid):
                break
            await asyncio.sleep(0.05)
    assert not _exists(settings, iid)
    runs = in_transaction(settings, lambda s: list(s.scalars(select(PurgeRun.trigger).where(
        PurgeRun.organisation_id == org.id))))
    assert runs == ["daily"]
