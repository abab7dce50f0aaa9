"""The one text catalogue (schemas.texts): every key in Dutch and English, defined once, used somewhere, the same
placeholders in both languages, singular and plural forms where a count is shown, and one wording per level."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from schemas.texts import EN, NL, SOURCES, Plural, has_key, t
from schemas.texts.plural import Message
from sync_server.errors import REJECTION_CODES, STATUS

ROOT = Path(__file__).resolve().parents[2]
CODE = [ROOT / "inspectie_app", ROOT / "sync_server", ROOT / "schemas", ROOT / "flet_main.py"]

# Keys built at run time: ``t(f"kind_{k.value}")``. Each template is one the code builds (checked below); a key
# that no code names literally must fit one of them. Add a template here when a new family of keys is built.
DYNAMIC = (
    "action_{}", "case_profile_{}", "case_source_{}", "cat_op_{}", "cat_profile_{}", "cat_scope_{}",
    "cat_strength_{}", "cl_conflict_{}", "cl_evidence_{}", "cl_field_{}", "cl_identifier_{}", "cl_op_{}",
    "cl_part_{}", "cl_scoring_{}", "cl_tab_{}", "cl_type_{}", "cl_{}", "clp_{}", "device_state_{}", "error_{}",
    "evidence_{}", "export_col_{}", "export_{}", "kind_{}", "level_{}", "partner_{}", "pl_kind_{}",
    "pl_licence_{}", "pl_month_{}", "pl_partner_{}", "pl_progress_{}", "pl_reason_{}", "pl_status_{}", "pl_tab_{}",
    "pl_weekday_{}", "profile_{}", "purge_count_{}", "purge_trigger_{}", "refused_what_{}", "rejected_{}",
    "rejection_{}", "retention_kind_{}", "role_{}", "scope_{}", "strength_{}", "type_{}", "urgent_default_{}",
    "users_done_{}", "verdict_{}", "{}_codes", "{}_confirm_text", "{}_confirm_title", "{}_label",
)


def _forms(message: Message) -> list[str]:
    return [message.one, message.other] if isinstance(message, Plural) else [message]


def _fields(text: str) -> set[str]:
    return {re.split(r"[.\[]", name)[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def _is_catalogue_dict(node: ast.AST) -> bool:
    return (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
            and re.fullmatch(r"(NL|EN)_[A-Z0-9]+", node.target.id) is not None)


def _scan() -> tuple[set[str], set[str]]:
    """Every string constant of the code, and every f-string as a template ("kind_{}"), the catalogue's own
    dictionaries left out."""
    literals: set[str] = set()
    templates: set[str] = set()
    files = [p for root in CODE for p in ([root] if root.suffix == ".py" else root.rglob("*.py"))]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = {id(n) for top in tree.body if _is_catalogue_dict(top) for n in ast.walk(top)}
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                templates.add("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
    return literals, templates


def _fits(template: str, key: str) -> bool:
    return re.fullmatch(re.escape(template).replace(r"\{\}", r"[A-Za-z0-9_\-]+"), key) is not None


def test_every_key_in_both_languages_and_defined_once() -> None:
    seen: dict[str, str] = {}
    for source in SOURCES:
        assert set(source.nl) == set(source.en), (source.name, set(source.nl) ^ set(source.en))
        for key in source.nl:
            assert key not in seen, f"{key} is defined in {seen[key]} and in {source.name}"
            seen[key] = source.name
    assert set(NL) == set(EN) == set(seen)


def test_placeholders_and_plural_forms_agree() -> None:
    for key, nl in NL.items():
        en = EN[key]
        assert isinstance(nl, Plural) == isinstance(en, Plural), f"{key}: a plural in one language only"
        nl_fields = set().union(*(_fields(f) for f in _forms(nl)))
        en_fields = set().union(*(_fields(f) for f in _forms(en)))
        assert nl_fields == en_fields, (key, nl_fields, en_fields)
        for form in _forms(nl) + _forms(en):
            assert _fields(form) == nl_fields, f"{key}: each form takes the same placeholders"
        if isinstance(nl, Plural) and isinstance(en, Plural):
            assert nl.count == en.count, key
            assert nl.one != nl.other and en.one != en.other, key


def test_no_key_is_unused() -> None:
    literals, templates = _scan()
    stale = [tpl for tpl in DYNAMIC if tpl not in templates]
    assert not stale, f"no code builds these keys any more: {stale}"
    unused = [k for k in NL if k not in literals and not any(_fits(tpl, k) for tpl in DYNAMIC)]
    assert not unused, f"keys no code uses: {unused}"


def test_the_server_codes_and_their_words_are_one_set() -> None:
    """Every error code and rejection code has its words, and no words are left of a code that is gone."""
    assert {k for k in NL if k.startswith("error_")} == {f"error_{c}" for c in STATUS}
    assert {k for k in NL if k.startswith("rejection_")} == {f"rejection_{c}" for c in REJECTION_CODES}


@pytest.mark.parametrize(("lang", "one", "three"), [
    ("nl", "1 wijziging te versturen", "3 wijzigingen te versturen"),
    ("en", "1 change to send", "3 changes to send"),
])
def test_a_count_takes_its_singular_or_plural_form(lang: str, one: str, three: str) -> None:
    assert t("sync_pending", lang, n=1) == one
    assert t("sync_pending", lang, n=3) == three
    assert t("sync_pending", lang, n=0).startswith("0 ") and t("sync_pending", lang, n=0) != one.replace("1", "0")


def test_no_count_bearing_text_without_its_singular() -> None:
    """A text that puts a count before a plural noun ("{n} wijzigingen") has a singular form (no "1 wijzigingen").
    Counts that are never 1 (a limit such as "{max} tekens", a group of at least two) are listed."""
    never_one = {"password_new", "verify_reason_too_long", "referral_note_too_long", "comment_too_long",
                 "cat_reason_help", "cat_reason_short", "retention_bound_max", "retention_bound_none",
                 "retention_above_max", "settings_verify_bound", "settings_verify_range", "pl_matrix_intro",
                 "group_verify_help", "cluster_title", "pl_reason_last_control_long_ago", "users_more",
                 "pl_progress_pandenacties", "pl_progress_integrale_controles",
                 "pl_progress_seksinrichtingen_jaarlijks"}
    several_counts = {"cat_dry_summary"}  # two counts in one sentence: left
    plural_nouns = r"(wijzigingen|foto's|dagen|signalen|controles|personen|gebruikers|vragen|problemen|fouten|" \
                   r"casussen|overtredingen|adressen|tekens|maanden)"
    plain = [k for k, v in NL.items() if isinstance(v, str) and re.search(r"\{[a-z_]+\} " + plural_nouns, v)
             and "(en)" not in v]
    assert sorted(set(plain) - never_one - several_counts) == []
    assert not [k for k, v in NL.items() if isinstance(v, str) and re.search(r"\((en|s|sen)\)|/signalen", v)]


def test_one_wording_per_level() -> None:
    """A level reads the same everywhere: one key each, and no other text spells a level label its own way."""
    labels = {n: str(NL[f"level_{n}"]) for n in range(4)}
    assert labels[2] == "L2 ernstig signaal"
    for key, message in NL.items():
        if re.fullmatch(r"level_[0-3]", key):
            continue
        for form in _forms(message):
            assert not re.search(r"\bL[0-3] [a-z]", form), f"{key} spells a level itself: {form!r}"


def test_unknown_key_names_itself_and_has_key() -> None:
    assert has_key("level_2") and not has_key("iets_nieuws")
    assert t("iets_nieuws") == "Er ging iets mis (iets_nieuws)."
    assert t("level_2", "fr") == t("level_2", "nl")  # an unknown language falls back to Dutch


def test_a_plural_without_its_count_is_a_bug() -> None:
    with pytest.raises(KeyError):
        t("sync_pending")
