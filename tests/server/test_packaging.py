"""The wheel is what a deployment installs (Dockerfile, deploy/): it carries ``assets/`` (templates, catalogue,
modules, fonts, enforcement matrix) and the installed server finds them outside the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import sys, sync_server, sync_server.assets as a
from sync_server.reporting import pdf
root = sys.argv[1]
assert sync_server.__file__.startswith(root), sync_server.__file__
assert str(a.ASSETS_DIR).startswith(root) and a.ASSETS_DIR.name == "_assets", a.ASSETS_DIR
templates = a.all_templates()
assert templates, "no templates"
assert (pdf.FONTS / "DejaVuSans.ttf").is_file()
print(len(templates), a.ASSETS_DIR)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return next(out.glob("*.whl"))


def test_the_wheel_carries_the_assets(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    packaged = {n.split("/_assets/", 1)[1] for n in names if n.startswith("sync_server/_assets/")}
    in_repo = {p.relative_to(ROOT / "assets").as_posix() for p in (ROOT / "assets").rglob("*") if p.is_file()}
    assert packaged == in_repo


def test_the_installed_server_finds_its_assets_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # what pip puts into site-packages
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("INSPECTIE_ASSETS_DIR", None)
    result = subprocess.run([sys.executable, "-c", CHECK, str(site)], capture_output=True, text=True,
                            cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
