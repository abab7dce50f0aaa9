"""Publishing templates/catalogues (immutable) and flags judged by the real asset files."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from schemas.catalogue import Catalogue
from schemas.engine import evaluate
from schemas.templates import Template
from sync_server import assets
from sync_server.auth.service import get_by_username
from sync_server.catalog import published
from sync_server.catalog import service as catalog
from sync_server.catalog.service import ImmutableAssetError
from sync_server.config import Settings
from sync_server.db import make_engine, make_sessionmaker
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Inspection
from sync_server.migrate import upgrade
from sync_server.seed import seed_demo
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    engine = make_engine(settings)
    with make_sessionmaker(engine)() as s, s.begin():
        yield s
    engine.dispose()


def test_publish_is_idempotent_and_immutable(session: Session, test_template: Template,
                                             test_catalogue: Catalogue) -> None:
    assert catalog.publish_template(session=session, template=test_template) is True
    assert catalog.publish_template(session=session, template=test_template) is False
    changed = test_template.model_copy(update={"control_type": "massagesalon"})
    with pytest.raises(ImmutableAssetError):
        catalog.publish_template(session=session, template=changed)
    assert catalog.publish_catalogue(session=session, catalogue=test_catalogue) is True
    with pytest.raises(ImmutableAssetError):
        catalog.publish_catalogue(session=session, catalogue=test_catalogue.model_copy(update={"norms": {}}))
    assert published.get_template(session=session, template_id="testpand", version=1) == test_template
    assert published.get_current_catalogue(session=session) == test_catalogue


def test_publish_without_catalogue_file(session: Session, tmp_path: Path) -> None:
    (tmp_path / "a" / "templates").mkdir(parents=True)
    assert catalog.publish_assets(session=session, assets_dir=tmp_path / "a") == []


@pytest.mark.skipif(not any((assets.ASSETS_DIR / "catalogue").glob("v*.yaml")),
                    reason="asset catalogue not written yet")
def test_real_assets_publish_and_judge(session: Session) -> None:
    keys = catalog.publish_assets(session=session, assets_dir=assets.ASSETS_DIR)
    catalogue = assets.published_catalogue()
    assert catalogue.key in keys
    assert catalog.publish_assets(session=session, assets_dir=assets.ASSETS_DIR) == []
    template = assets.published_templates()[0]
    seed_demo(session=session)
    inspector = get_by_username(session=session, username="inspecteur1")
    assert inspector is not None
    inspection = Inspection(id=uuid.uuid4(), template_id=template.id, template_version=template.version,
                            control_type=template.control_type, address={"street": "Voorbeeldstraat"},
                            inspector_id=inspector.id, organisation_id=DEFAULT_ORGANISATION_ID,
                            team_id=inspector.team_id, status="finished", started_at=datetime.now(UTC),
                            received_at=datetime.now(UTC))
    session.add(inspection)
    session.flush()
    assert inspections.compute_flag(session=session, inspection=inspection)
    assert inspection.level == evaluate(template, catalogue, {}, []).level == 0  # nothing answered: no signal
    assert inspection.catalogue_key == catalogue.key
