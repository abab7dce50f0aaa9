"""Query and path parameters pass the rule request bodies pass (``schemas.inputs``): one dependency on the API
router, so a NUL in ``?neighbourhood=`` is a 422 ``input_unstorable`` and never reaches a query."""

from __future__ import annotations

from fastapi import Request

from schemas.inputs import problem
from sync_server.errors import ApiError


def refuse_unstorable_parameters(request: Request) -> None:
    """422 ``input_unstorable`` when a query or path parameter holds a character no database stores."""
    found = problem([*request.query_params.multi_items(), *request.path_params.items()])
    if found is not None:
        raise ApiError("input_unstorable", detail="parameters: " + found.partition(": ")[2])
