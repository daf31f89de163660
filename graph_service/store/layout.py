"""Kept map layouts: where the ecosystem map last put each member, so the next graph version's
map moves only the members that are new or whose ties changed
(:func:`graph_service.web.maps.layout.carry_layout`).

One ``:MapLayout`` node per map (``id``: ``ecosystem`` for the manager's, ``ecosystem:member``
and ``ecosystem:client`` for those of the other roles), holding the member ids and their
coordinates as parallel lists, the ties the map was drawn with as two parallel lists of ends,
and the graph version it was drawn at. Written without bumping the version stamp: a layout is
how the graph was drawn, not a change to it. A replace import or a restore keeps it (it is not
cluster data), so a re-imported cluster is drawn where it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graph_service.store.database import Database, Tx

__all__ = ["MapLayout", "delete_layouts", "forget_member", "get_layout", "save_layout"]


@dataclass(frozen=True, slots=True)
class MapLayout:
    """A kept layout: each member's position and the ties (pairs of ids, smaller first) it was
    drawn with, at graph ``version``."""

    id: str
    version: int
    positions: dict[str, tuple[float, float]]
    ties: frozenset[tuple[str, str]]


def get_layout(db: Database, layout_id: str) -> MapLayout | None:
    """The layout kept under ``layout_id``, or None when there is none."""
    row = db.one("layout/get_layout", {"id": layout_id})
    if row is None:
        return None
    ids, xs, ys = row["ids"] or [], row["xs"] or [], row["ys"] or []
    us, vs = row["us"] or [], row["vs"] or []
    return MapLayout(
        id=layout_id,
        version=int(row["version"] or 0),
        positions={str(n): (float(x), float(y)) for n, x, y in zip(ids, xs, ys, strict=True)},
        ties=frozenset((str(u), str(v)) if u < v else (str(v), str(u)) for u, v in zip(us, vs, strict=True)),
    )


def save_layout(
    db: Database,
    layout_id: str,
    *,
    version: int,
    positions: Mapping[str, tuple[float, float]],
    ties: Iterable[tuple[str, str]],
) -> None:
    """Keep ``positions`` and the ``ties`` they were drawn with under ``layout_id`` (unless a
    layout of a later graph version is kept there already), without bumping the version."""
    ids = sorted(positions)
    pairs = sorted({(u, v) if u < v else (v, u) for u, v in ties})
    db.write(lambda tx: tx.run(
        "layout/save_layout", id=layout_id, version=version, ids=ids,
        xs=[float(positions[n][0]) for n in ids], ys=[float(positions[n][1]) for n in ids],
        us=[u for u, _ in pairs], vs=[v for _, v in pairs],
    ), bump=False)


def delete_layouts(db: Database) -> int:
    """Forget every kept layout (the next maps are laid out afresh); how many there were."""
    row = db.write(lambda tx: tx.one("layout/delete_layouts"), bump=False)
    return int(row["deleted"]) if row else 0


def forget_member(tx: Tx, member_id: str) -> None:
    """Take ``member_id`` out of every kept layout, in the transaction that erases the member
    (so that no property names an erased member)."""
    tx.run("layout/forget_member", id=member_id)
