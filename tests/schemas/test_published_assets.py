"""The published data files, loaded exactly as the server and the tablet load them."""

from __future__ import annotations

from schemas.catalogue import check_against_template
from sync_server.assets import all_templates, published_catalogue, published_templates, template_warnings


def test_published_files_load_and_every_rule_refers_to_an_existing_question() -> None:
    templates = published_templates()
    catalogue = published_catalogue()
    assert {t.key for t in templates} >= {"pandenactie@1"}
    assert catalogue.key == "catalogue@1"
    assert template_warnings(catalogue, templates) == []


def test_every_published_template_version_is_valid() -> None:
    assert all_templates()


def test_pandenactie_fits_the_catalogue_exactly() -> None:
    """The catalogue serves the pandenactie template today: no rule may miss it, not even one."""
    pandenactie = next(t for t in published_templates() if t.id == "pandenactie")
    assert check_against_template(published_catalogue(), pandenactie) == []
