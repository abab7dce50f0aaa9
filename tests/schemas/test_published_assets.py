"""The published data files, loaded exactly as the server and the tablet load them."""

from __future__ import annotations

from schemas.catalogue_fit import check_against_template, template_versions
from sync_server.assets import all_templates, published_catalogue, published_templates, template_warnings


def test_published_files_load_and_every_rule_refers_to_an_existing_question() -> None:
    templates = published_templates()
    catalogue = published_catalogue()
    assert {t.key for t in templates} == {"pandenactie@3", "massagesalon@2", "seksinrichting_vergund@2",
                                          "seksinrichting_onvergund@2", "horeca@1", "flitsbezorger@1"}
    assert catalogue.key == "catalogue@3"
    assert template_warnings(catalogue, all_templates()) == []  # the newest catalogue serves every version


def test_every_published_template_version_is_valid() -> None:
    assert all_templates()


def test_every_template_version_fits_the_published_catalogue() -> None:
    """Old template versions stay in use on finished controls: the newest catalogue must still fit them. A question
    or option that another version of the same template has is not a typo where this version lacks it."""
    versions = template_versions(all_templates())
    for template in all_templates():
        assert check_against_template(published_catalogue(), template, versions) == [], template.key
    assert template_warnings(published_catalogue(), all_templates()) == []
