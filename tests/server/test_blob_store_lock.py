"""The per-upload append lock holds between processes (``serve --workers N`` on one host): while one process holds
it, another process's append of the same upload waits, and then sees the first one's bytes."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

from sync_server.blobs.store import FileBlobStore

ROOT = Path(__file__).resolve().parents[2]
CHILD = textwrap.dedent("""
    import sys, uuid
    from pathlib import Path
    from sync_server.blobs.store import FileBlobStore
    root, org, owner, sha, size = sys.argv[1:6]
    store = FileBlobStore(Path(root))
    print("ready", flush=True)
    result = store.append(uuid.UUID(org), sha, offset=0, length=int(size), chunk=b"b" * 10, owner=uuid.UUID(owner))
    print(result.status, result.offset, flush=True)
""")


def test_append_waits_for_another_process_holding_the_lock(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    org, owner = uuid.uuid4(), uuid.uuid4()
    data = b"a" * 10 + b"b" * 10
    sha = hashlib.sha256(data).hexdigest()
    with store._lock(org, sha, owner):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), str(org), str(owner), sha, "20"],
                                 stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(1.0)  # time enough for an unlocked append of 10 bytes
        assert not store.partial_path(org, sha, owner).exists()  # the child waits
        path = store.partial_path(org, sha, owner)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"a" * 10)  # this process's append, made while holding the lock
    out, _ = child.communicate(timeout=60)
    assert out.split() == ["upload_offset_mismatch", "10"]  # it saw the first 10 bytes, and wrote nothing
    assert store.offset(org, sha, owner) == 10
