"""A record's problems as the API's 422: each at its place in the request body.

The record writes (:mod:`graph_service.services.records`) report what is wrong with a record as
a :class:`~graph_service.errors.DocumentInvalid` whose problems are placed at the record's
fields (``requires[1]``, ``end``). A JSON route answers them like any other invalid body, in
FastAPI's validation shape (``{"detail": [{"loc": ["body", "requires", 1], "msg": ..., "type":
...}]}``), so a client reads a malformed skill id and an unknown one the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from fastapi.exceptions import RequestValidationError

from graph_service.errors import DocumentInvalid

__all__ = ["body_problems"]

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parts(loc: str) -> tuple[str | int, ...]:
    return tuple(int(index) if index else name for name, index in _PART.findall(loc))


@contextmanager
def body_problems(rename: Mapping[str, tuple[str | int, ...]] | None = None) -> Iterator[None]:
    """Turn a :class:`DocumentInvalid` raised inside into a 422 for the request body.

    ``rename`` places a record field's problems at another place of the body, e.g.
    ``{"attendees": ("member",)}`` when the body held only the member being added.
    """
    try:
        yield
    except DocumentInvalid as exc:
        errors = []
        for problem in exc.problems:
            parts = _parts(problem.loc)
            if rename and parts and parts[0] in rename:
                parts = rename[str(parts[0])]
            errors.append({"loc": ("body", *parts), "msg": problem.msg, "type": "value_error"})
        raise RequestValidationError(errors) from None
