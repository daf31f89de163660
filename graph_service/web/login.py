"""The login page (``/login``): a form for a key, which becomes a session cookie for the pages."""

from __future__ import annotations

from graph_service.web.pages import render_template

__all__ = ["login_html"]


def login_html(next_path: str, error: str | None = None) -> str:
    """The login form, sending the browser on to ``next_path`` once the key is accepted;
    ``error`` explains why the last key was refused."""
    return render_template("login.html.j2", inline=False, nav=None, next=next_path, error=error)
