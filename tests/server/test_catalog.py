"""Publishing templates/catalogues (immutable) and flags judged by the real asset files."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
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


def test_a_release_file_on_a_version_published_in_the_app_does_not_stop_the_start(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The beheerder published testpand v2 and catalogue v2 in the app; the next release ships its own v2 files and
    a new v3: the server starts, keeps the app's v2 (what tablets hold), publishes v3 and says what it left out."""
    from sync_server.app import create_app
    from tests.server.conftest import CATALOGUE, TEMPLATE, write_assets

    def start(app_settings: Settings) -> int:
        """Start the server as ``serve`` does (its lifespan publishes the assets) and ask whether it is ready."""
        async def run() -> int:
            app = create_app(app_settings)
            async with app.router.lifespan_context(app), httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://server") as client:
                return (await client.get("/readyz")).status_code
        return asyncio.run(run())

    settings = Settings(data_dir=tmp_path / "server", assets_dir=tmp_path / "first")
    upgrade(settings)
    app_v2 = {**TEMPLATE, "version": 2, "title": {"nl": "Testpand (gemeente)", "en": "Test premises (municipality)"}}
    app_cat2 = {**CATALOGUE, "version": 2, "norms": {"min_age": 18, "max_persons_per_room": 2}}
    write_assets(tmp_path / "first", [TEMPLATE, app_v2], [CATALOGUE, app_cat2])
    assert start(settings) == 200
    release_v2 = {**TEMPLATE, "version": 2, "title": {"nl": "Testpand (release)", "en": "Test premises (release)"}}
    release_v3 = {**TEMPLATE, "version": 3}
    release_cat2 = {**CATALOGUE, "version": 2, "norms": {"min_age": 21}}
    release = write_assets(tmp_path / "release", [TEMPLATE, release_v2, release_v3], [CATALOGUE, release_cat2])
    with caplog.at_level("WARNING"):
        assert start(settings.model_copy(update={"assets_dir": release})) == 200
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "testpand@2" in warned and "testcat@2" in warned and "testpand@3" not in warned
    engine = make_engine(settings)
    with make_sessionmaker(engine)() as s:
        assert published.get_template(session=s, template_id="testpand", version=2).title.nl == "Testpand (gemeente)"
        assert published.get_template(session=s, template_id="testpand", version=3) is not None
        assert published.get_current_catalogue(session=s).norms["max_persons_per_room"] == 2
    with make_sessionmaker(engine)() as s, s.begin(), pytest.raises(ImmutableAssetError):  # the CLI stays strict
        catalog.publish_assets(session=s, assets_dir=release)
    engine.dispose()


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
