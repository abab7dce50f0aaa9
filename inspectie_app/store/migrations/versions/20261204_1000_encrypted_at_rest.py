"""Encryption at rest: every sensitive value and photo file of an existing store is sealed with the store's key
(``inspectie_app.store.crypto``); ``sync_meta`` learns ``key_check`` (proves the key fits) and ``revoked_at`` (the
server revoked this device and its unsynced work still has to be handed over).

No column changes its type (a sealed JSON value is stored as a JSON string), so no table is rebuilt: the outbox and
everything else keep their rows, ids and order. The values in clear are overwritten in place (``secure_delete``)
and the store runs VACUUM afterwards (``config.attributes["vacuum"]``), so no page or WAL frame keeps them.
Photo files are encrypted in place (written to a temporary file, fsynced, renamed); a file already encrypted is
left alone, so a migration interrupted halfway can simply run again.

Revision ID: 20261204_1000
Revises: 20261203_1000
Create Date: 2026-12-04
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic import context, op

from inspectie_app.store.crypto import FILE_MAGIC, StoreCipher, cipher_of

revision = "20261204_1000"
down_revision = "20261203_1000"
branch_labels = None
depends_on = None

# (table, column, JSON?) — the sealed columns of inspectie_app.store.models and review_store
SEALED = [
    ("sync_meta", "token", False), ("inspection", "note", False), ("inspection", "address", True),
    ("answer", "value", True), ("photo", "caption", False), ("outbox", "args", True),
    ("control_identifier", "value", False), ("review_comment", "body", False), ("planned_control", "data", True),
    ("server_flag", "flag", True), ("conflict", "data", True), ("rejection", "message", False),
]


def upgrade() -> None:
    with op.batch_alter_table("sync_meta") as batch_op:
        batch_op.add_column(sa.Column("key_check", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
    bind = op.get_bind()
    cipher = cipher_of(bind.dialect)
    sealed = sum(_seal_column(bind, cipher, table, column, is_json) for table, column, is_json in SEALED)
    _seal_photo_files(bind, cipher)
    if sealed:
        context.config.attributes["vacuum"] = True


def _seal_column(bind: sa.Connection, cipher: StoreCipher, table: str, column: str, is_json: bool) -> int:
    rows = bind.exec_driver_sql(f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
    context_name = f"{table}.{column}"
    for rowid, raw in rows:
        if is_json:
            stored = json.dumps(cipher.seal_json(json.loads(raw), context_name))
        else:
            stored = cipher.seal(str(raw).encode(), context_name)
        bind.exec_driver_sql(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (stored, rowid))
    return len(rows)


def _seal_photo_files(bind: sa.Connection, cipher: StoreCipher) -> None:
    for local_path, thumbnail_path in bind.exec_driver_sql("SELECT local_path, thumbnail_path FROM photo"):
        for name in (local_path, thumbnail_path):
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError:  # purged, or never written
                continue
            if not data.startswith(FILE_MAGIC):
                _replace(path, cipher.seal_file(data))


def _replace(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def downgrade() -> None:
    raise NotImplementedError("the store is not decrypted again: delete the data folder to start afresh")
