"""The tablet app packages without the server (issue 14, docs/TABLETS.md): ``[project].dependencies`` is what
``flet build`` installs on Android, iPadOS and Windows, so it names nothing server-only; each of its packages has
a documented mobile status; and every module the tablet runs imports with the server's packages absent."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SERVER_ONLY = {"fastapi", "starlette", "uvicorn", "argon2-cffi", "psycopg", "flet-web", "flet-charts", "fpdf2",
               "openpyxl", "icalendar", "prometheus-client", "pillow-heif", "boto3"}
# their import names, blocked in the child process below
BLOCKED = ["fastapi", "starlette", "uvicorn", "argon2", "psycopg", "flet_web", "flet_charts", "fpdf", "openpyxl",
           "icalendar", "prometheus_client", "pillow_heif", "boto3", "sync_server"]


def _names(requirements: list[str]) -> set[str]:
    return {re.sub(r"[-_.]+", "-", Requirement(r).name).lower() for r in requirements}


def test_the_apps_dependencies_name_nothing_server_only() -> None:
    app = _names(PYPROJECT["project"]["dependencies"])
    assert app and not app & SERVER_ONLY, app & SERVER_ONLY
    assert "flet" in app


def test_every_app_dependency_has_its_mobile_status_documented() -> None:
    """docs/TABLETS.md's table names each package the tablet installs, with its Android/iOS wheel or fallback."""
    text = (ROOT / "docs" / "TABLETS.md").read_text(encoding="utf-8")
    section = text.split("## The app's packages on mobile", 1)[1].split("\n## ", 1)[0]
    table = set()
    for line in section.splitlines():
        cells = [c.strip(" `*") for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) >= 3:
            table.add(re.sub(r"[-_.]+", "-", cells[0]).lower())
    app = _names(PYPROJECT["project"]["dependencies"]) | _names(PYPROJECT["tool"]["flet"]["windows"]["dependencies"])
    assert app - table == set(), f"not in docs/TABLETS.md: {app - table}"
    assert table - app == set(), f"docs/TABLETS.md names packages the app does not install: {table - app}"


def test_flet_build_finds_the_entry_and_leaves_the_server_out() -> None:
    app = PYPROJECT["tool"]["flet"]["app"]
    assert (ROOT / app["path"] / f"{app['module']}.py").is_file()
    for kept_out in ("sync_server", "tests", "benchmarks", ".venv", "inspectie_app/ui/office"):
        assert kept_out in app["exclude"]


CHILD = """
import importlib, pkgutil, sys
BLOCKED = set(sys.argv[1].split(","))

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"server-only package imported on the tablet: {name}")
        return None

sys.meta_path.insert(0, Block())
import inspectie_app
skipped = ("inspectie_app.ui.office", "inspectie_app.__main__")  # the office app runs in the server, not on a tablet
for m in pkgutil.walk_packages(inspectie_app.__path__, "inspectie_app."):
    if not m.name.startswith(skipped) and ".migrations." not in m.name:  # alembic loads those itself
        importlib.import_module(m.name)
import flet_main, schemas.engine, schemas.facts
from inspectie_app.tablet import tablet_main
main = tablet_main()
assert main.__name__ == "main", main
from inspectie_app.photos import PhotoError, process_photo
try:
    process_photo(open(sys.argv[2], "rb").read())
except PhotoError as exc:
    assert exc.code == "photo_heic_unsupported", exc.code
else:
    raise AssertionError("a HEIC photo without pillow-heif was accepted")
print("ok", len([m for m in sys.modules if m.startswith("inspectie_app")]))
"""


def test_the_tablet_runs_without_any_server_package(tmp_path: Path) -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    heic = tmp_path / "photo.heic"
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(buf, "HEIF")
    heic.write_bytes(buf.getvalue())
    (tmp_path / "settings.toml").write_text('server_url = "http://127.0.0.1:9"\n', encoding="utf-8")
    env = {**os.environ, "INSPECTIE_APP_SETTINGS_FILE": str(tmp_path / "settings.toml"),
           "FLET_APP_STORAGE_DATA": str(tmp_path / "storage"), "INSPECTIE_APP_KEY_STORE": "file",
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", CHILD, ",".join(BLOCKED), str(heic)], capture_output=True,
                            text=True, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("ok")
    assert (tmp_path / "storage" / "inspectie.db").is_file()
