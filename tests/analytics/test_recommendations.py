"""Recommendations: candidates, ranking, reasons, filters, visibility and baselines."""

from __future__ import annotations

import math

import pytest

from graph_service.analytics import (
    UnknownMember,
    adamic_adar_scores,
    build_collaboration_graph,
    common_neighbours_scores,
    recommend,
    resource_allocation_scores,
    score_pairs,
)


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
    assert "Brings skills you lack: 3D animation, sound design." in c.reasons
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
