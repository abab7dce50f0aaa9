"""The tablet's work for the fault tests, made through the real InspectorService, and the final check."""

from __future__ import annotations

import io
import random
import uuid
from typing import Any

from fault_support import blobs_present, server_view, tablet_view
from PIL import Image

from inspectie_app.services import InspectorService
from schemas.records import Address
from sync_server.config import Settings


def noisy_jpeg(seed: int, size: tuple[int, int] = (640, 480)) -> bytes:
    """A JPEG of random noise (incompressible, so it has some weight)."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


async def make_work(svc: InspectorService, *, controls: int = 2, answers: int = 10, persons: int = 2,
                    photos: int = 1, seed: int = 0, finish: bool = True) -> list[uuid.UUID]:
    """Controls with answers, persons (with answers), a note, photos; finished unless ``finish`` is False."""
    ids = []
    for c in range(controls):
        iid = await svc.start_inspection(template_id="pandenactie",
                                         address=Address(street="Voorbeeldstraat", house_number=str(c + 1)))
        for q in range(answers):
            await svc.set_answer(iid, f"q{q:02d}", seed * 1000 + c * 10 + q)
        for _ in range(persons):
            person = await svc.add_person(iid)
            await svc.set_answer(iid, "leeftijd", 30, person_id=person.id)
            await svc.set_answer(iid, "paspoort", True, person_id=person.id)
        await svc.set_note(iid, f"Fictieve notitie {seed}-{c}")
        for p in range(photos):
            await svc.add_photo(iid, noisy_jpeg(seed * 100 + c * 10 + p), caption=f"Foto {p}")
        if finish:
            await svc.finish(iid)
        ids.append(iid)
    return ids


async def sync_until_clean(svc: InspectorService, rounds: int = 6) -> None:
    for _ in range(rounds):
        status = await svc.sync_now()
        if status.last_error is None and not status.pending_changes and not status.pending_photos:
            return
    raise AssertionError(f"still not clean after {rounds} rounds: {status}")


def assert_server_holds_exactly(svc: InspectorService, settings: Settings, *others: InspectorService) -> None:
    """The server holds exactly the tablets' work: same controls, answers, persons, notes, photos (each once,
    every photo file present), and the tablets have nothing pending, rejected or in conflict."""
    expected: dict[str, Any] = {}
    for tablet in (svc, *others):
        store: Any = tablet._store
        expected.update(tablet_view(store))
        assert store.rejections() == []
        assert store.outbox_count() == 0 and store.pending_photo_count() == 0
    user = svc._store.local_user()
    assert user is not None
    got = server_view(settings, user.id)
    assert got == expected
    shas = {sha for control in expected.values() for _id, sha in control["photos"]}
    assert blobs_present(settings, shas)
