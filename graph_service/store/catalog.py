"""The query catalog: every Cypher statement lives in ``cypher/<area>/<name>.cypher``.

Queries are loaded by name and cached. The text is returned as ``LiteralString`` so a type
checker flags any attempt to format user input into a statement: input goes in as parameters.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import LiteralString, cast

__all__ = ["CYPHER_DIR", "query", "statements", "QueryNotFound"]


def _find_cypher_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "cypher", here / "_cypher"):  # checkout, then installed wheel
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"no cypher/ folder next to {here}")


CYPHER_DIR = _find_cypher_dir()


class QueryNotFound(KeyError):
    pass


@cache
def query(name: str) -> LiteralString:
    """Return the text of ``cypher/<name>.cypher`` (``name`` like ``members/get_member``)."""
    path = (CYPHER_DIR / f"{name}.cypher").resolve()
    if CYPHER_DIR not in path.parents or not path.is_file():
        raise QueryNotFound(name)
    text = path.read_text(encoding="utf-8").strip()
    # Our own query files are trusted like literals (the cast says so to LiteralString-aware checkers).
    return cast(LiteralString, text)  # type: ignore[redundant-cast]  # mypy treats LiteralString as plain str


@cache
def statements(name: str) -> tuple[LiteralString, ...]:
    """Split a file of several statements (separated by ``;`` at line ends), e.g. the schema."""
    text = query(name)
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("//")]
    parts = "\n".join(lines).split(";\n")
    return tuple(
        cast(LiteralString, p.strip().rstrip(";"))  # type: ignore[redundant-cast]  # mypy: LiteralString is str
        for p in parts
        if p.strip().rstrip(";")
    )
