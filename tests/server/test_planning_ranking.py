"""Where to look next, on fictional histories: every rank comes with its reasons; plus the pure pieces
the planner relies on (Dutch address rules, PDOK parsing, the handhavingsmatrix's next step)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from schemas.addresses import address_key, address_problems, normalise, parse_pdok
from schemas.planning import EnforcementMatrix
from schemas.records import Address
from sync_server.assets import ASSETS_DIR
from sync_server.establishments.matrix import load_file, newest_file, next_step
from sync_server.planning.ranking import Candidate, PastControl, rank, score

TODAY = date(2026, 11, 28)


def _addr(n: str) -> Address:
    return Address(street="Fictieweg", house_number=n, postcode="6811 AA")


def _codes(c: Candidate) -> dict[str, int]:
    return {r.code: r.points for r in score(c, TODAY)}


def test_history_ranking_order_and_reasons() -> None:
    """Five fictional addresses; the expected order follows from the documented weights."""
    acute = Candidate(key="a", address=_addr("1"), controls=[
        PastControl(on=TODAY - timedelta(days=200), level=3, open_signal=True)])
    licensed_never = Candidate(key="b", address=_addr("2"), kind="seksinrichting", licence_status="vergund",
                               name="Club Fictief")
    old_l1 = Candidate(key="c", address=_addr("3"), controls=[PastControl(on=TODAY - timedelta(days=400), level=1)])
    quiet_recent = Candidate(key="d", address=_addr("4"), controls=[PastControl(on=TODAY - timedelta(days=5),
                                                                                level=0)])
    planned = Candidate(key="e", address=_addr("5"), controls=[PastControl(on=TODAY - timedelta(days=300), level=2)],
                        next_planned_on=TODAY + timedelta(days=3))
    ranked = rank([quiet_recent, old_l1, planned, licensed_never, acute], TODAY)
    assert [s.key for s in ranked] == ["a", "b", "c"]  # d and e score <= 0 and are left out
    assert _codes(acute) == {"signal_level": 40, "open_signals": 15, "last_control_long_ago": 8}
    assert _codes(licensed_never) == {"licence_due": 30, "never_controlled": 20, "vulnerable_branch": 5}
    assert _codes(old_l1) == {"signal_level": 10, "last_control_long_ago": 15}
    assert _codes(quiet_recent) == {"recently_controlled": -20}
    assert _codes(planned)["already_planned"] == -50
    assert [s.score for s in ranked] == [63, 55, 25]
    assert [r.code for r in ranked[1].reasons] == ["licence_due", "never_controlled", "vulnerable_branch"]
    assert ranked[1].establishment_name == "Club Fictief" and ranked[0].last_control_on == TODAY - timedelta(days=200)


def test_signal_details() -> None:
    many = Candidate(key="m", address=_addr("6"), linked_controls=5, controls=[
        PastControl(on=TODAY - timedelta(days=d), level=lvl, open_signal=True)
        for d, lvl in ((100, 1), (200, 2), (300, 1), (400, 2), (500, 1))])
    codes = _codes(many)
    assert codes["signal_level"] == 25  # the worst level counts once
    assert codes["repeat_signals"] == 15 and codes["open_signals"] == 45 and codes["linked_controls"] == 30  # caps
    [level] = [r for r in score(many, TODAY) if r.code == "signal_level"]
    assert level.params == {"level": 2, "date": (TODAY - timedelta(days=200)).isoformat()}
    stale = Candidate(key="s", address=_addr("7"), controls=[PastControl(on=TODAY - timedelta(days=900), level=3)])
    assert "signal_level" not in _codes(stale)  # older than two years no longer counts
    draft = Candidate(key="d", address=_addr("8"), controls=[PastControl(on=TODAY, level=None, finished=False)])
    assert _codes(draft) == {"never_controlled": 20}


def test_licence_done_this_year_and_ties() -> None:
    done = Candidate(key="x", address=_addr("9"), kind="seksinrichting", licence_status="vergund",
                     controls=[PastControl(on=date(TODAY.year, 2, 1), level=0)])
    assert "licence_due" not in _codes(done)
    revoked = Candidate(key="y", address=_addr("10"), kind="seksinrichting", licence_status="ingetrokken")
    assert "licence_due" not in _codes(revoked)
    older = Candidate(key="z2", address=_addr("11"), controls=[PastControl(on=TODAY - timedelta(days=500), level=0)])
    newer = Candidate(key="z1", address=_addr("12"), controls=[PastControl(on=TODAY - timedelta(days=400), level=0)])
    assert [s.key for s in rank([newer, older], TODAY)] == ["z2", "z1"]  # equal score: longest ago first
    assert rank([newer, older], TODAY, limit=1)[0].key == "z2"


@pytest.mark.parametrize(("address", "problems"), [
    (Address(street="Weg", house_number="12", postcode="6811AA"), {}),
    (Address(street="Weg", house_number="12", addition="a", postcode="6811 aa"), {}),
    (Address(street="Weg", house_number="0"), {"house_number": "invalid_house_number"}),
    (Address(street="Weg", house_number="12a"), {"house_number": "invalid_house_number"}),
    (Address(street=" ", house_number=""), {"street": "required_field", "house_number": "required_field"}),
    (Address(street="Weg", house_number="1", postcode="6811 SS"), {"postcode": "invalid_postcode"}),
    (Address(street="Weg", house_number="1", addition="-"), {"addition": "invalid_addition"}),
    (Address(street="Weg", house_number="1", city=""), {"city": "required_field"}),
])
def test_address_rules(address: Address, problems: dict[str, str]) -> None:
    assert address_problems(address) == problems


def test_address_normalise_and_key() -> None:
    a = normalise(Address(street=" Weg ", house_number="12", addition="b", postcode="6811aa"))
    assert (a.street, a.addition, a.postcode) == ("Weg", "B", "6811 AA")
    assert a.one_line() == "Weg 12-B, 6811 AA Arnhem"
    assert address_key(a) == address_key(Address(street="weg", house_number="12 B", postcode="6811AA")) == "6811AA|12B"
    assert address_key(Address(street="Weg", house_number="3")) == "weg|3|arnhem"
    assert address_problems(Address(street="Weg", house_number="3"), postcode_required=True) == {
        "postcode": "required_field"}


def test_parse_pdok_skips_junk() -> None:
    assert parse_pdok(None) == [] and parse_pdok({"response": {"docs": "x"}}) == []
    docs = {"response": {"docs": [{"type": "adres", "straatnaam": "Weg"}, "junk",
                                  {"type": "adres", "straatnaam": "Weg", "huisnummer": 5, "woonplaatsnaam": ""}]}}
    [only] = parse_pdok(docs)
    assert only.house_number == "5" and only.city == "Arnhem"


def test_matrix_file_and_next_step(tmp_path: Path) -> None:
    matrix = load_file(newest_file(ASSETS_DIR))
    assert matrix.version == 1 and matrix.category("brandveiligheid") is not None
    dates = [TODAY - timedelta(days=d) for d in (10, 100, 1000)]  # the last is outside the 24-month window
    step = next_step(matrix, "brandveiligheid", dates, TODAY)
    assert (step.prior_violations, step.step_number, step.step["nl"]) == (2, 3, "Sluiting tot herstel")
    assert next_step(matrix, "brandveiligheid", dates * 3, TODAY).step_number == 3  # the last step repeats
    assert next_step(matrix, "brandveiligheid", [], TODAY).step_number == 1
    broken = tmp_path / "handhavingsmatrix" / "v1.yaml"
    broken.parent.mkdir()
    broken.write_text("version: 1\ncategories: []\n", encoding="utf-8")
    with pytest.raises(Exception, match="v1.yaml: categories"):
        load_file(newest_file(tmp_path))
    assert isinstance(load_file(newest_file(tmp_path / "empty")), EnforcementMatrix)  # packaged fallback
