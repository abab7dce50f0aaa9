"""The daily purge of ``serve`` (``INSPECTIE_PURGE_DAILY=true``): once at start, then every 24 hours."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool

from sync_server.retention import service

logger = logging.getLogger(__name__)
DAY_SECONDS = 24 * 3600


async def purge_daily(app: Any, interval: float = DAY_SECONDS) -> None:
    """Purge, wait ``interval`` seconds, again, until cancelled; a failed run is logged and tried next time."""
    while True:
        try:
            results = await run_in_threadpool(service.run, settings=app.state.settings,
                                              factory=app.state.sessionmaker, store=app.state.blob_store,
                                              trigger="daily")
            logger.info("purge: %s", "; ".join(f"{r.organisation_key} {r.counts()}" for r in results))
        except Exception:  # never take the server down; the next day tries again
            logger.exception("the daily purge failed")
        await asyncio.sleep(interval)
