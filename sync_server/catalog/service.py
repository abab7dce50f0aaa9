"""Publishing templates and catalogues from the asset files into the database, and reading them back.

Publishing is idempotent: an id+version already stored with the same content is skipped; the same
id+version with different content is refused (``ImmutableAssetError``): publish a new version instead.
Each new publication is emitted to scope ``all`` so every device receives it.

Since the beheerder publishes checklists and the catalogue in the office app (issue 15), a release's asset file can
carry a version number the municipality already used for its own edit. At the server's start that file is kept out
(``keep_published``): the stored version is what tablets hold and what stored answers were judged by, and a server
that refused to start over it would stop every sync and every signal. The CLI's ``publish`` stays strict.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from schemas.catalogue import Catalogue
from schemas.templates import Template, TemplateError
from sync_server import assets
from sync_server.catalog.models import PublishedCatalogue, PublishedTemplate
from sync_server.catalog.published import get_current_catalogue
from sync_server.catalog.reevaluate import reevaluate_open_controls
from sync_server.sync import changes

logger = logging.getLogger(__name__)


class ImmutableAssetError(ValueError):
    """A published id+version was offered again with different content."""


def _canonical(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return json.loads(text), hashlib.sha256(text.encode()).hexdigest()


def publish_template(*, session: Session, template: Template) -> bool:
    """Store one template version; True when it was new."""
    content, digest = _canonical(template.model_dump(mode="json", by_alias=True))
    changes.lock(session=session)  # first: two worker processes starting at once publish one after the other
    found = session.get(PublishedTemplate, (template.id, template.version))
    if found is not None:
        if found.content_hash != digest:
            raise ImmutableAssetError(f"template {template.key} is already published with different content")
        return False
    session.add(PublishedTemplate(id=template.id, version=template.version, control_type=template.control_type,
                                  content=content, content_hash=digest, published_at=datetime.now(UTC)))
    changes.emit(session=session, entity="template", entity_id=template.key, scope="all", data=content)
    return True


def publish_catalogue(*, session: Session, catalogue: Catalogue) -> bool:
    """Store one catalogue version; True when it was new. A new current version re-judges open controls."""
    content, digest = _canonical(catalogue.model_dump(mode="json", by_alias=True))
    changes.lock(session=session)  # first, as in publish_template
    found = session.get(PublishedCatalogue, (catalogue.id, catalogue.version))
    if found is not None:
        if found.content_hash != digest:
            raise ImmutableAssetError(f"catalogue {catalogue.key} is already published with different content")
        return False
    session.add(PublishedCatalogue(id=catalogue.id, version=catalogue.version, content=content,
                                   content_hash=digest, published_at=datetime.now(UTC)))
    changes.emit(session=session, entity="catalogue", entity_id=catalogue.key, scope="all", data=content)
    session.flush()
    current = get_current_catalogue(session=session)
    if current is not None and current.key == catalogue.key:
        reevaluate_open_controls(session=session, catalogue=catalogue)
    return True


def publish_assets(*, session: Session, assets_dir: Path, keep_published: bool = False) -> list[str]:
    """Publish every template version and the newest catalogue found under ``assets_dir``; returns new keys.

    ``keep_published``: a file whose id+version is already stored with other content (a version the beheerder
    published in the app) is left out with a warning instead of raising ``ImmutableAssetError``."""
    published: list[str] = []

    def publish(key: str, kind: str, publish_one: Any) -> None:
        try:
            with session.begin_nested():
                if publish_one():
                    published.append(key)
        except ImmutableAssetError:
            if not keep_published:
                raise
            logger.warning("asset %s %s not published: that version is already published with other content "
                           "(in the app); the stored version stays. Give the file the next free version number "
                           "or publish its changes as a new version in the office app.", kind, key)

    templates_dir = assets_dir / "templates"
    if templates_dir.is_dir():
        for template in assets.all_templates(assets_dir):
            publish(template.key, "template", lambda t=template: publish_template(session=session, template=t))
    try:
        catalogue = assets.published_catalogue(assets_dir)
    except TemplateError:
        if any((assets_dir / "catalogue").glob("v*.y*ml")):
            raise
        return published  # no catalogue file yet: flags are not computed until one is published
    publish(catalogue.key, "catalogue", lambda: publish_catalogue(session=session, catalogue=catalogue))
    return published
