"""tenancy: organisations and teams; every user in a team; tenant rows stamped with their organisation
(inspections also with their team); blobs keyed per organisation; user-scoped change-log rows qualified
by organisation. An existing server upgrades into the default organisation without manual steps.

Revision ID: 2026_11_30_1000
Revises: 2026_11_29_1200
Create Date: 2026-11-30 10:00:00

"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "2026_11_30_1000"
down_revision: str | Sequence[str] | None = "2026_11_29_1200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept equal to sync_server.tenancy.service.DEFAULT_* (a test checks); a migration never imports app code.
DEFAULT_ORGANISATION_ID = uuid.UUID("6a1e5c2b-3f4d-4e8a-9b7c-1d2e3f4a5b6c")
DEFAULT_TEAM_ID = uuid.UUID("7b2f6d3c-4a5e-4f9b-8c8d-2e3f4a5b6c7d")

# (table, column, refers to, indexed)
STAMPS = [
    ("inspection", "organisation_id", "organisation", True),
    ("inspection", "team_id", "team", True),
    ("planned_control", "organisation_id", "organisation", True),
    ("establishment", "organisation_id", "organisation", True),
    ("control_identifier", "organisation_id", "organisation", False),
    ("audit_entry", "organisation_id", "organisation", True),
]
# tables whose primary key gains organisation_id in front: (table, the old key column)
REKEYED = [("blob", "sha256"), ("plan_year", "year"), ("enforcement_matrix", "version")]


def _default(column: str) -> uuid.UUID:
    return DEFAULT_TEAM_ID if column == "team_id" else DEFAULT_ORGANISATION_ID


def _fill(table: str, column: str) -> None:
    """Set ``column`` of every existing row of ``table`` to the default organisation or team."""
    t = sa.table(table, sa.column(column, sa.Uuid()))
    op.execute(t.update().values({column: _default(column)}))


def _create_tables() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("key", name=op.f("uq_organisation_key")),
    )
    op.create_table(
        "team",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_team_organisation_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("organisation_id", "key", name=op.f("uq_team_organisation_id_key")),
    )
    op.create_index(op.f("ix_team_organisation_id"), "team", ["organisation_id"])
    now = datetime.now(UTC)
    org = sa.table("organisation", sa.column("id", sa.Uuid()), sa.column("key", sa.String()),
                   sa.column("name", sa.String()), sa.column("created_at", sa.DateTime(timezone=True)))
    team = sa.table("team", sa.column("id", sa.Uuid()), sa.column("organisation_id", sa.Uuid()),
                    sa.column("key", sa.String()), sa.column("name", sa.String()),
                    sa.column("created_at", sa.DateTime(timezone=True)))
    op.bulk_insert(org, [{"id": DEFAULT_ORGANISATION_ID, "key": "gemeente-arnhem", "name": "Gemeente Arnhem",
                          "created_at": now}])
    op.bulk_insert(team, [{"id": DEFAULT_TEAM_ID, "organisation_id": DEFAULT_ORGANISATION_ID,
                           "key": "interventieteam", "name": "Interventieteam ondermijning", "created_at": now}])


def _stamp(table: str, column: str, target: str, indexed: bool) -> None:
    """Add ``column`` (FK to ``target``), fill it with the default, then make it NOT NULL."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column(column, sa.Uuid(), nullable=True))
    _fill(table, column)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column(column, existing_type=sa.Uuid(), nullable=False)
        batch_op.create_foreign_key(batch_op.f(f"fk_{table}_{column}_{target}"), target, [column], ["id"])
        if indexed:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def _rekey(table: str, key: str) -> None:
    """Put ``organisation_id`` (the default for existing rows) in front of ``table``'s primary key."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Uuid(), nullable=True))
    _fill(table, "organisation_id")
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column("organisation_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.drop_constraint(f"pk_{table}", type_="primary")
        batch_op.create_primary_key(f"pk_{table}", ["organisation_id", key])
        batch_op.create_foreign_key(batch_op.f(f"fk_{table}_organisation_id_organisation"), "organisation",
                                    ["organisation_id"], ["id"])


def _qualify_user_scopes() -> None:
    """``user:<id>`` becomes ``user:<id>@<organisation id>``, and each sync client's remembered scope key is
    rewritten to the new form, so no tablet has to start over because of the upgrade itself."""
    org = str(DEFAULT_ORGANISATION_ID)
    op.execute(sa.text("UPDATE change_log SET scope = scope || :suffix WHERE scope LIKE 'user:%'")
               .bindparams(suffix=f"@{org}"))
    with op.batch_alter_table("sync_client", schema=None) as batch_op:  # five scopes with ids: > 200 characters
        batch_op.alter_column("scope_key", type_=sa.Text(), existing_type=sa.String(200), existing_nullable=False,
                              existing_server_default="")
    clients = sa.table("sync_client", sa.column("client_id", sa.Uuid()), sa.column("user_id", sa.Uuid()),
                       sa.column("scope_key", sa.String()))
    users = sa.table("user_account", sa.column("id", sa.Uuid()), sa.column("role", sa.String()))
    conn = op.get_bind()
    rows = conn.execute(sa.select(clients.c.client_id, clients.c.scope_key, users.c.id, users.c.role)
                        .join(users, users.c.id == clients.c.user_id)).all()
    for client_id, scope_key, user_id, role in rows:
        old = ",".join(sorted(["all", f"user:{user_id}", f"role:{role}"]))
        if scope_key != old:
            continue  # never pulled, or its scopes changed anyway: the next pull decides
        new = ",".join(sorted(["all", f"org:{org}", f"team:{DEFAULT_TEAM_ID}", f"user:{user_id}@{org}",
                               f"role:{role}@{org}"]))
        conn.execute(clients.update().where(clients.c.client_id == client_id).values(scope_key=new))


def upgrade() -> None:
    _create_tables()
    _stamp("user_account", "team_id", "team", True)
    for table, column, target, indexed in STAMPS:
        _stamp(table, column, target, indexed)
    with op.batch_alter_table("control_identifier", schema=None) as batch_op:
        batch_op.drop_index("ix_control_identifier_kind_digest")
        batch_op.create_index("ix_control_identifier_org_kind_digest", ["organisation_id", "kind", "digest"],
                              unique=False)
    for table, key in REKEYED:
        _rekey(table, key)
    _qualify_user_scopes()


def downgrade() -> None:
    org = str(DEFAULT_ORGANISATION_ID)
    op.execute(sa.text("UPDATE sync_client SET scope_key = ''"))  # the next pull of each tablet starts over
    with op.batch_alter_table("sync_client", schema=None) as batch_op:
        batch_op.alter_column("scope_key", type_=sa.String(200), existing_type=sa.Text(), existing_nullable=False,
                              existing_server_default="")
    op.execute(sa.text("UPDATE change_log SET scope = substr(scope, 1, length(scope) - :n) "
                       "WHERE scope LIKE 'user:%' AND scope LIKE :pattern")
               .bindparams(n=len(org) + 1, pattern=f"%@{org}"))
    for table, key in REKEYED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_organisation_id_organisation"), type_="foreignkey")
            batch_op.drop_constraint(f"pk_{table}", type_="primary")
            batch_op.create_primary_key(f"pk_{table}", [key])
            batch_op.drop_column("organisation_id")
    with op.batch_alter_table("control_identifier", schema=None) as batch_op:
        batch_op.drop_index("ix_control_identifier_org_kind_digest")
        batch_op.create_index("ix_control_identifier_kind_digest", ["kind", "digest"], unique=False)
    for table, column, target, indexed in [("user_account", "team_id", "team", True), *STAMPS]:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if indexed:
                batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_{column}_{target}"), type_="foreignkey")
            batch_op.drop_column(column)
    op.drop_index(op.f("ix_team_organisation_id"), table_name="team")
    op.drop_table("team")
    op.drop_table("organisation")
