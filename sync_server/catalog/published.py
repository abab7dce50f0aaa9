"""Reading the published checklists and indicator catalogue (parsed once per content hash). What the controls'
features need from the catalogue; publishing a new version, which re-judges open controls, lives a floor higher in
``catalog.service``."""

from __future__ import annotations

import json
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.catalogue import Catalogue, parse_catalogue
from schemas.templates import Template, parse_template
from sync_server.catalog.models import PublishedCatalogue, PublishedTemplate


@lru_cache(maxsize=64)
def _parse_template(digest: str, text: str) -> Template:
    return parse_template(json.loads(text), f"template {digest[:8]}")


@lru_cache(maxsize=16)
def _parse_catalogue(digest: str, text: str) -> Catalogue:
    return parse_catalogue(json.loads(text), f"catalogue {digest[:8]}")


def get_template(*, session: Session, template_id: str, version: int) -> Template | None:
    row = session.get(PublishedTemplate, (template_id, version))
    if row is None:
        return None
    return _parse_template(row.content_hash, json.dumps(row.content))


def list_templates(*, session: Session) -> list[Template]:
    rows = session.scalars(select(PublishedTemplate).order_by(PublishedTemplate.id, PublishedTemplate.version))
    return [_parse_template(r.content_hash, json.dumps(r.content)) for r in rows]


def get_current_catalogue(*, session: Session) -> Catalogue | None:
    """The newest published catalogue (highest version), or None before one is published."""
    row = session.scalars(select(PublishedCatalogue).order_by(PublishedCatalogue.version.desc()).limit(1)).first()
    if row is None:
        return None
    return _parse_catalogue(row.content_hash, json.dumps(row.content))
