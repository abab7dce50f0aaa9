"""Address lookup through the public PDOK Locatieserver (when the server is online).

The httpx transport comes from ``app.state.pdok_transport`` (None = the real network), so tests replay a
recorded response through ``httpx.MockTransport``. Any failure is ``address_lookup_unavailable``: the
planner then types the address by hand, which always works.
"""

from __future__ import annotations

import httpx

from schemas.addresses import parse_pdok
from schemas.records import Address
from sync_server.errors import ApiError

PDOK_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
FIELDS = ("id weergavenaam type straatnaam huisnummer huisletter huisnummertoevoeging postcode woonplaatsnaam "
          "gemeentenaam wijknaam buurtnaam score")
TIMEOUT_SECONDS = 5.0


async def lookup(query: str, *, transport: httpx.AsyncBaseTransport | None = None,
                 municipality: str = "Arnhem") -> list[Address]:
    """Up to ten addresses matching ``query`` (e.g. ``6811 AA 12`` or ``Voorbeeldstraat 12``)."""
    params = {"q": query, "fq": "type:adres", "rows": "10", "fl": FIELDS}
    if municipality:
        params["fq"] = f"type:adres AND gemeentenaam:{municipality}"
    try:
        async with httpx.AsyncClient(transport=transport, timeout=TIMEOUT_SECONDS) as client:
            response = await client.get(PDOK_URL, params=params)
            response.raise_for_status()
            return parse_pdok(response.json())
    except (httpx.HTTPError, ValueError):
        raise ApiError("address_lookup_unavailable") from None
