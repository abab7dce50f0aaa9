"""The tenancy migration on an existing server: a database built at the previous head with users, controls and
everything around them ends with all of it in the default organisation and team, user-scoped change-log rows
qualified by organisation and the sync clients' scope keys rewritten (no tablet starts over because of the
upgrade itself). SQLite and PostgreSQL. Also: old photo files stay reachable."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from migration_helpers import database_at
from sqlalchemy import select

from sync_server.auth.models import User
from sync_server.auth.schemas import Principal, Role
from sync_server.blobs.models import Blob
from sync_server.blobs.store import FileBlobStore
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.db import make_engine
from sync_server.establishments.models import EnforcementMatrixVersion, Establishment
from sync_server.inspections.models import Inspection
from sync_server.links.models import Identifier
from sync_server.migrate import upgrade
from sync_server.planning.models import PlannedControl, PlanYear
from sync_server.review import chain
from sync_server.review.models import AuditEntry
from sync_server.sync.models import ChangeLog, SyncClient
from sync_server.sync.service import scopes_for
from sync_server.tenancy import service as tenancy
from sync_server.tenancy.models import Organisation, Team

PREVIOUS_HEAD = "2026_11_29_1200"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
U = sa.Uuid()


@pytest.fixture(params=["sqlite", "postgres"])
def old_db(request: pytest.FixtureRequest, tmp_path: Path, pg_available: bool) -> Iterator[Settings]:
    """A database at the revision before tenancy."""
    with database_at(PREVIOUS_HEAD, backend=request.param, tmp_path=tmp_path, pg_available=pg_available,
                     label="tenancy") as settings:
        yield settings


def _t(name: str, *cols: tuple[str, sa.types.TypeEngine[object]]) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, t) for c, t in cols))


def _fill_old(settings: Settings, ids: dict[str, uuid.UUID]) -> None:
    """Rows as the previous schema had them (no organisation anywhere)."""
    s, j, d, i = sa.String(), sa.JSON(), sa.DateTime(timezone=True), sa.Integer()
    rows: list[tuple[sa.TableClause, dict[str, object]]] = [
        (_t("user_account", ("id", U), ("username", s), ("display_name", s), ("role", s), ("password_hash", s),
            ("created_at", d)),
         {"id": ids["user"], "username": "oud1", "display_name": "Oud", "role": "inspecteur",
          "password_hash": "x", "created_at": NOW}),
        (_t("inspection", ("id", U), ("template_id", s), ("template_version", i), ("control_type", s),
            ("address", j), ("inspector_id", U), ("status", s), ("note", s), ("started_at", d),
            ("version", i), ("received_at", d)),
         {"id": ids["inspection"], "template_id": "t", "template_version": 1, "control_type": "pandenactie",
          "address": {"street": "Oudeweg"}, "inspector_id": ids["user"], "status": "finished", "note": "",
          "started_at": NOW, "version": 1, "received_at": NOW}),
        (_t("planned_control", ("id", U), ("control_type", s), ("template_id", s), ("scheduled_on", sa.Date()),
            ("address", j), ("partners", j), ("briefing", s), ("status", s), ("created_at", d),
            ("duration_minutes", i)),
         {"id": ids["plan"], "control_type": "pandenactie", "template_id": "t", "scheduled_on": date(2026, 3, 3),
          "address": {"street": "Oudeweg"}, "partners": [], "briefing": "", "status": "planned", "created_at": NOW,
          "duration_minutes": 120}),
        (_t("establishment", ("id", U), ("name", s), ("kind", s), ("address", j), ("address_key", s),
            ("licence_status", s), ("licence_number", s), ("notes", s), ("active", sa.Boolean()),
            ("created_at", d), ("updated_at", d)),
         {"id": ids["establishment"], "name": "Oud café", "kind": "horeca", "address": {"street": "Oudeweg"},
          "address_key": "oudeweg", "licence_status": "geen", "licence_number": "", "notes": "", "active": True,
          "created_at": NOW, "updated_at": NOW}),
        (_t("control_identifier", ("id", U), ("inspection_id", U), ("kind", s), ("digest", s), ("hint", s),
            ("created_at", d)),
         {"id": ids["identifier"], "inspection_id": ids["inspection"], "kind": "phone", "digest": "ab" * 32,
          "hint": "06••", "created_at": NOW}),
        (_t("blob", ("sha256", s), ("size", i), ("stored_at", d), ("uploaded_by", U)),
         {"sha256": "c" * 64, "size": 3, "stored_at": NOW, "uploaded_by": ids["user"]}),
        (_t("audit_entry", ("at", d), ("user_id", U), ("username", s), ("role", s), ("action", s),
            ("object_type", s), ("object_id", s), ("inspection_id", U), ("detail", j)),
         {"at": NOW, "user_id": ids["user"], "username": "oud1", "role": "teamleider", "action": "read_detail",
          "object_type": "inspection", "object_id": "x", "inspection_id": ids["inspection"], "detail": {}}),
        (_t("plan_year", ("year", i), ("targets", j), ("updated_by", s), ("updated_at", d)),
         {"year": 2026, "targets": {"pandenacties": 9}, "updated_by": "planner1", "updated_at": NOW}),
        (_t("enforcement_matrix", ("version", i), ("content", j), ("created_by", s), ("created_at", d)),
         {"version": 2, "content": {"categories": []}, "created_by": "beheerder1", "created_at": NOW}),
        (_t("change_log", ("seq", i), ("entity", s), ("entity_id", s), ("op", s), ("scope", s), ("created_at", d)),
         {"seq": 1, "entity": "comment", "entity_id": "c1", "op": "put", "scope": f"user:{ids['user']}",
          "created_at": NOW}),
        (_t("change_log", ("seq", i), ("entity", s), ("entity_id", s), ("op", s), ("scope", s), ("created_at", d)),
         {"seq": 2, "entity": "template", "entity_id": "t@1", "op": "put", "scope": "all", "created_at": NOW}),
        (_t("sync_client", ("client_id", U), ("user_id", U), ("last_mutation_id", i), ("schema_version", i),
            ("created_at", d), ("last_seen", d), ("scope_key", s), ("scope_epoch", i), ("served_cursor", i)),
         {"client_id": ids["client"], "user_id": ids["user"], "last_mutation_id": 3, "schema_version": 2,
          "created_at": NOW, "last_seen": NOW,
          "scope_key": ",".join(sorted(["all", f"user:{ids['user']}", "role:inspecteur"])), "scope_epoch": 4,
          "served_cursor": 2}),
    ]
    engine = make_engine(settings)
    with engine.begin() as conn:
        for table, values in rows:
            conn.execute(table.insert().values(**values))
    engine.dispose()


def test_an_existing_server_upgrades_into_the_default_organisation(old_db: Settings) -> None:
    ids = {k: uuid.uuid4() for k in ("user", "inspection", "plan", "establishment", "identifier", "client")}
    _fill_old(old_db, ids)
    upgrade(old_db)
    org, team = tenancy.DEFAULT_ORGANISATION_ID, tenancy.DEFAULT_TEAM_ID

    def check(s: sa.orm.Session) -> None:
        assert s.get(Organisation, org).key == "gemeente-arnhem"  # type: ignore[union-attr]
        found_team = s.get(Team, team)
        assert found_team is not None and (found_team.key, found_team.organisation_id) == ("interventieteam", org)
        assert s.get(User, ids["user"]).team_id == team  # type: ignore[union-attr]
        inspection = s.get(Inspection, ids["inspection"])
        assert inspection is not None and (inspection.organisation_id, inspection.team_id) == (org, team)
        assert s.get(PlannedControl, ids["plan"]).organisation_id == org  # type: ignore[union-attr]
        assert s.get(Establishment, ids["establishment"]).organisation_id == org  # type: ignore[union-attr]
        assert s.get(Identifier, ids["identifier"]).organisation_id == org  # type: ignore[union-attr]
        assert s.get(Blob, (org, "c" * 64)) is not None
        assert s.get(PlanYear, (org, 2026)).targets == {"pandenacties": 9}  # type: ignore[union-attr]
        assert s.get(EnforcementMatrixVersion, (org, 2)) is not None
        assert set(s.scalars(select(AuditEntry.organisation_id))) == {org}
        report = chain.verify(session=s, organisation_id=org)  # the upgrade chained the old entry (2026_12_03_1400)
        assert report.intact and report.entries == 1, report.problems
        scopes = dict(s.execute(select(ChangeLog.seq, ChangeLog.scope)).all())
        assert scopes == {1: f"user:{ids['user']}@{org}", 2: "all"}
        client = s.get(SyncClient, ids["client"])
        principal = Principal(user_id=ids["user"], username="oud1", display_name="Oud", role=Role.INSPECTEUR,
                              device_id=uuid.uuid4(), team_id=team, organisation_id=org)
        assert client is not None and client.scope_key == ",".join(sorted(scopes_for(principal)))
        assert client.scope_epoch == 4  # no reset caused by the upgrade
        # the new keys: the same bytes may now be stored once per organisation
        other, _ = tenancy.create_team(session=s, organisation_key="gemeente-elders", team_key="t", team_name="T")
        s.add(Blob(organisation_id=other.organisation_id, sha256="c" * 64, size=3, stored_at=NOW))
        s.flush()

    in_transaction(old_db, check)


def test_migration_and_code_agree_on_the_default_ids() -> None:
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "sync_server/migrations/versions/2026_11_30_1000_tenancy.py"
    spec = importlib.util.spec_from_file_location("tenancy_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.DEFAULT_ORGANISATION_ID == tenancy.DEFAULT_ORGANISATION_ID
    assert module.DEFAULT_TEAM_ID == tenancy.DEFAULT_TEAM_ID


def test_photo_files_from_before_tenancy_stay_reachable(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    sha = hashlib.sha256(b"old").hexdigest()  # an upload is verified even when the file is stored (issue 12)
    legacy = tmp_path / sha[:2] / sha
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"old")
    assert store.present(tenancy.DEFAULT_ORGANISATION_ID, sha)
    assert store.final_path(tenancy.DEFAULT_ORGANISATION_ID, sha) == legacy
    assert not store.present(uuid.uuid4(), sha)  # never for another organisation
    result = store.append(tenancy.DEFAULT_ORGANISATION_ID, sha, offset=0, length=3, chunk=b"old")
    assert result.status == "complete"  # the old file counts: no second copy
    assert not store.stored_path(tenancy.DEFAULT_ORGANISATION_ID, sha).exists()
