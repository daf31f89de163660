"""The responses of the served pages, for every page route: an HTML page with the pages' security
headers (:data:`~graph_service.web.pages.SECURITY_HEADERS`), the same kept out of every cache
(:data:`NO_STORE`: pages that show a key, an upload's preview or a member's own data), and the
303 that ends a form's Post/Redirect/Get."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import HTMLResponse, RedirectResponse

from graph_service.web.pages import SECURITY_HEADERS

__all__ = ["NO_STORE", "html_page", "private_page", "see_other"]

NO_STORE: dict[str, str] = {**SECURITY_HEADERS, "Cache-Control": "no-store"}
"""The pages' headers, and no copy kept by the browser or a proxy."""


def html_page(html: str, status: int = 200, *, headers: Mapping[str, str] = SECURITY_HEADERS) -> HTMLResponse:
    """``html`` as a page answered with ``status``."""
    return HTMLResponse(html, status_code=status, headers=dict(headers))


def private_page(html: str, status: int = 200) -> HTMLResponse:
    """``html`` as a page that no browser or proxy keeps (:data:`NO_STORE`)."""
    return html_page(html, status, headers=NO_STORE)


def see_other(url: str) -> RedirectResponse:
    """A 303 to ``url`` (what a form's POST answers when it worked)."""
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)
