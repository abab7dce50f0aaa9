"""The one identifier normaliser and validator (``schemas.identifiers``, issue 14), which the tablet checks with and
the server refuses by: properties over any text (hypothesis; no example database is kept) and the rules by example."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspectie_app import services
from schemas.identifiers import MASK, MAX_LENGTH, PROBLEMS, IdentifierKind, hint, normalise, problem
from sync_server.links import service as links

KINDS = st.sampled_from(list(IdentifierKind))
TEXT = st.text(max_size=80)
DIGITS = st.text(alphabet="0123456789", min_size=8, max_size=8)


@settings(max_examples=300, deadline=None, database=None)
@given(kind=KINDS, value=TEXT)
def test_any_text_is_either_refused_with_a_known_code_or_storable(kind: IdentifierKind, value: str) -> None:
    found = problem(kind, value)
    assert found is None or found in PROBLEMS
    if found is None:
        canonical = normalise(kind, value)
        assert canonical  # something the server can key
        assert len(hint(kind, canonical)) <= 40  # control_identifier.hint is String(40)
        if kind is IdentifierKind.UITZENDBUREAU:
            assert canonical.isdigit() and len(canonical) <= 20  # public_value is String(20)


@settings(max_examples=200, deadline=None, database=None)
@given(kind=KINDS, value=TEXT, before=st.sampled_from(["", " ", "  \t", "\n"]),
       after=st.sampled_from(["", " ", "\t ", "\n"]))
def test_surrounding_whitespace_changes_nothing(kind: IdentifierKind, value: str, before: str, after: str) -> None:
    assert problem(kind, before + value + after) == problem(kind, value)
    assert normalise(kind, before + value + after) == normalise(kind, value)


@settings(max_examples=100, deadline=None, database=None)
@given(digits=DIGITS, separator=st.sampled_from(["", " ", "-", ".", " - "]))
def test_one_mobile_number_however_it_is_written(digits: str, separator: str) -> None:
    spaced = separator.join([digits[:2], digits[2:5], digits[5:]])
    forms = ["06" + digits, f"06{separator}{spaced}", f"+31 6 {spaced}", f"0031 6{separator}{digits}",
             f"(06) {spaced}"]
    assert {normalise(IdentifierKind.PHONE, f) for f in forms} == {"06" + digits}
    assert all(problem(IdentifierKind.PHONE, f) is None for f in forms)


@settings(max_examples=100, deadline=None, database=None)
@given(digits=DIGITS, prefix=st.sampled_from(["", "KvK ", "kvk-nummer: ", "KVK nr. "]),
       separator=st.sampled_from(["", " ", ".", "-"]))
def test_a_kvk_number_with_words_and_separators(digits: str, prefix: str, separator: str) -> None:
    value = prefix + separator.join([digits[:4], digits[4:]])
    assert normalise(IdentifierKind.UITZENDBUREAU, value) == digits
    assert problem(IdentifierKind.UITZENDBUREAU, value) is None
    assert hint(IdentifierKind.UITZENDBUREAU, digits) == digits  # a public register number, shown whole


@settings(max_examples=100, deadline=None, database=None)
@given(kind=KINDS, extra=st.text(min_size=1, max_size=20))
def test_longer_than_the_limit_is_refused_whatever_it_holds(kind: IdentifierKind, extra: str) -> None:
    value = "7" * MAX_LENGTH + extra.strip() + "7"
    assert problem(kind, value) == "identifier_too_long"


@pytest.mark.parametrize(("kind", "value", "code"), [
    (IdentifierKind.UITZENDBUREAU, "abc 😀", "identifier_empty"),
    (IdentifierKind.UITZENDBUREAU, "KvK 1234 567", "identifier_kvk_invalid"),
    (IdentifierKind.UITZENDBUREAU, "1234 5678 9", "identifier_kvk_invalid"),
    (IdentifierKind.UITZENDBUREAU, "0000 1234 5678", None),  # a 12-digit vestigingsnummer
    (IdentifierKind.UITZENDBUREAU, "1" * 41, "identifier_kvk_invalid"),
    (IdentifierKind.PHONE, "bel me", "identifier_empty"),
    (IdentifierKind.PHONE, "112", "identifier_phone_invalid"),
    (IdentifierKind.PHONE, "+1 234 567 890 123 456", "identifier_phone_invalid"),
    (IdentifierKind.PHONE, "+49 30 1234567", None),
    (IdentifierKind.VEHICLE, "X", "identifier_plate_invalid"),
    (IdentifierKind.VEHICLE, "AB-123-C", None),
    (IdentifierKind.VEHICLE, "ABCDEFGHIJK", "identifier_plate_invalid"),
    (IdentifierKind.URL, "https://", "identifier_empty"),
    (IdentifierKind.URL, "advertentie op de site", "identifier_url_invalid"),
    (IdentifierKind.URL, "https://www.example.org/ad/12#top", None),
    (IdentifierKind.INTERMEDIARY, "😀 !!", "identifier_empty"),
    (IdentifierKind.INTERMEDIARY, "Jan 😀", None),
    (IdentifierKind.LANDLORD, "Voorbeeld Vastgoed B.V.", None),
])
def test_the_rules(kind: IdentifierKind, value: str, code: str | None) -> None:
    assert problem(kind, value) == code


def test_hints_mask_everything_but_the_kind() -> None:
    assert hint(IdentifierKind.PHONE, "0612345678") == "06" + MASK
    assert hint(IdentifierKind.VEHICLE, "AB123C") == "A" + MASK
    assert hint(IdentifierKind.LANDLORD, "jan") == MASK


def test_the_tablet_and_the_server_use_this_one_rule() -> None:
    assert services.identifier_problem is problem
    assert "problem" in links.add.__code__.co_names  # the links service refuses by the same function
