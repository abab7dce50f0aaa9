"""The house of the server (issue 13, "the house while you are there"), checked on the code as text:

* no import circle between the modules of ``sync_server`` (every ``import``, also one inside a function or under
  ``TYPE_CHECKING``): features import downward;
* no feature folder pair that imports each other's code (models aside) beyond the ones listed in ``KNOWN_PAIRS``:
  no new one appears;
* every organisation filter goes through the one rule, ``sync_server/tenancy/access.py``: no hand-written
  ``X.organisation_id == ...`` / ``!=`` / ``.organisation_id.in_(...)`` / ``filter_by(organisation_id=...)``
  outside it, except the places in ``ALLOWED`` (each with its reason);
* ``/review`` is served from one folder, ``sync_server/review/``.

Each check has a test of its own finder on a made-up example, so the finder itself cannot silently find nothing.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "sync_server"
RULE = "sync_server/tenancy/access.py"

# (file, function) -> why an organisation comparison written there is not a hand-written tenant filter, or why it
# stays for now. A new entry needs a reason a reviewer accepts; an entry whose place no longer compares is stale.
ALLOWED: dict[tuple[str, str], str] = {
    ("sync_server/tenancy/service.py", "get_team"):
        "a join of a team to its own organisation row (Organisation.id == Team.organisation_id), not a filter",
}

# Folders whose hand-written filters are not yet moved to the rule, and why (each entry is temporary).
PENDING: dict[str, str] = {
}

# Feature folder pairs that still import each other's code (their models aside: a feature's tables are the ground
# floor every other feature may read). Each is a room split across two folders; none may be added.
KNOWN_PAIRS: dict[frozenset[str], str] = {
    frozenset({"auth", "review"}): "auth.login writes the audit trail (review.audit), which lives in review/",
    frozenset({"admin", "review"}): "admin writes the audit trail (review.audit, review.chain); review reads the "
                                    "organisation's settings (admin.settings)",
    frozenset({"links", "review"}): "links writes the audit trail (review.audit); review.actions shows a "
                                    "control's linked controls (links.service)",
    frozenset({"reporting", "review"}): "review.audit neutralises CSV cells with reporting.cells and review.router "
                                        "serves a control's PDF (reporting.report); reporting reads signals",
    frozenset({"blobs", "sync"}): "photo arrivals go into the change log (sync.changes); sync pushes and hands "
                                  "over photos (blobs.service, blobs.store)",
    frozenset({"inspections", "sync"}): "inspections write the change log (sync.changes); sync applies their "
                                        "mutations (sync.registry, sync.service)",
    frozenset({"catalog", "inspections"}): "controls read the published catalogue (catalog.published); publishing "
                                           "re-judges open controls (catalog.reevaluate)",
    frozenset({"catalog", "review"}): "the detail reads the published template (catalog.published); publishing "
                                      "re-judges open controls' signals (catalog.reevaluate -> review.signals)",
}


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of ``sync_server`` but its migrations (frozen history)."""
    out: dict[str, Path] = {}
    for path in SERVER.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, tree: ast.AST, modules: set[str]) -> set[str]:
    """The ``sync_server`` modules a module imports, wherever the import statement stands."""
    package = name if name in {m.rsplit(".", 1)[0] for m in modules if m.startswith(name + ".")} else \
        name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # ``import a.b.c`` of a name inside a module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    names = set(modules)
    return {name: _imports(name, ast.parse(path.read_text(encoding="utf-8")), names)
            for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop(0)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def _feature(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def mutual_folders(graph: dict[str, set[str]]) -> dict[frozenset[str], list[str]]:
    """Feature folder pairs importing each other's code (not their models), with the imports that tie them."""
    arrows: dict[tuple[str, str], list[str]] = defaultdict(list)
    for source, targets in graph.items():
        for target in targets:
            a, b = _feature(source), _feature(target)
            if a != b and not target.endswith(".models"):
                arrows[(a, b)].append(f"{source} -> {target}")
    return {frozenset({a, b}): sorted(ties + arrows[(b, a)]) for (a, b), ties in arrows.items()
            if (b, a) in arrows and a < b}


def _function_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node.name
    return "<module>"


def _is_org(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "organisation_id"


def organisation_filters(source: str) -> list[tuple[str, int, str]]:
    """(function, line, code) of every hand-written organisation comparison or filter in ``source``."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        hit = (isinstance(node, ast.Compare) and any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops)
               and any(_is_org(side) for side in [node.left, *node.comparators]))
        hit = hit or (isinstance(node, ast.Attribute) and node.attr in ("in_", "not_in", "is_", "is_not")
                      and _is_org(node.value))
        hit = hit or (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                      and node.func.attr == "filter_by" and any(k.arg == "organisation_id" for k in node.keywords))
        if hit:
            found.append((_function_of(node, parents), getattr(node, "lineno", 0), ast.unparse(node)[:120]))
    return sorted(found, key=lambda hit: hit[1])


def _server_filters() -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(_modules().values()):
        rel = path.relative_to(ROOT).as_posix()
        if rel == RULE:
            continue
        for function, line, code in organisation_filters(path.read_text(encoding="utf-8")):
            out[(rel, function)].append(f"{rel}:{line} in {function}: {code}")
    return out


def test_no_import_circle_in_the_server() -> None:
    graph = import_graph()
    assert "sync_server.tenancy.access" in graph and "sync_server.errors" in graph["sync_server.auth.deps"]
    found = circles(graph)
    assert not found, "import circles (a module must import downward only):\n" + "\n".join(
        " <-> ".join(c) + "\n    " + "\n    ".join(f"{a} -> {b}" for a in c for b in sorted(graph[a]) if b in c)
        for c in found)


def test_the_circle_finder_finds_circles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}, "f": {"g"}, "g": {"f"}}
    assert sorted(circles(graph)) == [["a", "b", "c"], ["f", "g"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_sees_imports_inside_functions_and_relative_ones() -> None:
    modules = {"p", "p.a", "p.b", "p.c", "p.d"}
    tree = ast.parse("import p.b\n\ndef f():\n    from p.c import thing\n    from .d import other\n")
    assert _imports("p.a", tree, modules) == {"p.b", "p.c", "p.d"}


def test_no_new_feature_folders_import_each_other() -> None:
    pairs = mutual_folders(import_graph())
    new = {pair: ties for pair, ties in pairs.items() if pair not in KNOWN_PAIRS}
    assert not new, "feature folders that now import each other (import downward; models aside):\n" + "\n".join(
        " <-> ".join(sorted(pair)) + ":\n    " + "\n    ".join(ties) for pair, ties in new.items())


def test_the_folder_pair_finder_finds_pairs_but_not_models() -> None:
    graph = {"s.a.service": {"s.b.service"}, "s.b.service": {"s.a.cells"}, "s.a.cells": set(),
             "s.c.service": {"s.a.models"}, "s.a.models": set(), "s.a.router": {"s.c.service"}}
    assert list(mutual_folders(graph)) == [frozenset({"a", "b"})]


def test_every_organisation_filter_goes_through_the_rule() -> None:
    found = _server_filters()
    unlisted = [line for place, lines in found.items() if place not in ALLOWED
                and not place[0].startswith(tuple(PENDING)) for line in lines]
    assert not unlisted, ("organisation filters written by hand; use sync_server.tenancy.access (in_organisation, "
                          "same_organisation, belongs, row_or_404, inspection_clause, user_clause):\n"
                          + "\n".join(unlisted))


def test_the_allow_list_names_places_that_still_compare() -> None:
    found = _server_filters()
    stale = [f"{path} {function}" for path, function in ALLOWED if (path, function) not in found]
    assert not stale, "ALLOWED entries without an organisation comparison any more (remove them): " + ", ".join(stale)


def test_the_filter_finder_finds_every_hand_written_form() -> None:
    source = '''
X = Inspection.organisation_id == org
def one(user):
    return select(A).where(A.organisation_id != user.organisation_id)
def two(session, org):
    return session.query(A).filter_by(organisation_id=org)
def three(ids):
    return A.organisation_id.in_(ids)
def fine(org):
    return access.in_organisation(A, org), A.team_id == org, A(organisation_id=org)
'''
    assert [(f, line) for f, line, _code in organisation_filters(source)] == [
        ("<module>", 2), ("one", 4), ("two", 6), ("three", 8)]


def test_review_is_served_from_one_folder() -> None:
    from sync_server.app import api_router
    from sync_server.routes import api_routes

    review = [(path, route.endpoint.__module__) for path, route in api_routes(api_router().routes)
              if path.startswith("/api/v1/review/")]
    assert len(review) > 10
    elsewhere = [f"{path}: {module}" for path, module in review if not module.startswith("sync_server.review.")]
    assert not elsewhere, "/review routes served from outside sync_server/review/:\n" + "\n".join(elsewhere)
    others = [path for path, route in api_routes(api_router().routes)
              if route.endpoint.__module__.startswith("sync_server.review.") and not path.startswith("/api/v1/review")]
    assert not others, f"sync_server/review/ serves routes outside /review: {others}"
