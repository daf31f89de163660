"""Betweenness: the compiled kernel (networkit) against networkx, and KADABRA's stated bound."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph_service.analytics import brokers, build_collaboration_graph, tie_betweenness, ties_graph


def _graphs() -> list[tuple[str, nx.Graph]]:
    """Random graphs of every shape the ties graph takes: sparse and dense, connected or in pieces,
    with members without ties, hubs, trees and cycles; ids are strings, inserted in random order."""
    out: list[tuple[str, nx.Graph]] = []
    shapes = [
        ("gnp sparse", lambda s: nx.gnp_random_graph(60, 0.05, seed=s)),
        ("gnp dense", lambda s: nx.gnp_random_graph(40, 0.3, seed=s)),
        ("barabasi", lambda s: nx.barabasi_albert_graph(80, 2, seed=s)),
        ("tree", lambda s: nx.random_labeled_tree(50, seed=s)),
        ("small world", lambda s: nx.watts_strogatz_graph(70, 4, 0.2, seed=s)),
        ("pieces", lambda s: nx.disjoint_union_all([nx.gnp_random_graph(15, 0.3, seed=s + i) for i in range(4)])),
    ]
    for name, make in shapes:
        for s in range(3):
            G = make(s)
            G.add_nodes_from(range(G.number_of_nodes(), G.number_of_nodes() + 3))  # members without ties
            nodes = list(G.nodes)
            random.Random(s).shuffle(nodes)
            H: nx.Graph = nx.Graph()
            H.add_nodes_from(f"m-{v:03d}" for v in nodes)
            edges = list(G.edges)
            random.Random(s + 1).shuffle(edges)
            H.add_edges_from((f"m-{u:03d}", f"m-{v:03d}") for u, v in edges)
            out.append((f"{name} {s}", H))
    return out


@pytest.mark.parametrize(("name", "G"), _graphs(), ids=[n for n, _ in _graphs()])
def test_compiled_exact_betweenness_is_networkx_s(name: str, G: nx.Graph) -> None:
    reference = tie_betweenness(G, kernel="networkx")
    for kernel in ("igraph", "networkit"):
        compiled = tie_betweenness(G, kernel=kernel)
        assert compiled.exact and reference.exact
        assert set(compiled.values) == set(G.nodes)
        for v in G:
            assert compiled.values[v] == pytest.approx(reference.values[v], abs=1e-9), (name, kernel, v)
    assert tie_betweenness(G) == tie_betweenness(G, kernel="igraph")  # the service's kernel


def test_hand_known_path_and_star(doc_factory) -> None:
    path = ties_graph(build_collaboration_graph(doc_factory(["a", "b", "c", "d", "e"],
                                                             [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])))
    bc = tie_betweenness(path).values
    assert bc["c"] == 4 / 6  # 4 of the 6 pairs of other nodes, exactly as networkx gives it
    assert bc["b"] == pytest.approx(3 / 6) and bc["d"] == pytest.approx(3 / 6)
    assert bc["a"] == 0.0 and bc["e"] == 0.0
    star = nx.star_graph(5)  # the centre is between all 10 pairs of leaves
    assert tie_betweenness(nx.relabel_nodes(star, str)).values["0"] == pytest.approx(1.0)


def test_the_compiled_kernel_gives_brokers_the_same_answer(doc_factory) -> None:
    left, right = ["a1", "a2", "a3", "a4"], ["b1", "b2", "b3", "b4"]
    ties = [(x, y) for grp in (left, right) for i, x in enumerate(grp) for y in grp[i + 1:]] + [("a4", "b1")]
    G = build_collaboration_graph(doc_factory(left + right, ties))
    T = ties_graph(G)
    compiled = brokers(G, centrality=tie_betweenness(T))
    reference = brokers(G, centrality=tie_betweenness(T, kernel="networkx"))
    assert [b.id for b in compiled.brokers] == [b.id for b in reference.brokers]
    assert [b.betweenness for b in compiled.brokers] == pytest.approx([b.betweenness for b in reference.brokers])
    assert compiled.brokers[0].betweenness == pytest.approx(12 / 21)  # a4 or b1: 3 x 4 pairs across, of C(7, 2)


@pytest.mark.parametrize("n", [0, 1, 2])
def test_too_small_for_anyone_to_be_between(n: int) -> None:
    G = nx.relabel_nodes(nx.path_graph(n), str)
    result = tie_betweenness(G, epsilon=0.01)
    assert result.values == dict.fromkeys(G.nodes, 0.0) and result.exact


def test_no_ties() -> None:
    G: nx.Graph = nx.Graph()
    G.add_nodes_from(["a", "b", "c", "d"])
    assert tie_betweenness(G, epsilon=0.01).values == dict.fromkeys("abcd", 0.0)


def test_unknown_options_are_refused() -> None:
    G = nx.relabel_nodes(nx.path_graph(5), str)
    with pytest.raises(ValueError, match="at least 1"):
        tie_betweenness(G, sample=0)
    with pytest.raises(ValueError, match="not both"):
        tie_betweenness(G, sample=2, epsilon=0.01)
    with pytest.raises(ValueError, match="epsilon"):
        tie_betweenness(G, epsilon=1.5)
    with pytest.raises(ValueError, match="delta"):
        tie_betweenness(G, epsilon=0.01, delta=0.0)
    with pytest.raises(ValueError, match="kernel"):
        tie_betweenness(G, kernel="graph-tool")  # type: ignore[arg-type]  # refused at run time too


def _big_graph() -> nx.Graph:
    G = nx.barabasi_albert_graph(1500, 2, seed=7)
    G.add_edges_from(nx.gnp_random_graph(1500, 0.0005, seed=8).edges)
    return nx.relabel_nodes(G, lambda v: f"m-{v:04d}")


def test_kadabra_is_within_its_stated_bound_and_seeded() -> None:
    """KADABRA's estimate, converted to the service's normalisation, is within the bound it
    states of the exact values, and the same on every run with the same seed."""
    G = _big_graph()
    exact = tie_betweenness(G).values
    estimate = tie_betweenness(G, epsilon=0.01, delta=0.1, seed=42)
    n = G.number_of_nodes()
    assert estimate.epsilon == pytest.approx(0.01 * n / (n - 2)) and estimate.delta == 0.1
    assert not estimate.exact
    worst = max(abs(estimate.values[v] - exact[v]) for v in G)
    assert worst <= estimate.epsilon
    # Not a trivial bound: the top broker's value is several times it, and comes out on top.
    top = max(exact, key=lambda v: exact[v])
    assert exact[top] > 5 * estimate.epsilon
    assert max(estimate.values, key=lambda v: estimate.values[v]) == top
    # Normalised alike: the estimated total is the exact total, within the bound per node.
    assert abs(sum(estimate.values.values()) - sum(exact.values())) <= n * estimate.epsilon / 10
    assert tie_betweenness(G, epsilon=0.01, delta=0.1, seed=42) == estimate
    assert tie_betweenness(G, epsilon=0.01, delta=0.1, seed=43) != estimate


def test_kadabra_states_its_bound_in_words() -> None:
    G = _big_graph()
    note = tie_betweenness(G, epsilon=0.01, delta=0.1).approximation
    assert note == "approximate: each value within ±0.01 of the exact normalised betweenness with probability 0.9 " \
                   "(KADABRA, seed 42)"
    assert tie_betweenness(G).approximation is None
    assert "no error bound" in (tie_betweenness(G, sample=10).approximation or "")


def test_kadabra_with_the_same_seed_is_the_same_whatever_the_insertion_order() -> None:
    G = _big_graph()
    H: nx.Graph = nx.Graph()
    nodes = list(G.nodes)
    random.Random(3).shuffle(nodes)
    H.add_nodes_from(nodes)
    edges = list(G.edges)
    random.Random(4).shuffle(edges)
    H.add_edges_from((v, u) for u, v in edges)
    assert tie_betweenness(H, epsilon=0.02) == tie_betweenness(G, epsilon=0.02)
