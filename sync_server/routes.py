"""The app's route table, read from the routers themselves: below the error handlers, the OpenAPI schema and the
request log, which all need it (``errors`` for a 405's ``Allow`` header, ``openapi`` to document each route,
``observability.middleware`` for the route template it logs). It imports no feature of the server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import compile_path


def api_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """(full path, route) of every API route, also inside included routers (FastAPI keeps those as their own
    objects with the router and its prefix)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            context = getattr(route, "include_context", None)
            yield from api_routes(included.routes, prefix + str(getattr(context, "prefix", "")))
        elif isinstance(route, APIRoute):
            yield prefix + route.path_format, route


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route of ``app`` answers at ``path`` (for the ``Allow`` header of a 405: Starlette names
    only the methods of the first route that matched the path)."""
    table = getattr(app.state, "route_methods", None)
    if table is None:
        table = [(compile_path(full)[0], route.methods or set()) for full, route in api_routes(app.router.routes)]
        app.state.route_methods = table
    found = {m for regex, methods in table if regex.match(path) for m in methods}
    return sorted(found | ({"HEAD"} if "GET" in found else set()))
