"""How long the tablet's home list takes with many controls on the tablet (issue 14: 607 ms at 500 controls when
all were synced, 3.57 s when none were; goal < 100 ms).

    .venv/bin/python benchmarks/tablet_home.py [--small] [--controls N] [--repeat K]

Builds a real tablet store (encrypted, on disk) with the published pandenactie checklist and indicator catalogue,
N controls of about 46 answers with two persons each, and times ``InspectorService.inspections()`` — what the home
screen calls — with none of them synced (levels evaluated on the tablet) and with all of them synced (the server's
flags). Prints `name: value` lines: `unsynced_cold_ms` (the first list after the store was filled: every level
evaluated once and kept — after an app update or a new catalogue this happens once), `unsynced_ms` (later lists),
`unsynced_one_changed_ms` (a list after one answer changed in one control, as between two visits of the home
screen), `synced_first_ms` / `synced_ms` (the first list of a freshly started app and later ones, all synced), and
last `worst_ms` (the slowest of all but the cold one).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_common import report  # noqa: E402

from inspectie_app.services import build_service  # noqa: E402
from inspectie_app.store import SqliteStore  # noqa: E402
from schemas.records import Address  # noqa: E402
from schemas.sync import Change  # noqa: E402
from schemas.templates import Template  # noqa: E402
from sync_server.assets import published_catalogue, published_templates  # noqa: E402


def answer_for(question: Any, n: int) -> Any:
    """A plausible answer of the question's type (varied by ``n``), or None for types left unanswered."""
    kind = str(question.type)
    if kind.endswith("yes_no"):
        return n % 3 == 0
    if kind.endswith("number"):
        return n % 9
    if kind.endswith("text"):
        return f"Fictieve opmerking {n}"
    if kind.endswith("choice") and question.options:
        return question.options[n % len(question.options)].value
    return None


def fill(store: SqliteStore, template: Template, count: int) -> None:
    premises = [q for section in template.sections for q in section.questions]
    person_questions = [q for section in template.person_module for q in section.questions]
    started = datetime.now(UTC) - timedelta(days=count)
    for n in range(count):
        iid = uuid.uuid4()
        store.create_inspection(inspection_id=iid, template=template, address=Address(street=f"Benchstraat {n}"),
                                planned_control_id=None, started_at=started + timedelta(hours=n))
        answered = 0
        for q in premises:
            value = answer_for(q, n + answered)
            if value is not None and answered < 36:
                try:
                    store.set_answer(iid, q.id, value, None)
                    answered += 1
                except Exception:  # noqa: BLE001 - a value this question refuses: leave it unanswered
                    continue
        for _ in range(2):
            person = store.add_person(iid)
            for k, q in enumerate(person_questions[:5]):
                value = answer_for(q, n + k)
                if value is not None:
                    try:
                        store.set_answer(iid, q.id, value, person.id)
                    except Exception:  # noqa: BLE001
                        continue


def mark_synced(store: SqliteStore) -> None:
    """Acknowledge the whole outbox and give every control a server flag, as a pull would."""
    pending = store.pending_mutations(10**9)
    store.ack(pending[-1].id if pending else 0, [])
    flags = [Change(seq=k + 1, entity="inspection_flag", entity_id=str(r.id), op="put",
                    data={"level": k % 4, "flag": {}, "photos_expected": 0, "photos_present": 0})
             for k, r in enumerate(store.list_inspections())]
    meta = store.meta()
    store.apply_pull(flags, cursor=len(flags) + 1000, last_mutation_id=meta.last_acked_mutation_id)


async def timed(data_dir: Path, repeat: int, *, change_one: bool = False) -> tuple[float, float]:
    """The first call of a freshly started app, and the median of ``repeat`` later calls, in ms; with
    ``change_one`` each later call follows an answer changed in another control (what the inspector does between
    two visits of the home screen)."""
    service = build_service(data_dir, "http://127.0.0.1:9")
    try:
        samples = []
        items: list[Any] = []
        for n in range(repeat + 1):
            if change_one and items:
                control = items[n % len(items)]
                state = await service.inspection(control.id)
                question = next(q for section in state.template.sections for q in section.questions
                                if str(q.type).endswith("number"))
                await service.set_answer(control.id, question.id, n)
            start = time.perf_counter()
            items = await service.inspections()
            samples.append((time.perf_counter() - start) * 1000)
        assert items, "the list is empty"
        return samples[0], statistics.median(samples[1:])
    finally:
        await service.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--controls", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--small", action="store_true", help="20 controls, 2 repeats (smoke test)")
    args = parser.parse_args()
    count, repeat = (20, 2) if args.small else (args.controls, args.repeat)
    template = next(t for t in published_templates() if t.id == "pandenactie")
    catalogue = published_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "tablet"
        service = build_service(data_dir, "http://127.0.0.1:9")
        asyncio.run(service.aclose())
        store = SqliteStore(f"sqlite:///{data_dir / 'inspectie.db'}")
        store.apply_pull([Change(seq=1, entity="template", entity_id=f"{template.id}@{template.version}", op="put",
                                 data=template.model_dump(mode="json")),
                          Change(seq=2, entity="catalogue", entity_id=f"{catalogue.id}@{catalogue.version}",
                                 op="put", data=catalogue.model_dump(mode="json", by_alias=True))],
                         cursor=2, last_mutation_id=0)
        fill(store, template, count)
        report("controls", count)
        report("answers", sum(len(r.answers) + sum(len(p.answers) for p in r.persons)
                              for r in store.list_inspections()))
        store.close()
        cold, median = asyncio.run(timed(data_dir, repeat))
        report("unsynced_cold_ms", cold)  # once: a store from before the level cache, or a new catalogue
        report("unsynced_ms", median)
        _, changed = asyncio.run(timed(data_dir, repeat, change_one=True))
        report("unsynced_one_changed_ms", changed)
        store = SqliteStore(f"sqlite:///{data_dir / 'inspectie.db'}")
        mark_synced(store)
        store.close()
        first_synced, median_synced = asyncio.run(timed(data_dir, repeat))
        report("synced_first_ms", first_synced)
        report("synced_ms", median_synced)
        report("worst_ms", max(median, changed, first_synced, median_synced))


if __name__ == "__main__":
    main()
