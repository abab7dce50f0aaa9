"""The entry of the inspector's tablet app when it is built with ``flet build`` (``[tool.flet.app]`` in
pyproject.toml names this module; docs/TABLETS.md). Run from a source checkout, ``inspectie-app`` is the entry."""

import flet as ft

from inspectie_app.tablet import tablet_main

if __name__ == "__main__":
    ft.run(tablet_main())
