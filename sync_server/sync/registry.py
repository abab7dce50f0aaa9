"""Every mutation a push can apply, by name: each feature keeps its own handlers (``inspections.mutations``,
``links.mutations``) and this module, above both, joins them — no feature registers into another."""

from __future__ import annotations

from sync_server.inspections import mutations as inspection_mutations
from sync_server.inspections.mutations import Handler
from sync_server.links import mutations as link_mutations

HANDLERS: dict[str, Handler] = {**inspection_mutations.HANDLERS, **link_mutations.HANDLERS}
CHECKS_BEFORE_WRITING = inspection_mutations.CHECKS_BEFORE_WRITING
"""Handlers that raise ``Rejected`` only before their first write: run without a savepoint (see there)."""
