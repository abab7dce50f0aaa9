"""The FastAPI application factory.

``create_app(settings)`` builds engine, session factory, blob store and login limiter and hangs them on
``app.state``; nothing is created at import time. Pass ``office_main`` (an async Flet main function) to
serve the office UI at ``/app`` from the same process; its app manager starts and stops with the app.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from sync_server.admin.router import router as admin_router
from sync_server.auth.ratelimit import LoginThrottle
from sync_server.auth.router import router as auth_router
from sync_server.blobs.announcer import Announcer
from sync_server.blobs.router import router as blobs_router
from sync_server.blobs.store import open_blob_store
from sync_server.catalog.router import router as catalogue_router
from sync_server.catalog.service import publish_assets
from sync_server.checklists.router import router as checklists_router
from sync_server.config import Settings
from sync_server.db import make_engine, make_sessionmaker
from sync_server.errors import install_error_handlers
from sync_server.establishments.router import router as establishments_router
from sync_server.inputs import refuse_unstorable_parameters
from sync_server.limits import BodyLimit, limits
from sync_server.links.router import router as links_router
from sync_server.observability import logs
from sync_server.observability import router as observability
from sync_server.observability.database import DatabaseCollector
from sync_server.observability.metrics import RequestMetrics
from sync_server.observability.middleware import RequestObserver
from sync_server.openapi import install_openapi
from sync_server.planning.router import router as planning_router
from sync_server.production import docs_urls, install_docs
from sync_server.reporting.router import router as reporting_router
from sync_server.retention.daily import purge_daily
from sync_server.retention.router import router as retention_router
from sync_server.review.router import router as review_router
from sync_server.sync.router import router as sync_router

logger = logging.getLogger(__name__)
API_PREFIX = "/api/v1"
OfficeMain = Callable[[Any], Awaitable[None]]


def api_router() -> APIRouter:
    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(refuse_unstorable_parameters)])
    for router in (auth_router, sync_router, blobs_router, review_router, planning_router,
                   links_router, reporting_router, establishments_router, retention_router):
        api.include_router(router)
    api.include_router(admin_router)  # users and devices (beheerder)
    api.include_router(catalogue_router)  # the indicator catalogue and reference cases (beheerder)
    api.include_router(checklists_router)  # checklist drafts and publication (beheerder, issue 15 part A)
    return api


def _publish_assets(settings: Settings, factory: sessionmaker[Session]) -> None:
    with factory() as session, session.begin():
        published = publish_assets(session=session, assets_dir=settings.assets_dir, keep_published=True)
    if published:
        logger.info("published %s", ", ".join(published))


def create_app(settings: Settings | None = None, office_main: OfficeMain | None = None) -> FastAPI:
    """Build the server app; the database must already be migrated (``inspectie-server migrate``).

    On startup the asset files are published (idempotent; a file whose version the beheerder already published in
    the app with other content is left out with a warning, ``catalog.service.publish_assets``)."""
    settings = settings or Settings()
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        logs.configure(settings.log_format or ("json" if settings.environment == "production" else "text"))
        if settings.publish_assets_on_startup:
            await run_in_threadpool(_publish_assets, settings, app.state.sessionmaker)
        await run_in_threadpool(app.state.blob_store.expire_partials)
        await run_in_threadpool(app.state.announcer.announce_owed)  # left owed by a process that died
        manager: Any = None
        if office_main is not None:
            import flet_web.fastapi as flet_fastapi  # type: ignore[import-untyped]

            manager = flet_fastapi.app_manager
            await manager.start()
        purging = asyncio.create_task(purge_daily(app)) if settings.purge_daily else None
        try:
            yield
        finally:
            if purging is not None:
                purging.cancel()
            if manager is not None:
                await manager.shutdown()
            await run_in_threadpool(app.state.announcer.wait_idle, 30)
            engine.dispose()

    app = FastAPI(title="Inspectie sync server", version="0.1.0", lifespan=lifespan, **docs_urls(settings))
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.sessionmaker.configure(info={"identifier_key": settings.identifier_key})  # links.service
    app.state.blob_store = open_blob_store(settings)  # on disk, or in an S3 bucket (INSPECTIE_BLOB_BACKEND)
    app.state.announcer = Announcer(app.state.sessionmaker)
    app.state.login_throttle = LoginThrottle(app.state.sessionmaker, settings)  # kept in the database
    install_error_handlers(app)
    app.include_router(api_router())
    install_openapi(app)
    install_docs(app, settings)  # production: /docs, /redoc, /openapi.json for a beheerder only
    app.add_middleware(BodyLimit, limit_for=limits(settings, API_PREFIX))  # 413 before a byte too many is read
    app.state.request_metrics = RequestMetrics()
    app.state.database_metrics = DatabaseCollector(app.state.sessionmaker, settings.metrics_cache_seconds)
    app.add_middleware(RequestObserver, metrics=app.state.request_metrics,  # outermost: logs and counts every request
                       routes=lambda: app.router.routes)
    observability.install(app, settings)  # /readyz, /metrics

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if office_main is not None:
        import flet_web.fastapi as flet_fastapi

        from inspectie_app.ui import web_fonts  # emoji: a local font instead of 404s on every frame (issue 14)
        from inspectie_app.ui.web_page import index_dir  # <html lang="nl">, following the user's language

        app.mount("/app", flet_fastapi.app(office_main, no_cdn=True, assets_dir=web_fonts.install(index_dir())))
    return app


INTERNAL_BASE_URL = "http://inspectie.internal"


def create_served_app(settings: Settings | None = None) -> FastAPI:
    """The server as ``serve`` runs it: the API plus the office Flet app at ``/app``.

    The office app is just another API client: each browser session gets an ``httpx.AsyncClient`` that
    calls this same app in-process (``ASGITransport``), so every office action passes the API's
    authentication, role checks and the sync path, without knowing which address the server is bound to. The
    browser's address is the client address of those calls, so the login throttle counts office logins per browser.
    """
    import httpx

    from inspectie_app.ui.office import make_office_main

    holder: dict[str, FastAPI] = {}

    def client_factory(client_ip: str = "") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=holder["app"], client=(client_ip or "127.0.0.1", 0))
        return httpx.AsyncClient(transport=transport, base_url=INTERNAL_BASE_URL)

    holder["app"] = app = create_app(settings, office_main=make_office_main(client_factory))
    return app
