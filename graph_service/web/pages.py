"""What every page shares: the ``viz/`` directory and the assets it serves, the Jinja
environment, the Content-Security-Policy and security headers, JSON safe to embed in HTML, and
the navigation, and who is looking (the :class:`Visitor` named in every page's header).

Offline and safe:

* Served pages load vis-network (the copy the pyvis package ships), the page scripts and the
  stylesheet from ``/viz/assets/...`` on the same origin; standalone files (``inline=True``, for
  the CLI) carry them inline with a per-file nonce. No page references another host.
* User text (names, descriptions...) only reaches a page as JSON data, embedded with ``<``,
  ``>`` and ``&`` escaped (:func:`json_for_html`), or through the templates' autoescaping.
* :data:`CSP` is sent with every served page (:data:`SECURITY_HEADERS`); standalone files carry
  an equivalent ``<meta http-equiv="Content-Security-Policy">`` with a nonce (:func:`standalone_csp`).
* Every served page names who is logged in and carries the session's anti-forgery token (a
  ``<meta name="csrf-token">`` and the logout form): the request's :class:`Visitor`, which the
  page dependency sets (:func:`set_visitor`) and :func:`render_template` reads.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from graph_service.services.visibility import Role
from graph_service.settings import PROJECT_ROOT

__all__ = [
    "ASSETS",
    "CSP",
    "SECURITY_HEADERS",
    "STATIC_DIR",
    "TEMPLATES_DIR",
    "VIZ_DIR",
    "Visitor",
    "asset",
    "current_visitor",
    "json_for_html",
    "nav_links",
    "render_template",
    "set_visitor",
    "standalone_csp",
]

# -- files -----------------------------------------------------------------------------------------


def _find_viz_dir() -> Path:
    here = Path(__file__).resolve().parent.parent  # graph_service/
    for candidate in (PROJECT_ROOT / "viz", here / "_viz"):  # checkout, then an installed wheel
        if (candidate / "templates").is_dir():
            return candidate
    return PROJECT_ROOT / "viz"


VIZ_DIR = _find_viz_dir()
TEMPLATES_DIR = VIZ_DIR / "templates"
STATIC_DIR = VIZ_DIR / "static"
VENDOR_DIR = STATIC_DIR / "vendor"


def _vis_dir() -> Path:
    """The vis-network build the installed pyvis package ships (highest version)."""
    import pyvis  # pyvis ships no type hints (mypy: ignore_missing_imports in pyproject.toml)

    lib = Path(pyvis.__file__).resolve().parent / "lib"
    found = sorted(
        lib.glob("vis-*/vis-network.min.js"),
        key=lambda p: tuple(int(x) for x in re.findall(r"\d+", p.parent.name)),
    )
    if not found:  # pragma: no cover - a broken pyvis install
        raise RuntimeError(f"vis-network not found under {lib}")
    return found[-1].parent


# The only files /viz/assets/ serves: name -> (path, media type).
WORKSPACE_AREAS = ("introductions", "messages", "tenders", "events", "members", "data", "me")
"""The workspace's areas, each with its style sheet ``viz/static/workspace/<area>.css``."""


def _workspace_css(area: str) -> Path:
    return STATIC_DIR / "workspace" / f"{area}.css"


ASSETS: dict[str, tuple[Callable[[], Path], str]] = {
    "vis-network.min.js": (lambda: _vis_dir() / "vis-network.min.js", "text/javascript; charset=utf-8"),
    "vis-network.css": (lambda: _vis_dir() / "vis-network.css", "text/css; charset=utf-8"),
    "map.js": (lambda: STATIC_DIR / "map.js", "text/javascript; charset=utf-8"),
    "explore.js": (lambda: STATIC_DIR / "explore.js", "text/javascript; charset=utf-8"),
    "site.css": (lambda: STATIC_DIR / "site.css", "text/css; charset=utf-8"),
    # Swagger UI and ReDoc for /docs and /redoc (npm's swagger-ui-dist and redoc, viz/static/vendor/)
    "swagger-ui-bundle.js": (lambda: VENDOR_DIR / "swagger-ui" / "swagger-ui-bundle.js",
                             "text/javascript; charset=utf-8"),
    "swagger-ui.css": (lambda: VENDOR_DIR / "swagger-ui" / "swagger-ui.css", "text/css; charset=utf-8"),
    "swagger-favicon.png": (lambda: VENDOR_DIR / "swagger-ui" / "favicon-32x32.png", "image/png"),
    "redoc.standalone.js": (lambda: VENDOR_DIR / "redoc" / "redoc.standalone.js", "text/javascript; charset=utf-8"),
    # The workspace (the manager's desk and the members' space): htmx (npm's htmx.org,
    # viz/static/vendor/htmx/), the one shared script, and one style sheet per area.
    "htmx.min.js": (lambda: VENDOR_DIR / "htmx" / "htmx.min.js", "text/javascript; charset=utf-8"),
    "workspace.js": (lambda: STATIC_DIR / "workspace.js", "text/javascript; charset=utf-8"),
    **{f"{area}.css": (partial(_workspace_css, area), "text/css; charset=utf-8") for area in WORKSPACE_AREAS},
}


def asset(name: str) -> tuple[Path, str] | None:
    """The file and media type of a page asset, or None for any other name."""
    entry = ASSETS.get(name)
    if entry is None:
        return None
    return entry[0](), entry[1]


@lru_cache(maxsize=16)
def _asset_text(name: str) -> str:
    text = ASSETS[name][0]().read_text(encoding="utf-8")
    # Inline copies must not be able to close their own element.
    if re.search(r"</(script|style)", text, re.IGNORECASE):  # pragma: no cover - checked for 9.1.2
        raise RuntimeError(f"{name} cannot be inlined safely")
    return text


# -- security --------------------------------------------------------------------------------------

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
"""The Content-Security-Policy of every served page: nothing from another host, no inline script."""

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on a form post
    # or a fetch, and the anti-forgery check (api/auth/csrf.py) needs the real origin. Other sites
    # still get no referrer at all.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
"""The headers every served page is sent with."""


def standalone_csp(nonce: str) -> str:
    """The policy of a standalone file: only its own nonce'd inline scripts, nothing fetched."""
    return (
        f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
        "base-uri 'none'; form-action 'none'"
    )


def json_for_html(value: Any) -> Markup:
    """JSON safe to place inside an HTML ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (still the same JSON
    strings), so no value can close the element or open a comment.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# -- templates -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _jinja() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, *, inline: bool, **context: Any) -> str:
    """Render one of ``viz/templates`` with the assets linked (served) or inlined (standalone).

    A served page names the request's :class:`Visitor` in its header (``visitor=`` overrides it);
    a standalone file never does."""
    nonce = secrets.token_urlsafe(16)
    assets = {
        "vis_js": Markup(_asset_text("vis-network.min.js")) if inline else None,
        "vis_css": Markup(_asset_text("vis-network.css")) if inline else None,
        "map_js": Markup(_asset_text("map.js")) if inline else None,
        "site_css": Markup(_asset_text("site.css")) if inline else None,
    }
    given = context.pop("visitor", None)
    visitor = None if inline else given or current_visitor()
    return (
        _jinja()
        .get_template(name)
        .render(
            inline=inline,
            nonce=nonce,
            csp=standalone_csp(nonce),
            assets=assets,
            visitor=visitor,
            **context,
        )
    )


# -- who is looking --------------------------------------------------------------------------------

_ROLE_LABELS: dict[Role, str] = {"manager": "manager", "member": "member", "client": "client application"}


@dataclass(frozen=True, slots=True)
class Visitor:
    """Who a served page is for, as its header shows them."""

    name: str  # the member's name, "Cluster manager", or the client application's key name
    role: Role
    csrf_token: str | None = None  # the browser session's anti-forgery token; None with a Bearer key

    @property
    def role_label(self) -> str:
        return _ROLE_LABELS[self.role]


_visitor: ContextVar[Visitor | None] = ContextVar("graph_service_page_visitor", default=None)


def set_visitor(visitor: Visitor | None) -> None:
    """Name the visitor of the request being answered (called by the page dependency, in the
    request's own context, so the route's thread and the error handlers see it)."""
    _visitor.set(visitor)


def current_visitor() -> Visitor | None:
    """The visitor of the request being answered, or None (no login, a standalone file)."""
    return _visitor.get()


# -- navigation ------------------------------------------------------------------------------------


def nav_links(role: Role) -> list[tuple[str, str]]:
    """The pages' menu for ``role``: the manager's desk and report, a member's own page; a client
    application has no pages, only the API and its documentation."""
    if role == "client":
        return [("API documentation", "/docs")]
    maps = [
        ("Ecosystem", "/viz/ecosystem"),
        ("Subsectors", "/viz/subsectors"),
        ("Find members", "/members-app"),
    ]
    if role == "manager":
        return [("Desk", "/desk"), *MANAGER_JOBS, *maps, ("Report", "/report")]
    return [*MEMBER_PAGES, *maps]


MANAGER_JOBS: tuple[tuple[str, str], ...] = (
    ("Introductions", "/desk/introductions"),
    ("Messages", "/desk/messages"),
    ("Tenders", "/desk/tenders"),
    ("Events", "/desk/events"),
    ("Members & keys", "/desk/members"),
    ("Data", "/desk/data"),
)
"""The manager's jobs, one page each, in the menu after the desk."""

MEMBER_PAGES: tuple[tuple[str, str], ...] = (
    ("Me", "/me"),
    ("My ties", "/me/ties"),
    ("My introductions", "/me/introductions"),
    ("Partners", "/me/partners"),
    ("Privacy", "/me/privacy"),
)
"""A member's own pages, in the menu before the maps."""
