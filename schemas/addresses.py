"""Dutch address rules shared by the office UI and the server: postcode, huisnummer, toevoeging.

Pure functions: ``address_problems`` names each wrong field (keys are field names, values are stable
problem codes the UI translates), ``normalise`` brings a valid address into one canonical form
(postcode ``1234 AB``), and ``address_key`` is the identity used to group controls at the same address.
``parse_pdok`` reads a PDOK Locatieserver ``free`` response (type ``adres``) into addresses.
"""

from __future__ import annotations

import re
from typing import Any

from schemas.records import Address

POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})$")
HOUSE_NUMBER = re.compile(r"^[1-9][0-9]{0,4}$")
ADDITION = re.compile(r"^[A-Za-z0-9]{1,4}$")
# Postcode letter pairs PostNL never issues.
_NOT_ISSUED = {"SA", "SD", "SS"}
_WIJK_PREFIX = re.compile(r"^Wijk\s+\d+\s+")


def postcode_problem(postcode: str, *, required: bool = False) -> str | None:
    """``required`` / ``invalid_postcode`` or None."""
    value = postcode.strip()
    if not value:
        return "required_field" if required else None
    match = POSTCODE.match(value)
    if match is None or match.group(2).upper() in _NOT_ISSUED:
        return "invalid_postcode"
    return None


def address_problems(address: Address, *, postcode_required: bool = False) -> dict[str, str]:
    """Field name -> problem code for every wrong field of ``address`` (empty when it is valid)."""
    problems: dict[str, str] = {}
    if not address.street.strip():
        problems["street"] = "required_field"
    number = address.house_number.strip()
    if not number:
        problems["house_number"] = "required_field"
    elif not HOUSE_NUMBER.match(number):
        problems["house_number"] = "invalid_house_number"
    if address.addition.strip() and not ADDITION.match(address.addition.strip()):
        problems["addition"] = "invalid_addition"
    postcode = postcode_problem(address.postcode, required=postcode_required)
    if postcode:
        problems["postcode"] = postcode
    if not address.city.strip():
        problems["city"] = "required_field"
    return problems


def normalise_postcode(postcode: str) -> str:
    match = POSTCODE.match(postcode.strip())
    return f"{match.group(1)} {match.group(2).upper()}" if match else postcode.strip()


def normalise(address: Address) -> Address:
    """Trimmed fields, postcode as ``1234 AB``, toevoeging in capitals."""
    return address.model_copy(update={
        "street": address.street.strip(), "house_number": address.house_number.strip(),
        "addition": address.addition.strip().upper(), "postcode": normalise_postcode(address.postcode),
        "city": address.city.strip(), "neighbourhood": address.neighbourhood.strip(),
    })


def address_key(address: Address) -> str:
    """The identity of an address for grouping: postcode + number + addition, else street + number + city."""
    number = re.sub(r"\s|-", "", f"{address.house_number}{address.addition}").upper()
    postcode = address.postcode.replace(" ", "").upper()
    if postcode:
        return f"{postcode}|{number}"
    return f"{address.street.strip().lower()}|{number}|{address.city.strip().lower()}"


def parse_pdok(body: Any, *, limit: int = 10) -> list[Address]:
    """Addresses from a Locatieserver v3.1 ``free`` response; other document types are skipped."""
    docs = body.get("response", {}).get("docs", []) if isinstance(body, dict) else []
    out: list[Address] = []
    for doc in docs if isinstance(docs, list) else []:
        if not isinstance(doc, dict) or doc.get("type") != "adres":
            continue
        address = _pdok_address(doc)
        if address is not None:
            out.append(address)
        if len(out) >= limit:
            break
    return out


def _pdok_address(doc: dict[str, Any]) -> Address | None:
    street = str(doc.get("straatnaam") or "").strip()
    number = str(doc.get("huisnummer") or "").strip()
    if not street or not number:
        return None
    addition = f"{doc.get('huisletter') or ''}{doc.get('huisnummertoevoeging') or ''}".strip()
    return normalise(Address(street=street[:200], house_number=number[:20], addition=addition[:10],
                             postcode=str(doc.get("postcode") or "")[:7],
                             city=str(doc.get("woonplaatsnaam") or "")[:100] or "Arnhem",
                             neighbourhood=_WIJK_PREFIX.sub("", str(doc.get("wijknaam") or ""))[:100]))
