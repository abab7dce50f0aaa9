"""Helpers for the review, links and reporting API tests: push a flagged control as an inspector."""

from __future__ import annotations

import uuid
from typing import Any


def flagged_control(device: Any, *, passport: bool = True, locked: bool = False, street: str = "Voorbeeldstraat",
                    neighbourhood: str = "Centrum", started: str = "2026-03-02T09:00:00+01:00",
                    identifiers: list[tuple[str, str]] | None = None, persons: int = 1) -> str:
    """A finished control with ``persons`` persons (the first with a withheld passport when ``passport``)."""
    iid, create = device.create_inspection(started_at=started, address={"street": street, "house_number": "1",
                                                                        "neighbourhood": neighbourhood})
    batch = [create, device.mutation("answer.set.v1", iid, {"person_id": None, "question_id": "locked_in",
                                                           "value": locked})]
    for n in range(1, persons + 1):
        batch.append(device.mutation("person.create.v1", iid, {"person_id": f"p{n}", "label": f"Persoon {n}"}))
        batch.append(device.mutation("answer.set.v1", iid, {"person_id": f"p{n}", "question_id": "passport_withheld",
                                                           "value": passport and n == 1}))
    for kind, value in identifiers or []:
        batch.append(device.mutation("identifier.add.v1", iid, {"identifier_id": str(uuid.uuid4()), "kind": kind,
                                                               "value": value}))
    batch.append(device.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-02T12:00:00Z"}))
    body = device.push(batch).json()
    assert body["rejections"] == [], body
    return iid
