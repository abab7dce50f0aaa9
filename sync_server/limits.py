"""A limit on every request body, before anything reads it.

An ASGI middleware, not a dependency: FastAPI parses a JSON body before any dependency runs, so the limit must sit
in front of the app. A declared ``Content-Length`` over the limit is answered 413 ``body_too_large`` at once,
without reading a byte; a body without one (chunked) is counted as it streams in and cut off the moment it passes
the limit. The endpoint never sees the rest: FastAPI turns the interruption into an error response of its own,
which is replaced by the 413 (nothing has been sent yet, and the request's transaction rolled back).

Limits (``config.Settings``): a photo chunk ``max_chunk_bytes`` (the blob router checks the upload's own limits
too), a revoked tablet's whole photo ``max_blob_bytes``, a push ``max_push_bytes`` (up to 500 mutations), every
other body ``max_body_bytes``.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync_server.config import Settings
from sync_server.errors import error_body

LimitFor = Callable[[str, str], int]


class BodyTooLarge(Exception):
    """Raised into the app from ``receive`` when the body passes its limit."""


def limits(settings: Settings, api_prefix: str) -> LimitFor:
    """The body limit of a request by method and path."""
    blobs, push = f"{api_prefix}/blobs/", f"{api_prefix}/sync/push"
    handover_photos = f"{api_prefix}/sync/handover/photos/"  # a revoked tablet's photo, whole (sync.handover)

    def limit_for(method: str, path: str) -> int:
        if method == "PATCH" and path.startswith(blobs):
            return settings.max_chunk_bytes
        if method == "PUT" and path.startswith(handover_photos):
            return settings.max_blob_bytes
        if path == push:
            return settings.max_push_bytes
        return settings.max_body_bytes

    return limit_for


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodyLimit:
    """Refuse a request body over ``limit_for(method, path)`` bytes with 413 ``body_too_large``."""

    def __init__(self, app: ASGIApp, limit_for: LimitFor) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, root = scope["path"], scope.get("root_path", "")
        limit = self.limit_for(scope["method"], path[len(root):] if root and path.startswith(root) else path)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _too_large(scope, receive, send, limit)
            return
        received, exceeded, started = 0, False, False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the app's answer to the interruption; the 413 goes instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:  # BodyTooLarge itself, or whatever the app made of it
            if not exceeded or started:
                raise
        if exceeded and not started:
            await _too_large(scope, receive, send, limit)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    body = error_body("body_too_large", f"at most {limit} bytes")
    await JSONResponse(body, status_code=413, headers={"Connection": "close"})(scope, receive, send)
