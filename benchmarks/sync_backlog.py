"""A week offline: 200 controls x 40 answers x 3 persons and 400 photos of ~400 KB, synced to a fresh server
on loopback, next to a bare httpx loop uploading the same number of photo bytes to the same server.

    .venv/bin/python benchmarks/sync_backlog.py [--db sqlite|postgres] [--small]

Prints `name: value` lines: wall time of the sync, the bare upload time (the transfer limit),
ratio_vs_raw_upload (goal <= 1.5), the client's peak memory and the server's ingest rate in answers/s.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from bench_common import QUESTIONS, BenchServer, peak_rss_mb, peak_rss_reset, report

from inspectie_app.services import build_service
from inspectie_app.store import NewPhoto
from schemas.records import Address

PHOTO_BYTES = 400 * 1024


def make_backlog(svc: object, photos_dir: Path, controls: int, persons: int, photos: int) -> int:
    """Offline work written straight into the tablet's store (with outbox rows); returns answers written."""
    store = svc._store  # type: ignore[attr-defined]
    template = store.template("pandenactie")
    answers = 0
    per_control = max(1, photos // controls)
    photos_left = photos
    photos_dir.mkdir(parents=True, exist_ok=True)
    for c in range(controls):
        iid = uuid.uuid4()
        store.create_inspection(inspection_id=iid, template=template, address=Address(street="Benchstraat",
                                house_number=str(c + 1)), planned_control_id=None, started_at=datetime.now(UTC))
        for q in range(QUESTIONS):
            store.set_answer(iid, f"q{q:02d}", c * 100 + q, None)
            answers += 1
        for _ in range(persons):
            person = store.add_person(iid)
            store.set_answer(iid, "leeftijd", 30, person.id)
            store.set_answer(iid, "paspoort", c % 2 == 0, person.id)
            answers += 2
        for _ in range(min(per_control, photos_left)):
            data = os.urandom(PHOTO_BYTES)
            sha = hashlib.sha256(data).hexdigest()
            path = photos_dir / f"{sha}.jpg"
            path.write_bytes(data)
            store.add_photo(iid, NewPhoto(uuid.uuid4(), sha, len(data), 1, 1, "", str(path), str(path)))
            photos_left -= 1
        store.set_note(iid, f"Fictieve notitie {c}")
        store.finish(iid, datetime.now(UTC))
    return answers


def raw_upload(url: str, token: str, photos: int) -> float:
    """The same number of photo bytes, one PATCH per photo, no protocol around it."""
    blobs = [os.urandom(PHOTO_BYTES) for _ in range(photos)]
    headers = {"Authorization": f"Bearer {token}"}
    start = time.perf_counter()
    with httpx.Client(base_url=url, timeout=60) as http:
        for data in blobs:
            sha = hashlib.sha256(data).hexdigest()
            r = http.patch(f"/api/v1/blobs/{sha}", content=data, headers={
                **headers, "Upload-Offset": "0", "Upload-Length": str(len(data))})
            assert r.status_code == 201, r.text
    return time.perf_counter() - start


async def run(db: str, controls: int, persons: int, photos: int) -> None:
    server = BenchServer(db)
    try:
        svc = build_service(server.root / "tablet", server.url, timeout=120, photo_purge_days=None)
        await svc.login("inspecteur1", "demo-wachtwoord")
        answers = make_backlog(svc, server.root / "tablet" / "photos", controls, persons, photos)
        token = svc._store.meta().token
        report("db", db)
        report("controls", controls)
        report("answers", answers)
        report("photos", photos)
        report("mutations", svc._store.outbox_count())
        raw = raw_upload(server.url, token, photos)
        peak_rss_reset()
        client = svc._client
        marks: dict[str, float] = {}

        async def timed(name: str, step: Any) -> None:
            await step()
            marks[name] = time.perf_counter()

        start = time.perf_counter()
        await asyncio.gather(timed("push", client.push), timed("upload", client.upload_photos))  # as sync() does
        await client.pull()
        wall = time.perf_counter() - start
        pushed = marks["push"]
        status = await svc.sync_status()
        assert status.pending_changes == 0 and status.pending_photos == 0, status
        report("sync_wall_s", wall)
        report("push_s", pushed - start)
        report("photo_upload_s", marks["upload"] - start)
        report("raw_upload_s", raw)
        report("ratio_vs_raw_upload", wall / raw)
        report("client_peak_rss_mb", peak_rss_mb())
        report("server_ingest_answers_per_s", answers / (pushed - start))
        await svc.aclose()
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--small", action="store_true", help="20 controls and 40 photos (a quick run)")
    args = parser.parse_args()
    controls, photos = (20, 40) if args.small else (200, 400)
    asyncio.run(run(args.db, controls, 3, photos))


if __name__ == "__main__":
    main()
