"""The published data files, loaded exactly as the server and the tablet load them."""

from __future__ import annotations

from schemas.catalogue import check_against_template
from sync_server.assets import all_templates, published_catalogue, published_templates, template_warnings


def test_published_files_load_and_every_rule_refers_to_an_existing_question() -> None:
    templates = published_templates()
    catalogue = published_catalogue()
    assert {t.key for t in templates} == {"pandenactie@2", "massagesalon@1", "seksinrichting_vergund@1",
                                          "seksinrichting_onvergund@1"}
    assert catalogue.key == "catalogue@2"
    assert template_warnings(catalogue, templates) == []


def test_every_published_template_version_is_valid() -> None:
    assert all_templates()


def test_every_template_version_fits_the_published_catalogue() -> None:
    """Old template versions stay in use on finished controls: the newest catalogue must still fit them."""
    for template in all_templates():
        assert check_against_template(published_catalogue(), template) == [], template.key
    assert template_warnings(published_catalogue(), all_templates()) == []
