"""The login page (``/login``): a form for a key, which becomes a session cookie for the pages."""

from __future__ import annotations

from pathlib import Path

from graph_service.web.pages import render_template

__all__ = ["login_html"]


def login_html(next_path: str, error: str | None = None, *, key_file: Path | None = None,
               notice: str | None = None) -> str:
    """The login form, sending the browser on to ``next_path`` once the key is accepted.

    ``error`` explains why the last key was refused; ``key_file`` is where the manager's key is
    kept in development mode (None: it is the ``GRAPH_SERVICE_MANAGER_KEY`` setting); ``notice``
    is a line shown above the form (e.g. after logging out)."""
    return render_template("login.html.j2", inline=False, nav=None, visitor=None, next=next_path, error=error,
                           key_file=str(key_file) if key_file else None, notice=notice)
