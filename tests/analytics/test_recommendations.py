"""Recommendations: candidates, ranking, reasons, filters, visibility and baselines."""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import date

import networkx as nx
import pytest

from graph_service.analytics import (
    UnknownMember,
    adamic_adar_scores,
    build_collaboration_graph,
    common_neighbours_scores,
    recommend,
    resource_allocation_scores,
    score_pairs,
    subset,
    ties_graph,
)
from graph_service.analytics.recommendations import RecommenderWeights, clear_recommendation_index
from graph_service.analytics.recommendations.index import _CACHE_KEY
from graph_service.domain import SUBSECTOR_IDS


@pytest.fixture
def star(doc_factory):
    """a knows b and f; b knows c, d and e; f knows c. So c shares two contacts with a."""
    doc = doc_factory(
        {
            "a": {"name": "Anne Weber", "skills": ["animation"]},
            "b": {"name": "Studio Kayl Motion"},
            "c": {"name": "Carla", "subsectors": "gaming", "skills": ["3d", "sound-design"]},
            "d": {"name": "Dan"},
            "e": {"name": "Eve", "skills": ["animation"]},
            "f": {"name": "Fay"},
        },
        [("a", "b"), ("b", "c"), ("b", "d"), ("b", "e"), ("a", "f"), ("f", "c")],
        skills={"3d": "3D animation", "sound-design": "sound design", "animation": "animation"},
    )
    return build_collaboration_graph(doc)


def test_ranking_structure_first_and_never_tied(star):
    recs = recommend(star, "a")
    ids = [r.id for r in recs]
    # c shares b (deg 4) and f (deg 2): RA = 1/4 + 1/2; d and e share only b: 1/4 each
    assert ids[0] == "c"
    assert recs[0].components["structure"] == pytest.approx(0.75)
    assert set(ids) == {"c", "d", "e"}
    assert "b" not in ids and "f" not in ids and "a" not in ids
    # d and e tie on structure; e brings nothing new (same skill), d neither: by id
    assert ids[1:] == ["d", "e"]
    assert recs == sorted(recs, key=lambda r: (-r.score, r.id))


def test_reasons_are_sentences(star):
    c = recommend(star, "a")[0]
    assert c.reasons[0] == "You both know Fay and Studio Kayl Motion."
    assert "Brings skills you lack: 3D animation and sound design." in c.reasons
    assert "Would connect you with gaming, a subsector you have no ties to." in c.reasons
    assert c.shared_contacts == ("f", "b") and c.shared_contact_count == 2
    assert c.complementary_skills == ("3d", "sound-design")
    assert c.subsectors_bridged == ("gaming",)
    assert all(r.endswith(".") and r[0].isupper() for r in c.reasons)


def test_hidden_contacts_are_counted_not_named(star):
    c = recommend(star, "a", viewer_can_see=lambda m: m not in {"b", "f"})[0]
    assert c.reasons[0] == "You have 2 shared contacts."
    assert c.shared_contacts == () and c.shared_contact_count == 2
    c = recommend(star, "a", viewer_can_see=lambda m: m != "b")[0]
    assert c.reasons[0] == "You both know Fay and 1 other contact."
    assert c.shared_contacts == ("f",)
    # candidates the viewer cannot see are not suggested at all
    assert "c" not in [r.id for r in recommend(star, "a", viewer_can_see=lambda m: m != "c")]


def test_member_without_ties_is_ranked_by_content(doc_factory):
    members = {
        "lonely": {"skills": ["drawing"]},
        "rare": {"skills": ["vr", "holography"]},
        "common1": {"skills": ["photo"]},
        "common2": {"skills": ["photo"]},
        "common3": {"skills": ["photo", "drawing"]},
        "plain": {},
        "other": {"subsectors": "music"},
        "met": {},
    }
    G = build_collaboration_graph(
        doc_factory(members, [("common1", "common2")], events=[("rt", ["lonely", "met"], "Round table")])
    )
    recs = recommend(G, "lonely")
    ids = [r.id for r in recs]
    assert all(r.components["structure"] == 0 for r in recs)
    # two rare skills > one common skill; "plain" has nothing to offer and is left out
    assert ids.index("rare") < ids.index("common1")
    assert "plain" not in ids
    assert {"met", "other"} <= set(ids)
    met = next(r for r in recs if r.id == "met")
    assert met.reasons == ("You both attended 'Round table' (2 people).",)
    other = next(r for r in recs if r.id == "other")
    assert other.reasons == ("Would connect you with music, a subsector you have no ties to.",)


def test_member_without_skills_gets_structure_only(star, doc_factory):
    doc = doc_factory(
        {"a": {}, "b": {}, "c": {"skills": ["x", "y"]}, "d": {}, "e": {"skills": ["z"]}},
        [("a", "b"), ("b", "c"), ("b", "d"), ("b", "e")],
    )
    recs = recommend(build_collaboration_graph(doc), "a")
    assert [r.id for r in recs] == ["c", "d", "e"]  # equal structure: by id, skills ignored
    assert all(r.components["skills"] == 0 for r in recs)
    assert len({r.score for r in recs}) == 1


def test_open_and_declined_introductions_are_excluded(doc_factory):
    doc = doc_factory(
        ["a", "b", "c", "d", "e", "f"],
        [("a", "b"), ("b", "c"), ("b", "d"), ("b", "e"), ("b", "f")],
        introductions=[("a", "c", "proposed"), ("d", "a", "declined"), ("a", "e", "no-follow-up")],
    )
    G = build_collaboration_graph(doc)
    assert [r.id for r in recommend(G, "a")] == ["e", "f"]
    assert [r.id for r in recommend(G, "a", exclude=frozenset({"e"}))] == ["f"]


def test_contact_only_pairs_can_be_recommended(doc_factory):
    G = build_collaboration_graph(doc_factory(["a", "b"], events=[("e", ["a", "b"])]))
    assert [r.id for r in recommend(G, "a")] == ["b"]


def test_filters(doc_factory):
    doc = doc_factory(
        {
            "a": {"subsectors": ["design", "music"], "skills": ["s0"]},
            "hub": {},
            "g": {"subsectors": "gaming", "skills": ["s1"]},
            "m": {"subsectors": ["film-audiovisual", "music"], "skills": ["s2"]},
            "d": {"subsectors": "design", "skills": ["s1"]},
        },
        [("a", "hub"), ("hub", "g"), ("hub", "m"), ("hub", "d")],
    )
    G = build_collaboration_graph(doc)
    assert [r.id for r in recommend(G, "a", subsector="gaming")] == ["g"]
    assert [r.id for r in recommend(G, "a", skill="s1")] == ["g", "d"]  # g bridges gaming
    assert [r.id for r in recommend(G, "a", cross_sector=True)] == ["g"]  # m shares music
    assert len(recommend(G, "a", limit=1)) == 1
    with pytest.raises(ValueError):
        recommend(G, "a", subsector="cooking")
    with pytest.raises(ValueError):
        recommend(G, "a", skill="juggling")
    with pytest.raises(ValueError):
        recommend(G, "a", limit=0)


def test_penalties(star):
    base = recommend(star, "a")
    assert base[0].id == "c"
    recs = recommend(star, "a", penalties={"c": 0.1})
    c = next(r for r in recs if r.id == "c")
    assert c.score == pytest.approx(base[0].score * 0.1) and c.components["penalty"] == 0.1
    assert recs[0].id != "c"
    with pytest.raises(ValueError):
        recommend(star, "a", penalties={"c": 0.0})


def test_unknown_member(star):
    with pytest.raises(UnknownMember):
        recommend(star, "nobody")
    with pytest.raises(KeyError):
        recommend(star, "nobody")


def test_deterministic(star):
    assert recommend(star, "a") == recommend(star, "a")


def test_baselines_and_score_pairs(star):
    # a's tie neighbours: b (deg 4), f (deg 2)
    assert common_neighbours_scores(star, "a") == {"c": 2.0, "d": 1.0, "e": 1.0}
    assert resource_allocation_scores(star, "a") == pytest.approx({"c": 0.75, "d": 0.25, "e": 0.25})
    aa = adamic_adar_scores(star, "a")
    assert aa["c"] == pytest.approx(1 / math.log(4) + 1 / math.log(2))
    pairs = [("a", "c"), ("a", "d"), ("c", "d")]
    assert score_pairs(star, pairs, "resource_allocation") == pytest.approx([0.75, 0.25, 0.25])
    assert score_pairs(star, pairs, "common_neighbours") == [2.0, 1.0, 1.0]
    full = score_pairs(star, pairs, "recommender")
    assert full[0] == pytest.approx(recommend(star, "a")[0].score)
    assert score_pairs(star, pairs, "random", seed=1) == score_pairs(star, pairs, "random", seed=1)
    with pytest.raises(ValueError):
        score_pairs(star, pairs, "magic")  # type: ignore[arg-type]


def test_events_reason_lists_smallest_first(doc_factory):
    others = [f"x{i}" for i in range(10)]
    doc = doc_factory(
        ["a", "b"] + others,
        events=[
            ("big", ["a", "b"] + others, "Cocktail"),
            ("rt", ["a", "b", "x0"], "Round table: games and heritage"),
        ],
    )
    r = recommend(build_collaboration_graph(doc), "a")[0]
    assert r.id == "b"
    assert r.shared_events == ("rt", "big")
    assert r.reasons[0] == (
        "You both attended 'Round table: games and heritage' (3 people) and 'Cocktail' (12 people)."
    )


def test_works_on_a_subgraph_view(star):
    view = star.subgraph([n for n in star if n != "f"])
    recs = recommend(view, "a")
    assert [r.id for r in recs] == ["c", "d", "e"]
    assert recs[0].shared_contacts == ("b",)


# --- the candidate index: same answers as scoring every node, never stale ---------------------


def scan(G, member, **kw):
    """The brute force: ``recommend(..., exhaustive=True)``, i.e. every node scored."""
    return recommend(G, member, exhaustive=True, **kw)


def index_of(G):
    return G.__networkx_cache__.get(_CACHE_KEY)


def same(G, member, **kw):
    got = recommend(G, member, **kw)
    assert index_of(G) is not None  # the indexed path ran
    assert got == scan(G, member, **kw), (member, kw)
    return got


def random_doc(doc_factory, rng, n=40, orgs=0):
    """Members with few skills from a small pool (so many exact ties on score), one to three
    subsectors, sparse ties, events small and large, introductions in every state."""
    ids = [f"m{i:02d}" for i in range(n)]
    pool = [f"s{i}" for i in range(8)]
    members = {}
    for m in ids:
        k = rng.choice((0, 1, 1, 1, 2, 3))
        members[m] = {
            "subsectors": rng.sample(SUBSECTOR_IDS[:5], rng.choice((1, 1, 2, 3))),
            "skills": rng.sample(pool, k),
        }
    parties = ids + [f"o{i}" for i in range(orgs)]
    ties = set()
    for _ in range(rng.randint(0, 2 * n)):
        a, b = rng.sample(parties, 2)
        ties.add((min(a, b), max(a, b), rng.choice(("knows", "collaborated"))))
    events = []
    for e in range(rng.randint(0, 6)):
        size = rng.choice((2, 3, 5, 12, n // 2))
        events.append((f"e{e}", rng.sample(parties, min(size, len(parties)))))
    intros = []
    for _ in range(rng.randint(0, 5)):
        a, b = rng.sample(ids, 2)
        intros.append((a, b, rng.choice(("proposed", "declined", "collaborating", "no-follow-up"))))
    return doc_factory(members, sorted(ties), events=events, introductions=intros,
                       organisations=[(f"o{i}", "automobility") for i in range(orgs)])


def random_options(G, member, rng):
    nodes = sorted(G)
    kw = {"limit": rng.choice((1, 2, 3, 5, 10, 100))}
    if rng.random() < 0.2:
        kw["subsector"] = rng.choice(SUBSECTOR_IDS[:6])
    if rng.random() < 0.2 and G.graph["skill_counts"]:
        kw["skill"] = rng.choice(sorted(G.graph["skill_counts"]))
    if rng.random() < 0.2:
        kw["cross_sector"] = True
    if rng.random() < 0.3:
        hidden = set(rng.sample(nodes, len(nodes) // 4))
        kw["viewer_can_see"] = lambda v: v not in hidden
    if rng.random() < 0.3:
        kw["exclude"] = frozenset(rng.sample(nodes, 3))
    if rng.random() < 0.4:
        kw["penalties"] = {v: rng.choice((0.3, 0.7, 0.99, 1.0)) for v in rng.sample(nodes, len(nodes) // 3)}
    if rng.random() < 0.3:
        kw["include_organisations"] = True
    if rng.random() < 0.2:
        kw["weights"] = rng.choice((RecommenderWeights(skills=0.0, subsector=0.0),
                                    RecommenderWeights(events=0.0),
                                    RecommenderWeights(subsector=0.0),
                                    RecommenderWeights(content_scale=1.0)))
    return kw


def test_index_gives_the_brute_force_answer_on_random_graphs(doc_factory):
    rng = random.Random(2024)
    for trial in range(40):
        orgs = 3 if trial % 2 else 0
        G = build_collaboration_graph(random_doc(doc_factory, rng, n=rng.choice((10, 25, 40)), orgs=orgs),
                                      include_organisations=bool(orgs))
        for member in sorted(n for n, t in G.nodes(data="node_type") if t == "member"):
            same(G, member)
            same(G, member, **random_options(G, member, rng))


def test_index_gives_the_brute_force_answer_on_the_seed_cluster():
    from seed.generator import generate_cluster

    doc, _ = generate_cluster(members=300, seed=42)
    G = build_collaboration_graph(doc, include_organisations=True)
    rng = random.Random(5)
    members = sorted(n for n, t in G.nodes(data="node_type") if t == "member")
    for member in members[::3]:
        same(G, member)
        same(G, member, **random_options(G, member, rng))


def test_exact_ties_on_score_are_cut_by_id(doc_factory):
    # 30 candidates with the same single skill and subsector score exactly alike; the cut at
    # `limit` falls inside that run and must take the smallest ids, as a full sort would
    members = {"u": {"skills": ["mine"]}}
    members.update({f"c{i:02d}": {"skills": ["same"], "subsectors": "gaming"} for i in range(30)})
    members.update({f"d{i:02d}": {"skills": ["same"], "subsectors": ["design", "music"]} for i in range(5)})
    members["z"] = {"skills": ["same", "rare"], "subsectors": "gaming"}
    G = build_collaboration_graph(doc_factory(members))
    recs = same(G, "u", limit=5)
    assert [r.id for r in recs] == ["z", "c00", "c01", "c02", "c03"]
    assert len({r.score for r in recs[1:]}) == 1
    same(G, "u", limit=31, penalties={"c00": 0.5, "c29": 0.999})
    same(G, "u", limit=3, exclude=frozenset({"c01"}), viewer_can_see=lambda v: v != "c02")


def test_index_is_built_once_per_graph_and_reused(star):
    recommend(star, "a")
    index = index_of(star)
    assert index is not None
    recommend(star, "c", limit=2, skill="3d")
    assert index_of(star) is index
    assert _CACHE_KEY not in star.graph  # graph attributes stay clean (they are copied around)


def test_each_graph_object_has_its_own_index(doc_factory):
    doc = doc_factory(
        {
            "a": {"subsectors": "design", "skills": ["x"], "joined": "2020-01-01"},
            "b": {"subsectors": "design", "joined": "2020-01-01"},
            "c": {"subsectors": "gaming", "skills": ["y", "z"], "joined": "2020-01-01"},
            "d": {"subsectors": ["design", "gaming"], "skills": ["z"], "joined": "2023-01-01"},
            "e": {"subsectors": "music", "skills": ["y"]},
        },
        [("a", "b"), ("b", "c"), ("b", "d")],
        events=[("ev", ["a", "e", "d"])],
    )
    G = build_collaboration_graph(doc)
    full = [r.id for r in same(G, "a")]
    assert {"c", "d", "e"} <= set(full)
    for H in (
        subset(G, subsector="design"),  # new graph, copied graph attributes, new skill counts
        subset(G, joined_before=date(2022, 1, 1)),
        G.subgraph(["a", "b", "c"]),  # a view: same graph attributes dict as G
        ties_graph(G),  # shares node and graph attributes with G
        G.copy(),
    ):
        assert index_of(H) is None
        same(H, "a")
        assert index_of(H) is not index_of(G)
        assert [r.id for r in recommend(H, "a")] == [r.id for r in scan(H, "a")]
    assert [r.id for r in recommend(G, "a")] == full  # G's own index untouched


def test_changes_through_networkx_drop_the_index(doc_factory):
    G = build_collaboration_graph(
        doc_factory({"a": {"skills": ["x"]}, "b": {}, "c": {"skills": ["y"]}, "d": {}},
                    [("a", "b"), ("b", "c")])
    )
    same(G, "a")
    # a new member with a skill nobody else has: it must show up at once
    G.add_node("n", name="New", subsector="gaming", subsectors=("gaming",), skills=frozenset({"rare"}),
               events=frozenset(), node_type="member")
    assert index_of(G) is None
    assert "n" in [r.id for r in same(G, "a")]
    G.remove_node("c")
    assert "c" not in [r.id for r in same(G, "a")]
    G.add_edge("a", "n", knows=1.0, weight=1.0, structural=True)
    assert "n" not in [r.id for r in same(G, "a")]
    G.remove_edge("a", "n")
    same(G, "a")


def test_graph_attribute_changes_rebuild_the_index(star):
    same(star, "a")
    before = index_of(star)
    star.graph["skill_counts"] = {**star.graph["skill_counts"], "3d": 5}  # rarity changes
    star.graph["member_count"] = 50
    same(star, "a")
    assert index_of(star) is not before


def test_editing_node_attributes_in_place_then_clearing(star):
    same(star, "e")
    star.nodes["d"]["skills"] = frozenset({"3d", "sound-design", "animation"})
    star.nodes["d"]["subsectors"] = ("music", "gaming")
    clear_recommendation_index(star)
    assert index_of(star) is None
    same(star, "e")
    same(star, "a", limit=1)


def test_without_a_networkx_cache_every_node_is_scored(star):
    H = star.copy()
    H.__networkx_cache__ = None
    assert recommend(H, "a") == recommend(star, "a") == scan(star, "a")
    assert H.__networkx_cache__ is None


def test_exhaustive_neither_builds_nor_uses_the_index(star):
    H = star.copy()
    assert scan(H, "a") == recommend(star, "a")
    assert index_of(H) is None
    recommend(H, "a")
    index = index_of(H)
    assert index is not None
    for member in sorted(H):
        for kw in ({}, {"limit": 1}, {"skill": "3d"}, {"weights": RecommenderWeights(content_scale=1.0)}):
            assert scan(H, member, **kw) == recommend(H, member, **kw)
    assert index_of(H) is index


def test_weights_outside_the_bounds_fall_back_to_the_scan(star):
    w = RecommenderWeights(skills=-0.5, content_scale=2.0)
    assert recommend(star, "a", weights=w) == scan(star, "a", weights=w)


def test_answers_do_not_depend_on_contact_edges(doc_factory):
    rng = random.Random(11)
    doc = random_doc(doc_factory, rng, n=40)
    G = build_collaboration_graph(doc)
    H = build_collaboration_graph(doc, max_event_size=1)  # no co-attendance contacts at all
    for member in sorted(G):
        assert recommend(G, member) == recommend(H, member) == recommend(ties_graph(G), member)


def test_equal_bounds_from_different_skill_products():
    # The same three skills multiplied in two orders give products one ulp apart (with these
    # rarities) and yet the same bound and score: the walk must not skip v1 after v9's run.
    G = nx.Graph()
    G.graph.update(skill_counts={"a": 2, "b": 3, "c": 10, "q": 1}, member_count=50)

    def member(skills, subsectors):
        return {"subsector": subsectors[0], "subsectors": subsectors, "skills": skills,
                "events": frozenset(), "node_type": "member"}

    G.add_node("u", **member(("q",), ("design",)))
    G.add_node("v9", **member(("a", "b", "c"), ("gaming",)))  # the smaller product: walked first
    G.add_node("v1", **member(("c", "b", "a"), ("gaming",)))
    G.add_node("v5", **member(("c", "b", "a"), ("gaming", "music")))
    recs = same(G, "u", limit=1)
    assert [r.id for r in recs] == ["v1"]
    assert [r.id for r in same(G, "u", limit=2)] == ["v1", "v5"]
    assert len({r.score for r in recommend(G, "u")}) == 1


# --- issue 13: the learned link predictor, short skill lists, near ties -------------------------

from graph_service.analytics.recommendations import LinkModel, fit_link_model  # noqa: E402
from graph_service.analytics.recommendations.learned import without_ties  # noqa: E402
from graph_service.analytics.recommendations.reasons import (  # noqa: E402
    close_scores,
    explain_near_ties,
)


def _events_graph(doc_factory):
    """120 members in 12 round tables of 10; ties fall inside a table (probability 0.35) and a
    few at random (noise that gives everyone shared contacts across tables). The signal is in the
    shared events, not in the shared contacts."""
    rng = random.Random(3)
    members = [f"m{i:03d}" for i in range(120)]
    tables = [members[i:i + 10] for i in range(0, 120, 10)]
    ties = set()
    for t in tables:
        for i, a in enumerate(t):
            for b in t[i + 1:]:
                if rng.random() < 0.35:
                    ties.add((a, b))
    while len(ties) < 330:
        a, b = sorted(rng.sample(members, 2))
        ties.add((a, b))
    events = [(f"e{k:02d}", t) for k, t in enumerate(tables)]
    return build_collaboration_graph(doc_factory(members, sorted(ties), events=events))


def _auc(pos, neg):
    return sum(1.0 if p > q else 0.5 if p == q else 0.0 for p in pos for q in neg) / (len(pos) * len(neg))


def test_learned_model_beats_resource_allocation_when_the_signal_is_in_events(doc_factory):
    G = _events_graph(doc_factory)
    ties = sorted((min(a, b), max(a, b)) for a, b, d in G.edges(data=True) if d["structural"])
    hidden = sorted(random.Random(11).sample(ties, 40))
    H = without_ties(G, hidden)
    model = fit_link_model(H, seed=0)
    assert model is not None and model.positives >= 30
    assert model.coef[model.features.index("shared_events")] > 0
    rng = random.Random(12)
    tied = set(ties)
    members = sorted(H.nodes)
    neg = []
    while len(neg) < 300:
        a, b = sorted(rng.sample(members, 2))
        if (a, b) not in tied:
            neg.append((a, b))
    learned_auc = _auc(score_pairs(H, hidden, "learned", model=model), score_pairs(H, neg, "learned", model=model))
    ra_auc = _auc(score_pairs(H, hidden, "resource_allocation"), score_pairs(H, neg, "resource_allocation"))
    assert learned_auc > ra_auc + 0.1, (learned_auc, ra_auc)


def test_learned_model_is_deterministic(doc_factory):
    G = _events_graph(doc_factory)
    m1, m2 = fit_link_model(G, seed=0), fit_link_model(_events_graph(doc_factory), seed=0)
    assert m1 == m2 and isinstance(m1, LinkModel)
    assert recommend(G, "m005", model=m1) == recommend(G, "m005", model=m2)
    assert fit_link_model(G, seed=1) != m1  # another seed draws other pairs


def test_too_few_ties_give_no_model(star):
    assert fit_link_model(star) is None


def test_learned_top_k_is_the_exact_top_of_every_node(doc_factory):
    G = _events_graph(doc_factory)
    model = fit_link_model(G, seed=0)
    assert model is not None
    for u in ("m000", "m057", "m119"):
        tied = {v for v, d in G[u].items() if d["structural"]}
        others = [v for v in sorted(G.nodes) if v != u and v not in tied]
        scores = score_pairs(G, [(u, v) for v in others], "learned", model=model)
        expected = sorted(zip(scores, others, strict=True), key=lambda t: (-t[0], t[1]))[:7]
        got = recommend(G, u, limit=7, model=model)
        assert [r.id for r in got] == [v for _, v in expected]
        assert [r.score for r in got] == pytest.approx([s for s, _ in expected])
        assert all(0 < len(r.reasons) <= 5 for r in got)
        assert all(r.components["probability"] <= 1.0 for r in got)


def test_learned_reasons_name_the_evidence_that_carried_the_score(doc_factory):
    G = _events_graph(doc_factory)
    model = fit_link_model(G, seed=0)
    assert model is not None
    top = recommend(G, "m000", limit=3, model=model)[0]
    assert top.shared_events  # a member of m000's round table
    best = max(("structure", "events", "skills", "subsector", "activity"), key=lambda k: top.components[k])
    assert top.reasons[0].startswith({"events": "You both attended", "structure": "You both know"}.get(best, ""))


def test_skills_reason_names_at_most_three_skills(doc_factory):
    skills = {s: s.capitalize() for s in ("s1", "s2", "s3", "s4", "s5", "s6")}
    doc = doc_factory(
        {"a": {"skills": ["x"]}, "b": {}, "c": {"skills": list(skills)}, "d": {"skills": ["s1", "s2", "s3"]}},
        [("a", "b"), ("b", "c"), ("b", "d")],
        skills={**skills, "x": "X"},
    )
    G = build_collaboration_graph(doc)
    recs = {r.id: r for r in recommend(G, "a")}
    (c_sentence,) = [s for s in recs["c"].reasons if s.startswith("Brings skills")]
    assert c_sentence.endswith(" and 4 more.") and c_sentence.count(",") == 1
    (d_sentence,) = [s for s in recs["d"].reasons if s.startswith("Brings skills")]
    assert d_sentence == "Brings skills you lack: S1, S2 and S3."


def test_near_tie_sentence_when_and_only_when_scores_are_close(star):
    recs = recommend(star, "a")
    c, d, e = recs
    # c (0.75 + content) is far above d; d and e have equal scores
    assert not close_scores(c.score, d.score)
    assert not any(s.startswith("Ranked above") for s in c.reasons)
    assert d.score == e.score
    assert d.reasons[-1] == "Ranked above Eve: the same score; listed in id order."
    assert not any(s.startswith("Ranked above") for s in e.reasons)  # the last has nobody below

    def rec(ident, score, contacts, events=()):
        return dataclasses.replace(c, id=ident, name=ident.upper(), score=score, reasons=("r",),
                                   shared_contact_count=contacts, shared_events=tuple(events),
                                   components={"structure": score, "events": 0.0, "skills": 0.0,
                                               "subsector": 0.0, "penalty": 1.0})

    x, y, z = rec("x", 0.211, 4), rec("y", 0.205, 2), rec("z", 0.100, 1)
    out = explain_near_ties([x, y, z])
    assert out[0].reasons == ("r", "Ranked above Y: 2 more shared contacts.")
    assert out[1].reasons == ("r",) and out[2].reasons == ("r",)  # 0.100 is not within 5% of 0.205
    assert explain_near_ties([x, y], share=0.01)[0].reasons == ("r",)


def test_small_networks_get_more_training_rounds(doc_factory):
    from graph_service.analytics.recommendations.learned import default_rounds

    G = _events_graph(doc_factory)  # 330 ties: 33 hidden a round, about 300 positives in 10 rounds
    assert default_rounds(G) == 10
    model = fit_link_model(G, seed=0, training="holdout", objective="logistic")  # the hold-out rounds
    assert model is not None and model.kind == "logistic"
    assert model.positives == 330 and model.negatives > 4 * model.positives  # 2 near + 4 random


def test_boosted_model_is_deterministic_exact_and_explained_by_occlusion(doc_factory):
    G = _events_graph(doc_factory)
    m1 = fit_link_model(G, seed=0, kind="boosting", rounds=3)
    m2 = fit_link_model(_events_graph(doc_factory), seed=0, kind="boosting", rounds=3)
    assert m1 is not None and m2 is not None and m1.kind == "boosting" and m1.digest
    assert m1 == m2 and recommend(G, "m005", model=m1) == recommend(G, "m005", model=m2)
    u = "m000"
    tied = {v for v, d in G[u].items() if d["structural"]}
    others = [v for v in sorted(G.nodes) if v != u and v not in tied]
    scores = score_pairs(G, [(u, v) for v in others], "learned", model=m1)
    expected = sorted(zip(scores, others, strict=True), key=lambda t: (-t[0], t[1]))[:5]
    got = recommend(G, u, limit=5, model=m1)
    assert [r.id for r in got] == [v for _, v in expected]
    # occlusion: a feature at its training mean contributes nothing
    from graph_service.analytics.recommendations.learned import table_for

    X = table_for(G).features(u)[:3].copy()
    X[:, m1.features.index("shared_events")] = m1.mean[m1.features.index("shared_events")]
    assert m1.contributions(X)[:, m1.features.index("shared_events")] == pytest.approx(0.0)
    top = got[0]
    best = max(("structure", "events", "skills", "subsector", "activity"), key=lambda k: top.components[k])
    assert top.reasons[0].startswith({"events": "You both attended", "structure": "You both know"}.get(best, ""))
