"""The API's documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), drawn from the
copies in ``viz/static/vendor/`` (served from ``/viz/assets/``), so they work offline.

FastAPI writes both pages (:func:`fastapi.openapi.docs.get_swagger_ui_html`,
:func:`~fastapi.openapi.docs.get_redoc_html`). Swagger UI's page starts the viewer with one inline
script, which the pages' :data:`~graph_service.web.pages.CSP` (``script-src 'self'``) would block;
:func:`docs_csp` allows exactly that script by its SHA-256 hash, and nothing else inline. ReDoc
builds its search index in a Web Worker started from a ``blob:`` URL, which ``worker-src`` allows.
Neither page may load anything from another host.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache

from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

__all__ = ["docs_csp", "redoc_page", "swagger_page"]

_TITLE = "Creative Industries Cluster graph service"
_SWAGGER_PARAMETERS = {
    "validatorUrl": None,  # no badge fetched from validator.swagger.io
    "tryItOutEnabled": False,
    "persistAuthorization": False,
}


def _inline_scripts(html: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)


@lru_cache(maxsize=4)
def swagger_page(openapi_url: str) -> str:
    return bytes(get_swagger_ui_html(
        openapi_url=openapi_url,
        title=f"{_TITLE} - API documentation",
        swagger_js_url="/viz/assets/swagger-ui-bundle.js",
        swagger_css_url="/viz/assets/swagger-ui.css",
        swagger_favicon_url="/viz/assets/swagger-favicon.png",
        oauth2_redirect_url=None,
        swagger_ui_parameters=_SWAGGER_PARAMETERS,
    ).body).decode("utf-8").replace("<html>", '<html lang="en">', 1)


@lru_cache(maxsize=4)
def redoc_page(openapi_url: str) -> str:
    return bytes(get_redoc_html(
        openapi_url=openapi_url,
        title=f"{_TITLE} - API reference",
        redoc_js_url="/viz/assets/redoc.standalone.js",
        redoc_favicon_url="/viz/assets/swagger-favicon.png",
        with_google_fonts=False,
    ).body).decode("utf-8").replace("<html>", '<html lang="en">', 1)


def docs_csp(page: str) -> str:
    """The policy of a documentation page: the pages' policy, plus the page's own inline scripts
    by hash and workers from ``blob:``."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
        for s in _inline_scripts(page)
    )
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        f"script-src 'self'{' ' + hashes if hashes else ''}; worker-src 'self' blob:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
