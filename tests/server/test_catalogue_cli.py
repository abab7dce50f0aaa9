"""``inspectie-server catalogue test|docs``: reference cases against a catalogue, and docs/INDICATORS.md."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sync_server import assets
from sync_server.catalog.docs import indicators_markdown
from sync_server.cli import build_parser
from sync_server.config import Settings

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "assets" / "cases"


def run(tmp_path: Path, *argv: str | Path) -> int:
    args = build_parser().parse_args([str(a) for a in argv])
    return int(args.func(Settings(data_dir=tmp_path), args))


def test_every_reference_case_passes_against_the_published_catalogue(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, "catalogue", "test", CASES) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"catalogue {assets.published_catalogue().key}\n")
    assert "so_suitcase_house_no_ad_login" in out and "L3 sexual" in out
    assert out.rstrip().endswith("0 mismatched, 0 broken")


def _case(tmp_path: Path, name: str, data: object) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return folder


def test_mismatch_is_printed_with_expected_and_actual_and_exits_1(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = _case(tmp_path, "wrong.yaml", {"description": "Locked in, expected nothing", "template": "pandenactie",
                                            "premises": {"A11_locked_in": True}, "expect": {"max_level": 1}})
    shutil.copy(CASES / "empty_control.yaml", folder / "fine.yaml")
    assert run(tmp_path, "catalogue", "test", folder) == 1
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("wrong"))
    assert "L0-L1" in line and "L2 labour" in line and "MISMATCH: level 2, expected L0-L1" in line
    assert "1 passed, 1 mismatched, 0 broken" in out


def test_a_draft_catalogue_can_be_tried_before_publishing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Catalogue v1 does not know the massage salon or the straw man: the v2 cases show what it would miss."""
    assert run(tmp_path, "catalogue", "test", CASES, "--catalogue", assets.ASSETS_DIR / "catalogue" / "v1.yaml") == 1
    out = capsys.readouterr().out
    assert out.startswith("catalogue catalogue@1\n")
    assert "massage_paid_per_massage_sleep_there" in out and "MISMATCH" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("description: [unclosed", "not valid YAML"),
        ({"description": "x", "template": "pandenactie", "expect": {"profile": "labour"}}, "expect needs level"),
        ({"description": "x", "template": "pandenactie", "expect": {"level": 5}}, "expect.level"),
        ({"description": "x", "template": "kapsalon", "expect": {"level": 0}}, "unknown template 'kapsalon'"),
        ({"description": "x", "template": "pandenactie", "premises": {"A99_typo": True}, "expect": {"level": 0}},
         "has no premises question A99_typo"),
        ({"description": "x", "template": "pandenactie", "premises": {"A02_persons_found": "veel"},
          "expect": {"level": 0}}, "A02_persons_found = 'veel': expected a number"),
        ({"description": "x", "template": "pandenactie", "expect": {"level": 0}, "expected": {}},
         "expected: Extra inputs are not permitted"),
    ],
)
def test_broken_case_file_is_named_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               content: object, message: str) -> None:
    folder = _case(tmp_path, "broken.yaml", content)
    shutil.copy(CASES / "empty_control.yaml", folder / "fine.yaml")
    assert run(tmp_path, "catalogue", "test", folder) == 2
    out = capsys.readouterr().out
    broken = [line for line in out.splitlines() if line.startswith("BROKEN: ")]
    assert len(broken) == 1 and str(folder / "broken.yaml") in broken[0] and message in broken[0], out
    assert "1 passed, 0 mismatched, 1 broken" in out  # the other cases still ran


def test_broken_draft_catalogue_or_missing_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text("id: catalogue\nversion: 3\nnorms: {}\n", encoding="utf-8")
    assert run(tmp_path, "catalogue", "test", CASES, "--catalogue", draft) == 2
    err = capsys.readouterr().err
    assert str(draft) in err and "indicators" in err
    assert run(tmp_path, "catalogue", "test", tmp_path / "nowhere") == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_a_draft_that_reads_a_not_scoring_question_is_refused(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Having no network here could stand in for origin: a rule on it is refused before any case runs."""
    data = yaml.safe_load((assets.ASSETS_DIR / "catalogue" / "v3.yaml").read_text(encoding="utf-8"))
    data["rules"].append({"id": "probe_no_network", "scope": "person", "indicators": ["AVD2"],
                          "when": [{"question": "P36b_no_network", "op": "eq", "value": True}],
                          "explanation": {"nl": "Geen netwerk.", "en": "No network."}})
    draft = tmp_path / "draft.yaml"
    draft.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert run(tmp_path, "catalogue", "test", CASES, "--catalogue", draft) == 2
    err = capsys.readouterr().err
    assert "rule probe_no_network: reads P36b_no_network, which pandenactie@3 marks not scoring (proxy)" in err
    assert ("Regel probe_no_network leest vraag P36b_no_network, die in checklist pandenactie@3 als niet "
            "meetellend is gemarkeerd (proxy)") in err  # the office app's words for the same finding


def test_committed_indicators_page_is_generated_from_the_catalogue() -> None:
    committed = (ROOT / "docs" / "INDICATORS.md").read_text(encoding="utf-8")
    assert committed == indicators_markdown(assets.published_catalogue(), assets.published_templates()), (
        "docs/INDICATORS.md is out of date: run `inspectie-server catalogue docs`")


def test_docs_page_lists_every_indicator_strength_questions_and_source(tmp_path: Path) -> None:
    out = tmp_path / "INDICATORS.md"
    assert run(tmp_path, "catalogue", "docs", "--output", out) == 0
    text = out.read_text(encoding="utf-8")
    catalogue = assets.published_catalogue()
    for ind in catalogue.indicators:
        assert f"### {ind.code} — {ind.label.nl}" in text and ind.source in text
    assert "`M15_ids_held` eq `True` (pand; `massagesalon@2`)" in text  # a fact's premises route, per checklist
    assert "`P03_id_held_by` in " in text and "### `id_held_by_other`" in text  # and its person route
    assert "## How a level comes about" in text and "Where v3 departs from the ILO/EC combination rule" in text
    assert "**Gewicht nog niet geverifieerd**" in text  # the unverified sexual weights stay marked
    assert "| `P06b_language_needs`" in text and "| proxy |" in text  # the questions that never score
    assert run(tmp_path, "catalogue", "docs", "--output", out, "--check") == 0
    out.write_text(text + "edited by hand\n", encoding="utf-8")
    assert run(tmp_path, "catalogue", "docs", "--output", out, "--check") == 1


def test_console_script_runs_the_cases() -> None:
    """The exact command dev.py's test step and CI run."""
    exe = Path(sys.executable).with_name("inspectie-server")
    result = subprocess.run([str(exe), "catalogue", "test", "assets/cases"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


PROBE_TEMPLATE: dict[str, object] = {
    "id": "probe", "version": 1, "control_type": "pandenactie", "title": {"nl": "Proef", "en": "Probe"},
    "sections": [{"id": "s1", "title": {"nl": "Pand", "en": "Premises"}, "questions": [
        {"id": "A_locked", "type": "yes_no", "label": {"nl": "Opgesloten?", "en": "Locked in?"},
         "evidence": "observed"}]}],
    "person_module": [{"id": "p1", "title": {"nl": "Persoon", "en": "Person"}, "questions": [
        {"id": "P_debt", "type": "yes_no_unknown", "label": {"nl": "Schulden?", "en": "Debts?"},
         "evidence": "self_reported"},
        {"id": "P_role", "type": "choice", "label": {"nl": "Rol", "en": "Role"}, "evidence": "observed",
         "options": [{"value": "worker", "label": {"nl": "Werknemer", "en": "Worker"}},
                     {"value": "child", "label": {"nl": "Kind aan het werk", "en": "Working child"}}]}]}],
}
PROBE_CATALOGUE: dict[str, object] = {
    "id": "probecat", "version": 1, "norms": {},
    "indicators": [{"code": "CD1", "dimension": "CD", "label": {"nl": "Opgesloten", "en": "Confined"},
                    "strength": {"labour": "S"}, "source": "test"}],
    "rules": [{"id": "locked", "scope": "premises", "when": [{"question": "A_locked", "op": "eq", "value": True}],
               "indicators": ["CD1"], "explanation": {"nl": "Opgesloten.", "en": "Locked in."}}],
    "escalations": [
        {"id": esc, "scope": "person", "profile": "labour", "when": [{"question": q, "op": "eq", "value": v}],
         "reason": {"nl": esc, "en": esc}} for esc, q, v in (("debt", "P_debt", "yes"), ("child", "P_role", "child"))],
    "minor_when": [{"question": "P_role", "op": "eq", "value": "child"}],
    "urgent_guidance": {"title": {"nl": "Bel 112", "en": "Call 112"}, "steps": [{"nl": "Bel 112.", "en": "Call."}]},
}


def _probe_assets(tmp_path: Path) -> Path:
    root = tmp_path / "assets"
    for folder, data in (("templates/probe", PROBE_TEMPLATE), ("catalogue", PROBE_CATALOGUE)):
        (root / folder).mkdir(parents=True)
        (root / folder / "v1.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def _probe_case(persons: list[dict[str, object]], level: int, premises: dict[str, object] | None = None) -> object:
    return {"description": "probe", "template": "probe", "premises": premises or {}, "expect": {"level": level},
            "persons": [{"id": f"w{n}", "label": f"Persoon {n}", "answers": a} for n, a in enumerate(persons, 1)]}


def run_with_assets(tmp_path: Path, *argv: str | Path) -> int:
    args = build_parser().parse_args([str(a) for a in argv])
    return int(args.func(Settings(data_dir=tmp_path, assets_dir=_probe_assets(tmp_path)), args))


def test_margins_name_the_single_answers_that_move_each_level(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    worker = {"P_debt": "no", "P_role": "worker"}
    folder = _case(tmp_path, "locked.yaml", _probe_case([worker, worker, worker], 2, {"A_locked": True}))
    _case(tmp_path, "two_children.yaml", _probe_case([{"P_role": "child"}, {"P_role": "child"}], 3))
    assert run_with_assets(tmp_path, "catalogue", "test", folder, "--margins") == 0
    lines = capsys.readouterr().out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("locked "))
    group = "w1 (Persoon 1 en 2 anderen met dezelfde antwoorden)"
    assert lines[start + 1:start + 5] == [
        f"  ↑ L3: {group} P_debt “Schulden?”: nee → ja",
        f"  ↑ L3: {group} P_role “Rol”: Werknemer → Kind aan het werk",
        "  ↓ L0: premises A_locked “Opgesloten?”: ja → nee",
        "  ↓ L0: premises A_locked “Opgesloten?”: ja → (leeg)",
    ]
    assert lines[start + 5].startswith("two_children ")
    assert lines[start + 6] == "  no single answer moves the level"  # the other child keeps it at level 3
    assert lines[-2:] == ["2 passed, 0 mismatched, 0 broken", "fragile: 1 of 2 cases move a level with one answer"]


def test_margins_of_a_real_reference_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Residents locked in: removing that answer lowers the level."""
    case = CASES / "agency_house_residents_locked_in.yaml"
    assert run(tmp_path, "catalogue", "test", case, "--margins") in (0, 1)
    out = capsys.readouterr().out
    assert any(line.startswith("  ↓ L") and "premises A11_locked_in" in line and "ja → (leeg)" in line
               for line in out.splitlines()), out
    assert out.rstrip().endswith("fragile: 1 of 1 cases move a level with one answer")


def test_margins_leave_a_broken_case_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _case(tmp_path, "broken.yaml", _probe_case([{"P_typo": True}], 0))
    _case(tmp_path, "fine.yaml", _probe_case([{"P_role": "worker"}], 0))
    assert run_with_assets(tmp_path, "catalogue", "test", folder, "--margins") == 2
    out = capsys.readouterr().out
    assert f"BROKEN: {folder / 'broken.yaml'}: person w1: probe@1 has no person question P_typo" in out
    assert "  ↑ L3: w1 (Persoon 1) P_role “Rol”: Werknemer → Kind aan het werk" in out  # the fine case still ran
    assert out.rstrip().endswith("1 passed, 0 mismatched, 1 broken\nfragile: 1 of 1 cases move a level with one answer")
