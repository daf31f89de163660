"""Burt's constraint and effective size, computed once per contact, against networkx's."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from graph_service.analytics.brokerage import structural_holes


@pytest.mark.parametrize("seed", range(6))
def test_constraint_and_effective_size_are_networkx_s(seed: int) -> None:
    rng = random.Random(seed)
    G = nx.gnp_random_graph(40, 0.15, seed=seed) if seed % 2 else nx.barabasi_albert_graph(60, 3, seed=seed)
    G = nx.relabel_nodes(G, lambda v: f"m-{v:02d}")
    for u, v in G.edges:
        G.edges[u, v]["weight"] = round(rng.uniform(0.05, 1.0), 3)
    G.add_node("alone")
    want_c = nx.constraint(G, nodes=list(G), weight="weight")
    want_e = nx.effective_size(G, nodes=list(G), weight="weight")
    for u in G:
        c, e = structural_holes(G, u)
        if u == "alone":
            assert math.isnan(c) and math.isnan(e) and math.isnan(want_c[u]) and math.isnan(want_e[u])
            continue
        assert c == pytest.approx(want_c[u], abs=1e-12) and e == pytest.approx(want_e[u], abs=1e-12), u


def test_hand_known_path_centre() -> None:
    G = nx.path_graph(["a", "b", "c"])
    assert structural_holes(G, "b") == (pytest.approx(0.5), pytest.approx(2.0))  # two contacts, not tied
    G.add_edge("a", "c")
    c, e = structural_holes(G, "b")  # a closed triangle: every contact is redundant by half
    assert c == pytest.approx(2 * (0.5 + 0.5 * 0.5) ** 2) and e == pytest.approx(1.0)
