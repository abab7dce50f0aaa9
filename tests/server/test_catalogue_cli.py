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
CASES = ROOT / "tests" / "cases"


def run(tmp_path: Path, *argv: str | Path) -> int:
    args = build_parser().parse_args([str(a) for a in argv])
    return int(args.func(Settings(data_dir=tmp_path), args))


def test_every_reference_case_passes_against_the_published_catalogue(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, "catalogue", "test", CASES) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"catalogue {assets.published_catalogue().key}\n")
    assert "so_suitcase_house_no_ad_login" in out and "L2 sexual" in out
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
    assert "`massagesalon@1`: M07_pay_model" in text and "`seksinrichting_onvergund@1`: SO10_locked_in" in text
    assert run(tmp_path, "catalogue", "docs", "--output", out, "--check") == 0
    out.write_text(text + "edited by hand\n", encoding="utf-8")
    assert run(tmp_path, "catalogue", "docs", "--output", out, "--check") == 1


def test_console_script_runs_the_cases() -> None:
    """The exact command dev.py's test step and CI run."""
    exe = Path(sys.executable).with_name("inspectie-server")
    result = subprocess.run([str(exe), "catalogue", "test", "tests/cases"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
