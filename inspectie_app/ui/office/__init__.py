"""The office (team lead / ketenregisseur) app, served by the sync server at ``/app``."""

from inspectie_app.ui.office.app import OfficeApp, make_office_main

__all__ = ["OfficeApp", "make_office_main"]
