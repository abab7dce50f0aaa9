"""One log line and the request metrics per HTTP request, with a request id.

A pure ASGI middleware, outermost, so it also sees the 413s of ``limits.BodyLimit`` and the 500s no handler caught.
The request id is the caller's ``X-Request-ID`` when that is a short token (a proxy's id, so both logs line up),
else a new one; it is answered in ``X-Request-ID`` and kept in ``scope["state"]["request_id"]``. The user is what
the auth dependency put in ``scope["state"]["principal"]`` (``auth.deps``): logged by id and role only. The route
is the matched route's full template (``scope["route"]``), a mounted app's prefix and ``/*``, or ``unmatched``:
never the raw path.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync_server.observability.logs import REQUEST_LOGGER
from sync_server.observability.metrics import RequestMetrics
from sync_server.routes import api_routes

logger = logging.getLogger(REQUEST_LOGGER)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
HEADER = b"x-request-id"


class RouteTemplates:
    """The full template of every route (an included router's routes know only their own part of the path) and
    the prefixes of mounted apps, read once the app is complete (at its first request)."""

    def __init__(self, routes: Callable[[], list[Any]]) -> None:
        self.routes = routes
        self._templates: dict[int, str] | None = None
        self._mounts: list[str] = []

    def __call__(self, scope: Scope) -> str:
        if self._templates is None:
            routes = self.routes()
            self._templates = {id(route): path for path, route in api_routes(routes)}
            self._mounts = [r.path for r in routes if isinstance(r, Mount)]
        route = scope.get("route")
        if route is not None and id(route) in self._templates:
            return self._templates[id(route)]
        path = str(scope.get("path", ""))
        for mount in self._mounts:
            if path == mount or path.startswith(mount + "/"):
                return f"{mount}/*"
        return "unmatched"


def request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == HEADER:
            given = str(value.decode("latin-1"))
            if REQUEST_ID.match(given):
                return given
    return uuid.uuid4().hex


class RequestObserver:
    """Log and count every HTTP request (websockets pass through untouched)."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics, routes: Callable[[], list[Any]]) -> None:
        self.app = app
        self.metrics = metrics
        self.template = RouteTemplates(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = rid
        seen = {"status": 500, "received": 0, "sent": 0}
        start = time.perf_counter()

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen["received"] += len(message.get("body", b""))
            return message

        async def tagging_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                message["headers"] = [*message.get("headers", []), (HEADER, rid.encode())]
            elif message["type"] == "http.response.body":
                seen["sent"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, tagging_send)
        finally:
            self._record(scope, rid, seen, time.perf_counter() - start)

    def _record(self, scope: Scope, rid: str, seen: dict[str, int], seconds: float) -> None:
        route, method = self.template(scope), scope["method"]
        principal = scope.get("state", {}).get("principal")
        self.metrics.observe(method=method, route=route, status=seen["status"], seconds=seconds,
                             received=seen["received"], sent=seen["sent"])
        logger.info("request", extra={
            "request_id": rid, "method": method, "route": route, "status": seen["status"],
            "duration_ms": round(seconds * 1000, 1), "bytes_in": seen["received"], "bytes_out": seen["sent"],
            "user_id": str(principal.user_id) if principal is not None else None,
            "role": str(principal.role.value) if principal is not None else None})
