"""The error page a browser gets (``viz/templates/error.html.j2``): what went wrong in words, and
a way on -- the home page, the previous page, or the login. Which requests get it, and the JSON
everyone else keeps, is decided in :mod:`graph_service.api.errors`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph_service.web.pages import Visitor, nav_links, render_template

__all__ = ["TITLES", "ErrorPage", "error_html"]

TITLES: dict[int, str] = {
    400: "The request could not be read",
    401: "Please log in",
    403: "You may not do this",
    404: "Not found",
    405: "This address does not take that request",
    409: "This conflicts with what is recorded",
    413: "Too large",
    422: "Something in the request is not right",
    429: "Too many requests",
    500: "Something went wrong",
    503: "The service is not available right now",
    504: "That took too long",
}


@dataclass(frozen=True, slots=True)
class ErrorPage:
    """What the error page says."""

    status: int
    message: str  # the reason, as the JSON's detail gives it
    problems: Sequence[tuple[str, str]] = ()  # (field, what is wrong), for a 422
    back: str | None = None  # the previous page on this site, when the browser said where it came from
    login: str | None = None  # the login page, back to here afterwards (for a 401)

    @property
    def title(self) -> str:
        return TITLES.get(self.status, "Something went wrong")


def error_html(page: ErrorPage, visitor: Visitor | None) -> str:
    """The error page for ``visitor`` (None: nobody logged in, or not known here)."""
    return render_template(
        "error.html.j2",
        inline=False,
        nav=nav_links(visitor.role) if visitor else None,
        visitor=visitor,
        error=page,
    )
