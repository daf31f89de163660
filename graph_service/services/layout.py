"""The ecosystem map's kept layout, per view: which kept layout a view draws from and writes to.

Each role has its own (the positions of a member's map come from what members may see, so the
manager's map, drawn with private members and unconfirmed ties, never shapes it): ``ecosystem``
for the manager, ``ecosystem:member`` and ``ecosystem:client``. The view of one member who is
not in their role's shared view (:meth:`~graph_service.services.views.ProjectionCache.view`)
draws from the role's layout and keeps nothing. How the positions are carried from one version
to the next is :func:`graph_service.web.maps.layout.carry_layout`; the storage is
:mod:`graph_service.store.layout`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graph_service.services.views import GraphView
from graph_service.store import layout as store
from graph_service.store.database import Database
from graph_service.store.layout import MapLayout

__all__ = ["MapLayout", "ecosystem_layout_id", "kept_layout", "keep_layout", "reset_layouts"]


def ecosystem_layout_id(view: GraphView) -> str:
    """The id of the kept layout of ``view``'s ecosystem map."""
    role = view.viewer.role
    return "ecosystem" if role == "manager" else f"ecosystem:{role}"


def _database(view: GraphView) -> Database | None:
    """The database ``view`` projects, or None for a view of a fixed projection (no database)."""
    try:
        return view.database
    except NotImplementedError:
        return None


def kept_layout(view: GraphView) -> MapLayout | None:
    """The ecosystem map's layout kept for ``view`` (None when its map was never drawn, was
    reset, or the view has no database)."""
    db = _database(view)
    return store.get_layout(db, ecosystem_layout_id(view)) if db is not None else None


def keep_layout(
    view: GraphView,
    *,
    version: int,
    positions: Mapping[str, tuple[float, float]],
    ties: Iterable[tuple[str, str]],
) -> bool:
    """Keep the positions of ``view``'s ecosystem map, drawn at graph ``version`` with ``ties``.
    A view of one member (not their role's shared view), or one without a database, keeps
    nothing; the answer says whether the layout was written."""
    db = _database(view)
    if db is None or view.viewer.member_id is not None:
        return False
    store.save_layout(db, ecosystem_layout_id(view), version=version, positions=positions, ties=ties)
    return True


def reset_layouts(db: Database) -> int:
    """Forget every kept layout: the next map of each view is laid out afresh (seeded). How many
    layouts were forgotten."""
    return store.delete_layouts(db)
