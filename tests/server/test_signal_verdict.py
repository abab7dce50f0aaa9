"""A signal's latest verdict is kept on its ``signal_fact`` row (issue 13: "Alle signalen" sorts open and overdue
signals without a subquery per signal): a verification sets it, and a new flag — which replaces the control's
signal rows — keeps it. Shown through the office's list, the way a team lead sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from review_helpers import flagged_control

LoginAs = Callable[[str], Any]
API = "/api/v1/review"


def _signals(http: httpx.Client, lead: Any, *, open_only: bool) -> dict[tuple[str, str], dict[str, Any]]:
    r = http.get(f"{API}/signals", params={"open_only": str(open_only).lower(), "limit": 200},
                 headers=lead.headers)
    assert r.status_code == 200, r.text
    return {(s["inspection_id"], s["subject_id"]): s for s in r.json()["items"]}


def _verify(http: httpx.Client, lead: Any, iid: str, subject: str, verdict: str) -> None:
    r = http.post(f"{API}/inspections/{iid}/verifications", headers=lead.headers,
                  json={"subject_id": subject, "verdict": verdict, "reason": "Besproken in het team."})
    assert r.status_code == 201, r.text


def test_the_latest_verdict_decides_open_and_survives_a_new_flag(http: httpx.Client, login_as: LoginAs) -> None:
    inspector, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid = flagged_control(inspector, street="Verdictstraat")
    assert (iid, "p1") in _signals(http, lead, open_only=True)

    _verify(http, lead, iid, "p1", "meer_info")  # more information needed keeps it open
    assert _signals(http, lead, open_only=True)[(iid, "p1")]["verdict"] == "meer_info"

    _verify(http, lead, iid, "p1", "gegrond")
    assert (iid, "p1") not in _signals(http, lead, open_only=True)
    assert _signals(http, lead, open_only=False)[(iid, "p1")]["verdict"] == "gegrond"

    # a correction judges the control again: its signal rows are replaced, p1's verdict stays
    r = lead.http.patch(f"{API}/inspections/{iid}/answers", json={"question_id": "locked_in", "value": True},
                        headers=lead.headers)
    assert r.status_code == 200, r.text
    after = _signals(http, lead, open_only=False)
    assert after[(iid, "p1")]["verdict"] == "gegrond"
    assert (iid, "p1") not in _signals(http, lead, open_only=True)
    new_subjects = {s for (i, s) in after if i == iid} - {"p1"}
    for subject in new_subjects:  # a signal the new flag raised has no verdict yet: open
        assert after[(iid, subject)]["verdict"] is None
        assert (iid, subject) in _signals(http, lead, open_only=True)

    _verify(http, lead, iid, "p1", "meer_info")  # reopened by a later verdict
    assert (iid, "p1") in _signals(http, lead, open_only=True)
