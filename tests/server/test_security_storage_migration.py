"""The migration of issue 12 part C (``2026_12_03_1300``) on an existing database: stored identifier hints are
shortened to the new rule (SQLite and PostgreSQL)."""

from __future__ import annotations

import importlib.util
import random
import string
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from migration_helpers import database_at

from schemas.identifiers import IdentifierKind, hint
from sync_server.config import Settings
from sync_server.db import make_engine
from sync_server.migrate import upgrade
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID, DEFAULT_TEAM_ID

BEFORE = "2026_12_03_1200"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MIGRATION = Path(__file__).parents[2] / "sync_server/migrations/versions/2026_12_03_1300_security_storage.py"


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("security_storage", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def old_hint(kind: IdentifierKind, canonical: str) -> str:
    """The hint before issue 12."""
    if kind is IdentifierKind.UITZENDBUREAU:
        return canonical
    if len(canonical) <= 4:
        return "•" * len(canonical)
    return canonical[:2] + "•" * min(len(canonical) - 4, 8) + canonical[-2:]


def test_the_old_hint_holds_everything_the_new_one_needs() -> None:
    shortened = _migration().shortened_hint
    rng = random.Random(12)
    for kind in IdentifierKind:
        for length in range(1, 30):
            value = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(length))
            assert shortened(kind.value, old_hint(kind, value)) == hint(kind, value), (kind, value)


@pytest.fixture(params=["sqlite", "postgres"])
def old_db(request: pytest.FixtureRequest, tmp_path: Path, pg_available: bool) -> Iterator[Settings]:
    """A database at the revision before this part."""
    with database_at(BEFORE, backend=request.param, tmp_path=tmp_path, pg_available=pg_available,
                     label="storage") as settings:
        yield settings


U, S, D, J = sa.Uuid(), sa.String(), sa.DateTime(timezone=True), sa.JSON()


def _t(name: str, **cols: sa.types.TypeEngine[object]) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, t) for c, t in cols.items()))


USERS = _t("user_account", id=U, username=S, display_name=S, role=S, team_id=U, password_hash=S, created_at=D)
INSPECTIONS = _t("inspection", id=U, template_id=S, template_version=sa.Integer(), control_type=S, address=J,
                 inspector_id=U, organisation_id=U, team_id=U, status=S, note=S, started_at=D,
                 version=sa.BigInteger(), received_at=D)
IDENTIFIERS = _t("control_identifier", id=U, organisation_id=U, inspection_id=U, kind=S, digest=S, hint=S,
                 public_value=S, created_at=D)


def _inspector_with_control(conn: sa.Connection, username: str) -> tuple[uuid.UUID, uuid.UUID]:
    user, iid = uuid.uuid4(), uuid.uuid4()
    conn.execute(USERS.insert().values(id=user, username=username, display_name=username, role="inspecteur",
                                       team_id=DEFAULT_TEAM_ID, password_hash="x", created_at=NOW))
    conn.execute(INSPECTIONS.insert().values(
        id=iid, template_id="t", template_version=1, control_type="pandenactie", address={"street": "Oudeweg"},
        inspector_id=user, organisation_id=DEFAULT_ORGANISATION_ID, team_id=DEFAULT_TEAM_ID, status="finished",
        note="", started_at=NOW, version=0, received_at=NOW))
    return user, iid


def test_stored_hints_are_shortened(old_db: Settings) -> None:
    engine = make_engine(old_db)
    values = [("phone", "0698765470"), ("vehicle", "XX99YY"), ("url", "example.org/ad/1"), ("landlord", "abc"),
              ("uitzendbureau", "12345678"), ("intermediary", "jan jansen")]
    with engine.begin() as conn:
        _user, iid = _inspector_with_control(conn, "oud1")
        for kind, value in values:
            conn.execute(IDENTIFIERS.insert().values(
                id=uuid.uuid4(), organisation_id=DEFAULT_ORGANISATION_ID, inspection_id=iid, kind=kind,
                digest=uuid.uuid4().hex, hint=old_hint(IdentifierKind(kind), value), public_value=None,
                created_at=NOW))
    engine.dispose()
    upgrade(old_db)
    engine = make_engine(old_db)
    with engine.connect() as conn:
        stored = dict(conn.execute(sa.select(IDENTIFIERS.c.kind, IDENTIFIERS.c.hint)).all())
    engine.dispose()
    assert stored == {"phone": "06••••••", "vehicle": "X••••••", "url": "e••••••", "landlord": "••••••",
                      "uitzendbureau": "12345678", "intermediary": "j••••••"}


BLOBS = _t("blob", organisation_id=U, sha256=S, size=sa.BigInteger(), stored_at=D, uploaded_by=U)
PHOTOS = _t("photo", id=U, inspection_id=U, sha256=S, size=sa.BigInteger(), caption=S)
QUARANTINE = _t("quarantine", id=U, user_id=U, client_id=S, schema_version=sa.Integer(), payload=J, received_at=D)


def test_photo_holders_come_from_uploaders_and_existing_attachments(old_db: Settings) -> None:
    """Every control keeps the photos it had: its inspector holds each stored photo it references; an uploader
    holds what they uploaded; an attachment of a photo never uploaded stays missing."""
    engine = make_engine(old_db)
    with engine.begin() as conn:
        owner, owner_control = _inspector_with_control(conn, "eigenaar")
        other, other_control = _inspector_with_control(conn, "ander")
        stored, unused, missing = "a" * 64, "b" * 64, "c" * 64
        for sha, by in ((stored, owner), (unused, None)):
            conn.execute(BLOBS.insert().values(organisation_id=DEFAULT_ORGANISATION_ID, sha256=sha, size=10,
                                               stored_at=NOW, uploaded_by=by))
        for control, sha in ((owner_control, stored), (other_control, stored), (other_control, missing)):
            conn.execute(PHOTOS.insert().values(id=uuid.uuid4(), inspection_id=control, sha256=sha, size=10,
                                                caption=""))
        conn.execute(QUARANTINE.insert().values(id=uuid.uuid4(), user_id=owner, client_id="c", schema_version=0,
                                                payload={"mutations": ["x" * 100]}, received_at=NOW))
    engine.dispose()
    upgrade(old_db)
    engine = make_engine(old_db)
    holders = _t("blob_holder", organisation_id=U, sha256=S, user_id=U, size=sa.BigInteger(), received_at=D)
    with engine.connect() as conn:
        held = set(conn.execute(sa.select(holders.c.sha256, holders.c.user_id)).all())
        sizes = conn.execute(sa.text("SELECT size FROM quarantine")).scalars().all()
    engine.dispose()
    # before this revision the attachment of a stored photo counted: both controls keep it (grandfathered)
    assert held == {(stored, owner), (stored, other)}
    assert len(sizes) == 1 and sizes[0] >= 100
