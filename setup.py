"""Packaging beyond pyproject.toml: the wheel carries the repository's ``assets/`` folder as
``sync_server/_assets`` (templates, catalogue, modules, fonts, enforcement matrix), so an installed server finds
them outside the source tree (``sync_server.assets.ASSETS_DIR``). An editable install keeps reading ``assets/``."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "sync_server" / "_assets"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(ROOT / "assets", target)


setup(cmdclass={"build_py": BuildWithAssets})
