"""Static checks of the Cypher catalog and of the Python code that runs it (no database needed).

* Every statement lives in ``cypher/``: no Python source outside it holds Cypher text, and no
  call that runs a query (``run``, ``rows``, ``one``, ``run_text``, ``execute_query``, ``query``,
  ``statements``) gets text built by an f-string, ``%``, ``+`` or ``.format``. Every catalog
  name written out in the code names an existing file. (Tests may run a fixed statement of their
  own, to look at the graph independently of the catalog, but never a formatted one.)
* Only the store talks to the driver: ``neo4j`` is imported by ``graph_service/store/database.py``
  (and by the managed server, which only waits for Bolt to answer).
* Only the store runs queries: no module outside ``graph_service/store/`` (in ``graph_service``,
  ``seed`` and ``scripts``) calls ``rows``, ``one``, ``run``, ``run_text``, ``read`` or ``write``
  on a ``Database`` or a ``Tx``, imports ``Tx``, or names a query (a string that is the name of a
  file under ``cypher/``): the services call store functions instead. The tests and the
  benchmarks may run queries themselves (fixtures that look at the graph independently of the
  store, and a query timed on its own).
* Every query file is used by a store module, but for the few in ``FIXTURE_QUERIES`` (which the
  tests or the benchmarks use, and the store does not), and every query name a store module
  writes out names an existing file.
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
# Whole keywords only: a name such as MERGED_SECTIONS is not Cypher.
CYPHER_TEXT = re.compile(r"\b(MATCH|MERGE|UNWIND|DETACH\s+DELETE|OPTIONAL\s+MATCH|CREATE\s+(CONSTRAINT|INDEX))\b"
                         r"|\bCALL\s*\{|\bRETURN\s+\w")
DRIVER_USERS = {"graph_service/store/database.py", "graph_service/neo4j_server/managed.py"}
CATALOG_NAMES = frozenset(p.relative_to(CYPHER_DIR).with_suffix("").as_posix() for p in CYPHER_FILES)
STORE = "graph_service/store/"
# Outside the store, only these may run and name queries: fixtures and measurements, not the service.
QUERYING_OUTSIDE_THE_STORE = ("tests/", "bench/")
# The methods of Database and Tx that run queries.
RUNNING_METHODS = frozenset({"rows", "one", "run", "run_text", "read", "write"})
# The store's types, and the names a Database or a Tx goes by where nothing annotates it.
STORE_TYPES = frozenset({"Database", "Tx"})
CONVENTIONAL_NAMES = frozenset({"db", "database", "tx"})
# Queries no store module runs, and who does.
FIXTURE_QUERIES = {
    "graph/dump_nodes": "tests/test_injection.py",
    "graph/dump_relationships": "tests/test_injection.py",
    "graph/delete_all_batch": "tests/test_injection.py",
    "bench/resource_allocation": "bench/introductions.py",
    "bench/common_neighbours": "bench/side_by_side.py",
    "bench/adamic_adar": "bench/side_by_side.py",
    "bench/delete_ties_between": "bench/side_by_side.py",
}


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


# -- only the store runs queries ------------------------------------------------------------------
def parsed() -> Iterator[tuple[str, ast.Module]]:
    for path in python_files():
        yield rel(path), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def terminal(node: ast.AST) -> str | None:
    """The last name of ``db``, ``self.db``, ``view.database`` or ``Database(...)``."""
    if isinstance(node, ast.Call):
        return terminal(node.func)
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def annotation_names(node: ast.AST) -> set[str]:
    """The names an annotation uses, also inside a quoted one (``"Database | None"``)."""
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Name, ast.Attribute)):
            found.add(terminal(sub) or "")
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            found |= set(WORD.findall(sub.value))
    return found


def store_types(trees: list[tuple[str, ast.Module]]) -> frozenset[str]:
    """``Database``, ``Tx`` and the module-level aliases built on them, e.g.
    ``DatabaseDep = Annotated[Database, Depends(get_database)]``."""
    types = set(STORE_TYPES)
    for _, tree in trees:
        for node in tree.body:
            if isinstance(node, ast.Assign) and {terminal(n) for n in ast.walk(node.value)} & STORE_TYPES:
                types |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return frozenset(types)


def store_handles(tree: ast.Module, types: frozenset[str]) -> set[str]:
    """The names that hold a Database or a Tx in a module: parameters and variables annotated with
    one, variables assigned one, functions and properties returning one, and the usual names."""
    names = set(CONVENTIONAL_NAMES) | types
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None and annotation_names(node.annotation) & types:
            names.add(node.arg)
        elif isinstance(node, ast.AnnAssign) and annotation_names(node.annotation) & types:
            names.add(terminal(node.target) or "")
        elif isinstance(node, ast.Assign) and terminal(node.value) in types and isinstance(node.value, ast.Call):
            names |= {terminal(target) or "" for target in node.targets}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None \
                and annotation_names(node.returns) & types:
            names.add(node.name)
    return names - {""}


def query_problems(path: str, tree: ast.Module, types: frozenset[str]) -> list[str]:
    """Where a module outside the store runs a query, imports ``Tx`` or names a query."""
    handles = store_handles(tree, types)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in RUNNING_METHODS and terminal(node.func.value) in handles:
            problems.append(f"{path}:{node.lineno}: {terminal(node.func.value)}.{node.func.attr}() runs a query "
                            "outside the store (call a function of graph_service/store/ instead)")
        elif isinstance(node, ast.ImportFrom) and node.module == "graph_service.store.database" \
                and any(a.name == "Tx" for a in node.names):
            problems.append(f"{path}:{node.lineno}: imports Tx: transactions are the store's")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CATALOG_NAMES:
            problems.append(f"{path}:{node.lineno}: names the query {node.value!r} outside the store")
    return problems


def test_only_the_store_runs_queries() -> None:
    trees = list(parsed())
    types = store_types(trees)
    problems = []
    for path, tree in trees:
        if not path.startswith((STORE, *QUERYING_OUTSIDE_THE_STORE)):
            problems += query_problems(path, tree, types)
    assert not problems, "\n".join(problems)


def test_the_checker_sees_queries_run_outside_the_store() -> None:
    source = (
        "from graph_service.store.database import Database, Tx\n"          # 1: Tx
        "Handle = Annotated[Database, Depends(get)]\n"
        "def f(conn: Handle, view, out, maybe: 'Database | None') -> None:\n"
        "    conn.rows('members/get_members', {})\n"                     # 4: rows, and the name
        "    view.database.write(lambda tx: tx.run(QUERY))\n"            # 5: write, run
        "    maybe.read(work)\n"                                        # 6: read
        "    Database(settings).one(QUERY)\n"                            # 7: one
        "    out.write('members/get'); open('file').read(); sys.stdout.write('text')\n"
    )
    tree = ast.parse(source)
    problems = query_problems("sample.py", tree, store_types([("sample.py", tree)]))
    lines = sorted(int(p.split(":")[1]) for p in problems)
    assert lines == [1, 4, 4, 5, 5, 6, 7], problems


def test_every_query_is_used_by_the_store() -> None:
    used_by: dict[str, set[str]] = {}
    for path, tree in parsed():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CATALOG_NAME.match(node.value):
                used_by.setdefault(node.value, set()).add(path)
    in_store = {name for name, users in used_by.items() if any(u.startswith(STORE) for u in users)}
    problems = [f"{sorted(used_by[n])} name {n!r}, which is no file under cypher/"
                for n in sorted(in_store - CATALOG_NAMES)]
    problems += [f"cypher/{n}.cypher is used by no store module" for n in sorted(CATALOG_NAMES - in_store)
                 if n not in FIXTURE_QUERIES]
    for name, user in FIXTURE_QUERIES.items():
        if name not in CATALOG_NAMES:
            problems.append(f"FIXTURE_QUERIES lists {name!r}, which is no file under cypher/")
        elif name in in_store:
            problems.append(f"{name!r} is used by the store: it leaves FIXTURE_QUERIES")
        elif user not in used_by.get(name, set()):
            problems.append(f"{name!r} is not used by {user}, which FIXTURE_QUERIES says uses it")
    assert not problems, "\n".join(problems)


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
