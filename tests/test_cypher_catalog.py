"""Static checks of the Cypher catalog and of the Python code that runs it (no database needed).

* Every statement lives in ``cypher/``: no Python source outside it holds Cypher text, and no
  call that runs a query (``run``, ``rows``, ``one``, ``run_text``, ``execute_query``, ``query``,
  ``statements``) gets text built by an f-string, ``%``, ``+`` or ``.format``. Every catalog
  name written out in the code names an existing file. (Tests may run a fixed statement of their
  own, to look at the graph independently of the catalog, but never a formatted one.)
* Only the store talks to the driver: ``neo4j`` is imported by ``graph_service/store/database.py``
  (and by the managed server, which only waits for Bolt to answer).
* Labels and relationship types come from a fixed list, the one documented in ``docs/model.md``
  (the ``### `:Label``` headings under "Nodes" and the first column of the "Relationships"
  table): every label and type a ``.cypher`` file names is in it, none is built at run time
  (Neo4j 5's dynamic ``:$(expr)`` labels), and no procedure runs Cypher text (``apoc.cypher``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_service.settings import PROJECT_ROOT
from graph_service.store.catalog import CYPHER_DIR

PYTHON_DIRS = ("graph_service", "seed", "bench", "scripts", "tests")
CYPHER_FILES = sorted(CYPHER_DIR.rglob("*.cypher"))
# Calls that take query text (or a catalog name) as their first argument.
QUERY_CALLS = frozenset({"run", "rows", "one", "run_text", "execute_query", "query", "statements"})
CATALOG_NAME = re.compile(r"^[a-z0-9_]+/[a-z0-9_]+$")
CYPHER_TEXT = re.compile(r"\b(MATCH|MERGE|UNWIND|DETACH\s+DELETE|OPTIONAL\s+MATCH|CREATE\s+(CONSTRAINT|INDEX)"
                         r"|CALL\s*\{|RETURN\s+\w)")
DRIVER_USERS = {"graph_service/store/database.py", "graph_service/neo4j_server/managed.py"}


def python_files() -> Iterator[Path]:
    for folder in PYTHON_DIRS:
        yield from sorted((PROJECT_ROOT / folder).rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def built_text(node: ast.AST) -> str | None:
    """How ``node`` builds a string at run time, or None when it does not."""
    if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in node.values):
        return "an f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return "'+'" if isinstance(node.op, ast.Add) else "'%'"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ("format", "join", "replace"):
        return f"'.{node.func.attr}()'"
    return None


# -- the Python side ------------------------------------------------------------------------------
def test_no_query_text_is_built_by_string_formatting() -> None:
    problems = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = (func.attr if isinstance(func, ast.Attribute)
                    else func.id if isinstance(func, ast.Name) else None)
            if name not in QUERY_CALLS:
                continue
            first = node.args[0]
            if how := built_text(first):
                problems.append(f"{rel(path)}:{node.lineno}: {name}() gets text built with {how}")
            elif isinstance(first, ast.Constant) and isinstance(first.value, str):
                text = first.value
                if CATALOG_NAME.match(text):
                    if not (CYPHER_DIR / f"{text}.cypher").is_file():
                        problems.append(f"{rel(path)}:{node.lineno}: no catalog file cypher/{text}.cypher")
                elif CYPHER_TEXT.search(text) and not rel(path).startswith("tests/"):
                    problems.append(f"{rel(path)}:{node.lineno}: {name}() gets inline Cypher "
                                    "(it belongs in cypher/)")
    assert not problems, "\n".join(problems)


def test_no_python_source_holds_cypher_text() -> None:
    """Cypher lives in the catalog only (docstrings may quote it; the tests are left out, because
    the injection test's payloads are Cypher on purpose)."""
    problems = []
    for path in python_files():
        if rel(path).startswith("tests/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skip = docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                    and CYPHER_TEXT.search(node.value):
                problems.append(f"{rel(path)}:{node.lineno}: {node.value[:80]!r}")
    assert not problems, "Cypher text outside cypher/:\n" + "\n".join(problems)


def test_only_the_store_uses_the_driver() -> None:
    users = set()
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            if any(n == "neo4j" or n.startswith("neo4j.") for n in names):
                users.add(rel(path))
    assert users <= DRIVER_USERS, f"the driver is imported outside the store: {sorted(users - DRIVER_USERS)}"


# -- the catalog ----------------------------------------------------------------------------------
def code_and_strings(text: str) -> tuple[str, list[str]]:
    """The Cypher text without comments, string literals blanked; and the string literals."""
    code, strings, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
        elif ch in "'\"":
            j, buf = i + 1, []
            while j < len(text) and text[j] != ch:
                if text[j] == "\\" and j + 1 < len(text):
                    j += 1
                buf.append(text[j])
                j += 1
            strings.append("".join(buf))
            code.append("''")
            i = j + 1
        else:
            code.append(ch)
            i += 1
    return "".join(code), strings


REL_PATTERN = re.compile(r"-\s*\[([^\]]*)\]")
REL_TYPES = re.compile(r":\s*!?\s*`?([A-Z][A-Z0-9_]*)`?((?:\s*[|&]\s*:?\s*!?\s*`?[A-Z][A-Z0-9_]*`?)*)")
LABELS = re.compile(r":\s*!?\s*`?([A-Z][a-z][A-Za-z0-9]*)`?((?:\s*[|&:]\s*!?\s*`?[A-Z][a-z][A-Za-z0-9]*`?)*)")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
DYNAMIC = re.compile(r":\s*\$\s*(any|all)?\s*\(", re.IGNORECASE)


def names_in(text: str) -> tuple[set[str], set[str], list[str]]:
    """(labels, relationship types, string literals) that a Cypher file names."""
    code, strings = code_and_strings(text)
    types: set[str] = set()
    for m in REL_PATTERN.finditer(code):
        for t in REL_TYPES.finditer(m.group(1)):
            types |= set(WORD.findall(t.group(0)))
    nodes = REL_PATTERN.sub("-[]", code)
    labels: set[str] = set()
    for m in LABELS.finditer(nodes):
        labels |= set(WORD.findall(m.group(0)))
    return labels, types, strings


def documented() -> tuple[set[str], set[str]]:
    """The fixed lists: labels and relationship types as docs/model.md gives them."""
    text = (PROJECT_ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.MULTILINE)
    nodes = next(s for s in sections if s.startswith("Nodes"))
    rels = next(s for s in sections if s.startswith("Relationships"))
    labels = {label for heading in re.findall(r"^### `([^`]+)`", nodes, flags=re.MULTILINE)
              for label in re.findall(r":([A-Za-z]\w*)", heading)}
    types = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", rels, flags=re.MULTILINE))
    return labels, types


def test_the_documented_lists_are_read() -> None:
    labels, types = documented()
    assert {"Party", "Member", "Organisation", "Meta"} <= labels
    assert {"KNOWS", "COLLABORATED", "INTRODUCES"} <= types


@pytest.mark.parametrize("path", CYPHER_FILES, ids=lambda p: p.relative_to(CYPHER_DIR).as_posix())
def test_catalog_file_uses_only_fixed_labels_and_types(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().startswith("//"), "the first line must be a // comment saying what the query does"
    known_labels, known_types = documented()
    labels, types, strings = names_in(text)
    assert labels <= known_labels, f"labels not in docs/model.md: {sorted(labels - known_labels)}"
    assert types <= known_types, f"relationship types not in docs/model.md: {sorted(types - known_types)}"
    # Names compared as values (type(r) = 'KNOWS', 'Party' IN labels(n)) come from the same lists.
    named = {s for s in strings if re.fullmatch(r"[A-Z][a-z][A-Za-z0-9]*|[A-Z][A-Z0-9_]+", s)}
    unknown = named - known_labels - known_types
    assert not unknown, f"label or type names in string literals not in docs/model.md: {sorted(unknown)}"
    code, _ = code_and_strings(text)
    assert not DYNAMIC.search(code), "a label or type is built at run time (:$(...))"
    lower = code.lower()
    assert "apoc.cypher" not in lower and "apoc.do." not in lower, "a procedure runs Cypher text"


def test_the_parser_sees_labels_and_types() -> None:
    labels, types, strings = names_in(
        "// x\nMATCH (m:Party:Member {id: $id})-[r:KNOWS|COLLABORATED]-(:Organisation)\n"
        "WHERE n:Skill OR 'Event' IN labels(n) // (:Fake)\n"
        "RETURN {kind: CASE type(r) WHEN 'KNOWS' THEN 1 END}"
    )
    assert labels == {"Party", "Member", "Organisation", "Skill"}
    assert types == {"KNOWS", "COLLABORATED"}
    assert {"Event", "KNOWS"} <= set(strings)
