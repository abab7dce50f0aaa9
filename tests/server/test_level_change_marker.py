"""The "level changed after a new catalogue" marker survives later recomputes of the flag (a sync, an office
correction) while the level stays, is dropped when the level moves again, and reaches the review list and
detail (SQLite and PostgreSQL via the ``settings`` fixture)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from review_helpers import flagged_control

from schemas.catalogue import Catalogue, parse_catalogue
from schemas.engine import FlagResult
from sync_server.catalog import service as catalog
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.inspections.models import Inspection
from sync_server.inspections.service import carry_level_change

LoginAs = Callable[[str], Any]
API = "/api/v1/review"


def _softer(catalogue: Catalogue, version: int) -> Catalogue:
    """The same catalogue with document confiscation (CD1) weighed medium instead of strong."""
    data = catalogue.model_dump(mode="json")
    data["version"] = version
    for ind in data["indicators"]:
        if ind["code"] == "CD1":
            ind["strength"] = {"labour": "M", "sexual": "M"}
    return parse_catalogue(data)


def _flag(settings: Settings, iid: str) -> FlagResult:
    inspection = in_transaction(settings, lambda s: s.get(Inspection, uuid.UUID(iid)))
    return FlagResult.model_validate(inspection.flag)


def _row(lead: Any, iid: str) -> dict[str, Any]:
    r = lead.http.get(f"{API}/inspections", headers=lead.headers)
    assert r.status_code == 200, r.text
    return next(x for x in r.json()["items"] if x["id"] == iid)


def _answer(device: Any, iid: str, qid: str, value: Any, person: str | None = None) -> None:
    m = device.mutation("answer.set.v1", iid, {"person_id": person, "question_id": qid, "value": value})
    assert device.push([m]).json()["rejections"] == []


def test_marker_survives_recompute_until_the_level_moves(login_as: LoginAs, settings: Settings,
                                                         test_catalogue: Catalogue) -> None:
    device, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid = flagged_control(device, passport=True, locked=True)
    other = flagged_control(device, passport=False, locked=False, street="Rustlaan")
    assert _flag(settings, iid).level == 2 and _row(lead, iid)["level_changed"] is False

    assert in_transaction(settings, lambda s: catalog.publish_catalogue(session=s,
                                                                        catalogue=_softer(test_catalogue, 2)))
    flag = _flag(settings, iid)
    assert (flag.level, flag.previous_level, flag.previous_catalogue, flag.level_changed) == (1, 2, "testcat@1", True)

    # a later sync of the same control recomputes the flag: the level stays 1, the marker stays
    _answer(device, iid, "remarks", "Tweede bezoek, niets nieuws.")
    flag = _flag(settings, iid)
    assert (flag.level, flag.previous_level, flag.previous_catalogue, flag.level_changed) == (1, 2, "testcat@1", True)
    row = _row(lead, iid)
    assert (row["level"], row["level_changed"], row["previous_level"], row["previous_catalogue"]) == (
        1, True, 2, "testcat@1")
    assert _row(lead, other)["level_changed"] is False  # level 0 stayed 0: re-judged, not changed

    # an office correction recomputes it as well: still marked
    r = lead.http.patch(f"{API}/inspections/{iid}/answers", json={"question_id": "occupants", "value": 4},
                        headers=lead.headers)
    assert r.status_code == 200, r.text
    detail = lead.http.get(f"{API}/inspections/{iid}", headers=lead.headers).json()
    assert (detail["flag"]["level_changed"], detail["flag"]["previous_level"]) == (True, 2)

    # the inspector's own finding moves the level again: the catalogue marker no longer describes it
    _answer(device, iid, "passport_withheld", False, person="p1")
    _answer(device, iid, "locked_in", False)
    flag = _flag(settings, iid)
    assert flag.level == 0
    assert (flag.previous_level, flag.previous_catalogue, flag.level_changed) == (None, None, False)
    row = _row(lead, iid)
    assert (row["level_changed"], row["previous_level"]) == (False, None)


def test_carry_level_change_rules() -> None:
    marked = {"level": 1, "previous_level": 2, "previous_catalogue": "c@1", "level_changed": True}
    fresh = {"level": 1, "catalogue": "c@2"}
    assert carry_level_change(marked, fresh) == {**fresh, "previous_level": 2, "previous_catalogue": "c@1",
                                                 "level_changed": True}
    assert carry_level_change(marked, {"level": 3}) == {"level": 3}
    assert carry_level_change(None, fresh) == fresh
    assert carry_level_change({"level": 1}, fresh) == fresh  # never re-evaluated: nothing to carry
