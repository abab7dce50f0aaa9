"""``/readyz`` (the database answers at the newest schema, the photo store can be written) and ``/metrics``.

``/healthz`` stays the liveness check (the process answers); ``/readyz`` is what a load balancer or an orchestrator
asks before sending traffic: 503 while the database is unreachable or not yet migrated (an upgrade in progress), or
the photo store cannot be written. Neither is part of the API's schema.

``/metrics`` is protected by a token (``INSPECTIE_METRICS_TOKEN``, sent as ``Authorization: Bearer``) rather than by
the address it is bound to: behind a reverse proxy every request comes from the proxy's address, and the office
app shares the port. Without a token it is open in development and answers 404 in production.
"""

from __future__ import annotations

import hmac
import logging
from functools import cache
from typing import Any

from alembic.script import ScriptDirectory
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from sync_server.config import Settings
from sync_server.errors import error_body

logger = logging.getLogger(__name__)


@cache
def schema_head(script_location: str) -> str | None:
    """The newest migration the code has."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", script_location)
    return ScriptDirectory.from_config(cfg).get_current_head()


def database_check(app: FastAPI) -> str:
    """``ok``, ``unreachable`` or ``migration_pending``."""
    from sync_server.migrate import MIGRATIONS_DIR

    try:
        with app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            try:
                version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except Exception:  # no migration ran yet
                version = None
    except Exception:
        logger.warning("readyz: the database does not answer", exc_info=True)
        return "unreachable"
    return "ok" if version == schema_head(str(MIGRATIONS_DIR)) else "migration_pending"


def blob_store_check(app: FastAPI) -> str:
    """``ok`` or ``unavailable``."""
    try:
        app.state.blob_store.check()
    except Exception:
        logger.warning("readyz: the photo store cannot be written", exc_info=True)
        return "unavailable"
    return "ok"


def metrics_allowed(settings: Settings, request: Request) -> bool:
    if not settings.metrics_token:
        return settings.environment == "development"
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), settings.metrics_token.encode())


def install(app: FastAPI, settings: Settings) -> None:
    @app.get("/readyz", tags=["health"], include_in_schema=False)
    def readyz() -> JSONResponse:
        checks = {"database": database_check(app), "blob_store": blob_store_check(app)}
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ready" if ready else "not_ready", "checks": checks},
                            status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Any:
        if not metrics_allowed(settings, request):
            if settings.metrics_token:
                return JSONResponse(error_body("not_authenticated"), status_code=401,
                                    headers={"WWW-Authenticate": "Bearer"})
            return JSONResponse(error_body("not_found"), status_code=404)
        body = app.state.request_metrics.exposition(app.state.database_metrics)
        return Response(body, media_type=CONTENT_TYPE_LATEST)
