"""E-I index, isolation and the subsector matrix on a hand example."""

from __future__ import annotations

import pytest

from graph_service.analytics import build_collaboration_graph, ei_index, subsector_isolation, subsector_matrix
from graph_service.domain import SUBSECTOR_IDS


@pytest.fixture
def graph(doc_factory):
    members = {
        "d1": {"subsectors": "design"},
        "d2": {"subsectors": "design"},
        "d3": {"subsectors": ["design", "gaming"]},  # secondary subsectors do not count
        "g1": {"subsectors": "gaming"},
        "g2": {"subsectors": "gaming"},
        "m": {"subsectors": "music"},
    }
    ties = [("d1", "d2"), ("d2", "d3"), ("d1", "g1"), ("g1", "g2")]
    return build_collaboration_graph(doc_factory(members, ties, events=[("e", ["m", "d1"])]))


def test_ei_index():
    assert ei_index(1, 2) == pytest.approx(-1 / 3)
    assert ei_index(3, 0) == 1.0 and ei_index(0, 0) is None


def test_isolation(graph):
    report = subsector_isolation(graph)
    assert len(report.subsectors) == len(SUBSECTOR_IDS)
    by_id = {s.id: s for s in report.subsectors}
    design, gaming, music = by_id["design"], by_id["gaming"], by_id["music"]
    assert (design.members, design.internal_ties, design.external_ties) == (3, 2, 1)
    assert design.ei_index == pytest.approx(-1 / 3)
    assert design.share_without_external == pytest.approx(2 / 3)
    assert design.linked_to == {"gaming": 1}
    assert (gaming.internal_ties, gaming.external_ties, gaming.ei_index) == (1, 1, 0.0)
    assert gaming.share_without_external == 0.5
    assert music.members == 1 and music.ei_index is None and music.share_without_external == 1.0
    assert by_id["literature"].share_without_external is None
    # most isolated first, no ties last (by id)
    assert [s.id for s in report.subsectors[:2]] == ["design", "gaming"]
    rest = [s.id for s in report.subsectors[2:]]
    assert rest == sorted(rest)
    assert report.overall_ei_index == pytest.approx((1 - 3) / 4)
    assert report.isolated_members.no_ties == ("m",)  # co-attendance is not a tie
    assert report.isolated_members.only_internal == ("d2", "d3", "g2")


def test_matrix(graph):
    mx = subsector_matrix(graph)
    i, j, k = mx.ids.index("design"), mx.ids.index("gaming"), mx.ids.index("music")
    assert mx.counts[i][i] == 2 and mx.counts[i][j] == mx.counts[j][i] == 1
    assert mx.densities[i][i] == pytest.approx(2 / 3)
    assert mx.densities[i][j] == pytest.approx(1 / 6)
    assert mx.densities[k][k] is None and mx.densities[k][i] == 0.0
    assert sum(map(sum, mx.counts)) == 2 + 1 + 1 + 1  # the external tie appears twice
