"""Forms on the served pages: the anti-forgery token and the field errors.

* Every form that changes something carries the session's token as a hidden field named
  :data:`CSRF_FIELD`; scripts (``fetch``, htmx) send it as the :data:`CSRF_HEADER` header, read
  from the page's ``<meta name="csrf-token">``. The server side is
  :mod:`graph_service.api.auth.csrf`.
* ``viz/templates/forms.html.j2`` holds the macros that draw a form (``{% import "forms.html.j2"
  as forms %}``): ``forms.csrf_field(visitor)``, ``forms.error_summary(errors)`` at the top of the
  page, and ``forms.field`` / ``forms.textarea`` / ``forms.select`` / ``forms.checkboxes``, each
  with its label, an optional hint and its error beside it (GOV.UK's pattern: the summary links
  to each field, the field says what is wrong in words). Everything is escaped by autoescape.
* :func:`field_errors` turns a validation error (FastAPI's or pydantic's list of errors) into the
  ``{field: message}`` those macros take.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from graph_service.errors import DocumentInvalid

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "csrf_input", "field_errors", "field_label", "problems_by_field",
           "readable_error"]

CSRF_FIELD = "csrf_token"
"""The hidden form field that carries the anti-forgery token."""

CSRF_HEADER = "X-CSRF-Token"
"""The request header that carries the anti-forgery token for scripts."""

# Where a field is, in FastAPI's error locations: never shown as part of its name.
_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie", "form"})


def csrf_input(token: str | None) -> Markup:
    """The hidden field of a form, for Python code that writes HTML (templates use the macro)."""
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(token))


def field_label(loc: Sequence[Any]) -> str:
    """A field's name from an error location: ``("body", "members", 3, "name")`` -> ``members[3].name``."""
    parts = [p for p in loc if not (isinstance(p, str) and p in _LOCATIONS)]
    label = ""
    for part in parts:
        if isinstance(part, int):
            label += f"[{part}]"
        else:
            label += ("." if label else "") + str(part)
    return label or "the request"


def readable_error(error: Mapping[str, Any]) -> str:
    """One validation error as a sentence a person can act on (pydantic's message, without its
    "Value error, " prefix)."""
    kind = str(error.get("type", ""))
    if kind == "missing":
        return "This field is required."
    if kind == "json_invalid":
        return "The body is not valid JSON."
    message = str(error.get("msg") or "This value is not valid").removeprefix("Value error, ")
    return message if message.endswith(".") else message + "."


def field_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """``{field: message}`` from a list of validation errors; the first error of a field wins."""
    found: dict[str, str] = {}
    for error in errors:
        found.setdefault(field_label(tuple(error.get("loc", ()))), readable_error(error))
    return found


def problems_by_field(exc: DocumentInvalid, form_field: Mapping[str, str], default: str) -> dict[str, str]:
    """A refused write's problems, each placed at the form field it is about: ``form_field`` maps
    the record's field (the first part of a problem's location) to the form's, and a problem about
    anything else goes to ``default``. The first problem of a field wins."""
    errors: dict[str, str] = {}
    for problem in exc.problems:
        name = problem.loc.split("[")[0].split(".")[0]
        msg = problem.msg[0].upper() + problem.msg[1:]
        errors.setdefault(form_field.get(name, default), msg if msg.endswith(".") else msg + ".")
    return errors
