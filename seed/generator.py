"""Generate a realistic, deterministic seed cluster as an interchange :class:`Document`.

    from seed.generator import generate_cluster
    doc, facts = generate_cluster(members=300, seed=42)

or, from the command line::

    python -m seed.generator --members 300 --seed 42 --out seed/cluster.json

The same ``(members, seed)`` always gives a byte-identical JSON file: the only source of
randomness is one ``random.Random(seed)``, "today" is the constant :data:`TODAY`, and no set
of strings is ever iterated. Cost is linear in the number of members (partners are drawn by
bisection in cumulative weights), so 100,000 members take seconds, not minutes.

What the data promise (and :class:`SeedFacts` records) is described in ``seed/README.md``.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate, combinations
from pathlib import Path
from random import Random
from typing import Any

from graph_service.domain import MANAGER, OTHER_CLUSTERS, SUBSECTOR_BY_ID, SUBSECTOR_IDS
from graph_service.interchange import Document
from seed import places
from seed import skills as taxonomy
from seed import vocabulary as vocab

__all__ = [
    "FIRST_JOIN",
    "ISOLATED_SUBSECTORS",
    "LAST_JOIN",
    "MIN_MEMBERS",
    "TODAY",
    "SeedFacts",
    "dump_json",
    "ei_indices",
    "generate_cluster",
    "main",
]

TODAY = date(2026, 11, 22)
"""The generator's fixed "today": nothing depends on the clock."""
FIRST_JOIN = date(2016, 1, 1)
LAST_JOIN = date(2026, 10, 31)
ISOLATED_SUBSECTORS: tuple[str, ...] = ("crafts-manufacturing", "literature")
"""Subsectors whose ties are kept almost entirely internal."""
MIN_MEMBERS = 50
"""Below this the promises (isolated subsectors, brokers...) cannot all be kept."""

FOLLOW_UP_DAYS = 30
"""An introduction "met" longer ago than this without an outcome is due for follow-up."""

_TODAY = TODAY.toordinal()
_FIRST = FIRST_JOIN.toordinal()
_LAST = LAST_JOIN.toordinal()

_BASE_DEGREE = 5.2          # mean degree of the randomly drawn knows ties
_CLOSURE = 0.3              # share of ties drawn as friend-of-a-friend (triadic closure)
_CLOSURE_ACROSS = 0.3       # chance a friend-of-a-friend in another subsector is accepted
_OUTREACH = 0.5             # chance an all-internal member gets one tie elsewhere
_SAME_REGION = 0.35         # share of internal ties drawn from the same region
_BROKER_SUBSECTORS = (
    "marketing-communication", "design", "digital-media-publishing", "film-audiovisual",
    "architecture", "performing-arts", "music",
)
_LANGUAGE_NAMES = {"lb": "Luxembourgish", "fr": "French", "de": "German", "en": "English", "pt": "Portuguese"}
_KEEP_CASE = ("Unity", "Unreal", "Luxembourgish")


@dataclass(frozen=True)
class SeedFacts:
    """What a generated cluster promises, for tests and demos.

    Fields marked "found" are computed from the finished document, not from the generator's
    intentions. "Tie" there means what ``graph_service.analytics`` counts as one: a tie record
    (knows or collaborated), a shared project team, or an introduction that reached
    "collaborating"; organisations and co-attendance do not count.
    """

    members: int
    seed: int
    today: date
    """The fixed "today" of the data (2026-11-22)."""
    isolated_subsectors: tuple[str, ...]
    """The two subsectors made markedly isolated: almost all their ties stay internal and
    their E-I indices are the lowest, by a wide margin."""
    brokers: tuple[str, ...]
    """Members given ties into at least three other subsectors: high betweenness. 5-8 up to
    2,000 members, then one per 250."""
    hubs: tuple[str, ...]
    """Members of kind creative-hub, the 1535° Creative Hub first."""
    unconnected_members: tuple[str, ...]
    """Found: members with no tie at all (nor an organisation tie): recent joiners."""
    inward_members: tuple[str, ...]
    """Found: members with ties, all to members of their own primary subsector."""
    rare_skills: tuple[str, ...]
    """Skills deliberately held by exactly one or two members (other skills of small subsectors
    may happen to be rare too)."""
    unheld_skills: tuple[str, ...]
    """Skills in the taxonomy that no member holds."""
    open_tenders: tuple[str, ...]
    """Found: projects of kind tender with status open (3-5 at 300 members)."""
    missing_skill_tender: str
    """The open tender that requires an unheld skill: team assembly must report it missing."""
    upcoming_events: tuple[str, ...]
    """Found: events dated after today, with registered attendees."""
    upcoming_round_table: str
    """The upcoming round table (12 attendees from five subsectors), for seating."""
    due_followups: tuple[str, ...]
    """Found: introductions "met" more than 30 days ago without an outcome."""
    ei_index: tuple[tuple[str, float], ...]
    """Found: (subsector, Krackhardt E-I index), lowest first, rounded to 4 decimals."""


# ---------------------------------------------------------------------------------------------
# small helpers


class _Pool:
    """Members (indices, ascending) with cumulative weights, for O(log n) weighted draws.

    Because member indices follow the join date, ``limit`` (the last index allowed) restricts a
    draw to members who had joined by a given day.
    """

    __slots__ = ("cum", "ids")

    def __init__(self, ids: list[int], weights: Sequence[float]):
        self.ids = ids
        self.cum = list(accumulate(weights))

    def __len__(self) -> int:
        return len(self.ids)

    def pick(self, rng: Random, limit: int | None = None) -> int | None:
        k = len(self.ids) if limit is None else bisect.bisect_right(self.ids, limit)
        if k == 0:
            return None
        total = self.cum[k - 1]
        return self.ids[bisect.bisect_right(self.cum, rng.random() * total, 0, k - 1)]


class _Choice:
    """Weighted draw among a fixed list of values."""

    __slots__ = ("cum", "values")

    def __init__(self, pairs: Sequence[tuple[Any, float]]):
        kept = [(v, w) for v, w in pairs if w > 0]
        self.values = [v for v, _ in kept]
        self.cum = list(accumulate(w for _, w in kept))

    def __bool__(self) -> bool:
        return bool(self.values)

    def pick(self, rng: Random) -> Any:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.cum[-1], 0, len(self.cum) - 1)]


def _apportion(total: int, weights: Sequence[float], minimum: int | Sequence[int] = 0) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder), each at
    least its ``minimum`` when the total allows."""
    n = len(weights)
    mins = [minimum] * n if isinstance(minimum, int) else list(minimum)
    base = mins if total >= sum(mins) else [0] * n
    rest = total - sum(base)
    wsum = sum(weights)
    quotas = [rest * w / wsum for w in weights]
    counts = [int(q) for q in quotas]
    order = sorted(range(n), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: rest - sum(counts)]:
        counts[i] += 1
    return [b + c for b, c in zip(base, counts)]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "member"


def _lc(name: str) -> str:
    """A skill name as it reads inside a sentence: "Photography" -> "photography", "UX design"
    and "Unity development" unchanged."""
    if name.startswith(_KEEP_CASE) or (len(name) > 1 and (name[1].isupper() or name[0].isdigit())):
        return name
    return name[0].lower() + name[1:]


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _commune(place: str) -> str:
    """The public body of a commune, as it signs: "Ville de Luxembourg", "Commune d'Esch-sur-Alzette"."""
    if place == "Luxembourg":
        return "Ville de Luxembourg"
    return f"Commune d'{place}" if place[0] in "AEIOUÉ" else f"Commune de {place}"


def _short(city: str) -> str:
    return places.SHORT_NAMES.get(city, city)


def _affinity(a: str, b: str) -> float:
    return vocab.AFFINITY.get((a, b)) or vocab.AFFINITY.get((b, a)) or 1.0


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def _width(count: int, minimum: int) -> int:
    return max(minimum, len(str(count)))


# ---------------------------------------------------------------------------------------------
# the generator


class _Builder:
    def __init__(self, n: int, seed: int):
        self.n = n
        self.seed = seed
        self.rng = Random(seed)
        self.sub_index = {s: i for i, s in enumerate(SUBSECTOR_IDS)}
        self.skill_rows = taxonomy.all_skills()
        self.skill_name = {sid: name for sid, name, _ in self.skill_rows}
        self.skill_subsector = {sid: sub for sid, _, sub in self.skill_rows}
        self.used_names: dict[str, int] = {}
        self.used_slugs: dict[str, int] = {}
        self.commune = _Choice([(c, w) for c, w, _ in places.COMMUNES])
        self.region_of = {c: r for c, _, r in places.COMMUNES}
        self.institution_town = _Choice(places.INSTITUTION_TOWNS)
        self.origin = _Choice(vocab.ORIGINS)
        rare_or_unheld = set(taxonomy.RARE_SKILLS) | set(taxonomy.UNHELD_SKILLS)
        # skills drawn for ordinary members: decreasing weights in taxonomy order
        self.skill_draw = {
            s: _Choice([(sid, 1.0 / (rank + 1) ** 0.6) for rank, (sid, _) in enumerate(rows)
                        if sid not in rare_or_unheld])
            for s, rows in taxonomy.SUBSECTOR_SKILLS.items()
        }
        self.cross_draw = _Choice([(sid, 1.0 / (rank + 1) ** 0.5) for rank, (sid, _) in
                                   enumerate(taxonomy.CROSS_CUTTING) if sid not in rare_or_unheld])
        # knows ties: (i, j) with i < j -> [weight, since, confirmed]
        self.knows: dict[tuple[int, int], list[Any]] = {}
        # collaborated ties: (i, j) -> [count, since]
        self.collab: dict[tuple[int, int], list[int]] = {}
        self.team_pairs: set[tuple[int, int]] = set()

    # -- members ------------------------------------------------------------------------------

    def unique_name(self, make, fallbacks: Sequence[str]) -> str:
        for _ in range(3):
            name = make()
            if name not in self.used_names:
                self.used_names[name] = 1
                return name
        for suffix in fallbacks:
            candidate = f"{name} {suffix}"
            if candidate not in self.used_names:
                self.used_names[candidate] = 1
                return candidate
        count = self.used_names[name] = self.used_names[name] + 1
        candidate = f"{name} {count}"
        while candidate in self.used_names:
            count += 1
            candidate = f"{name} {count}"
        self.used_names[candidate] = 1
        return candidate

    def website(self, name: str) -> str:
        slug = _slug(name)[:60].strip("-")
        count = self.used_slugs.get(slug, 0) + 1
        self.used_slugs[slug] = count
        if count > 1:
            slug = f"{slug}-{count}"
        return f"https://{slug}.example.lu"

    def family(self, origin: str) -> str:
        return self.rng.choice(vocab.FAMILY_NAMES[origin])

    def person_name(self, origin: str, city: str) -> str:
        rng = self.rng

        def simple() -> str:
            return f"{rng.choice(vocab.GIVEN_NAMES[origin])} {self.family(origin)}"

        name = self.unique_name(simple, ())
        if name.split(" ")[-1].isdigit():  # crowded: use a double family name instead
            del self.used_names[name]
            given = rng.choice(vocab.GIVEN_NAMES[origin])
            f1, f2 = self.family(origin), self.family(origin)
            joined = f"{f1} {f2}" if origin == "pt" else f"{f1}-{f2}"
            name = self.unique_name(lambda: f"{given} {joined}", (f"({city})",))
        return name

    def company_name(self, subsector: str, origin: str, city: str) -> str:
        rng = self.rng

        def make() -> str:
            template = rng.choice(vocab.COMPANY_TEMPLATES[subsector])
            return template.format(
                family=self.family(origin), family2=self.family(rng.choice(("lu", "fr", "de", "pt"))),
                place=_short(city), word=rng.choice(vocab.WORDS),
            )

        return self.unique_name(make, (_short(city),))

    def languages(self, origin: str, kind: str) -> list[str]:
        rng = self.rng
        if kind in ("institution", "creative-hub"):
            langs = {"lb", "fr", "de"}
            if rng.random() < 0.7:
                langs.add("en")
            if rng.random() < 0.3:
                langs.add("pt")
        else:
            p = {
                "lb": 0.95 if origin == "lu" else (0.35 if origin == "pt" else 0.2),
                "fr": 0.97 if origin in ("fr", "lu", "pt") else 0.5,
                "de": 0.9 if origin in ("lu", "de") else 0.35,
                "en": 0.8,
                "pt": 0.95 if origin == "pt" else 0.03,
            }
            langs = {code for code in ("lb", "fr", "de", "en", "pt") if rng.random() < p[code]}
            if not langs:
                langs = {"fr"}
        return [code for code in ("lb", "fr", "de", "en", "pt") if code in langs]

    def draw_skills(self, subsectors: list[str], kind: str) -> list[str]:
        rng = self.rng
        count = rng.choices((2, 3, 4, 5, 6), weights=(20, 30, 25, 15, 10))[0]
        cross = 0
        r = rng.random()
        if kind in ("institution", "creative-hub"):
            cross = 2 if r < 0.6 else 1
        elif r < 0.12:
            cross = 2
        elif r < 0.45:
            cross = 1
        cross = min(cross, count - 1)
        out: list[str] = []
        own = count - cross
        tries = 0
        while len(out) < own and tries < 30:
            tries += 1
            s = subsectors[0] if (len(subsectors) == 1 or len(out) < max(1, own - 1) or rng.random() < 0.3) \
                else rng.choice(subsectors[1:])
            sk = self.skill_draw[s].pick(rng)
            if sk not in out:
                out.append(sk)
        tries = 0
        while len(out) < count and tries < 30:
            tries += 1
            sk = self.cross_draw.pick(rng)
            if sk not in out:
                out.append(sk)
        return out

    def build_members(self) -> None:
        rng, n = self.rng, self.n
        n_hubs = max(2, round(n / 100))
        n_inst = max(3, round(n * 0.05))
        n_regular = n - n_hubs - n_inst
        protos: list[dict[str, Any]] = []

        non_isolated = [s for s in SUBSECTOR_IDS if s not in ISOLATED_SUBSECTORS]
        hub_primary = _Choice([(s, vocab.SUBSECTOR_WEIGHTS[s]) for s in non_isolated])
        for k in range(n_hubs):
            if k < len(vocab.HUBS):
                name, city, subs, description = vocab.HUBS[k]
                subs = list(subs)
                joined = _FIRST + rng.randrange(0, 400) if k < 3 else _FIRST + rng.randrange(0, _LAST - _FIRST)
            else:
                city = self.commune.pick(rng)
                primary = hub_primary.pick(rng)
                others = _Choice([(s, _affinity(primary, s)) for s in SUBSECTOR_IDS if s != primary])
                subs = [primary]
                while len(subs) < 3:
                    s = others.pick(rng)
                    if s not in subs:
                        subs.append(s)
                name = f"{_short(city)} Creative Hub"
                description = f"Creative hub in {city}: coworking, studios and events for creatives."
                joined = _FIRST + rng.randrange(0, _LAST - _FIRST)
            protos.append({"kind": "creative-hub", "subsectors": subs, "city": city, "joined": joined,
                           "fixed_name": name, "description": description, "origin": "lu"})

        inst_type = _Choice([(t, t[3]) for t in vocab.INSTITUTION_TYPES])
        for _ in range(n_inst):
            template, primary, secondaries, _w = inst_type.pick(rng)
            city = self.institution_town.pick(rng)
            subs = [primary]
            if secondaries and rng.random() < 0.5:
                subs.append(rng.choice(secondaries))
            joined = _FIRST + int((_LAST - _FIRST) * rng.random() ** 1.8)
            protos.append({"kind": "institution", "subsectors": subs, "city": city, "joined": joined,
                           "template": template, "origin": "lu"})

        weights = [vocab.SUBSECTOR_WEIGHTS[s] for s in SUBSECTOR_IDS]
        quota = _apportion(n, weights)
        taken = [0] * len(SUBSECTOR_IDS)
        for p in protos:
            taken[self.sub_index[p["subsectors"][0]]] += 1
        remaining = [max(0.0, q - t) + 0.01 for q, t in zip(quota, taken)]
        # an isolated subsector needs a few members to be tied among themselves
        counts = _apportion(n_regular, remaining,
                            minimum=[5 if s in ISOLATED_SUBSECTORS else 3 for s in SUBSECTOR_IDS])
        primaries = [s for s, c in zip(SUBSECTOR_IDS, counts) for _ in range(c)]
        rng.shuffle(primaries)
        for primary in primaries:
            kind = "freelancer" if rng.random() < vocab.FREELANCE_SHARE[primary] else "company"
            subs = [primary]
            if rng.random() < 0.24:
                others = [(s, _affinity(primary, s) * vocab.SUBSECTOR_WEIGHTS[s])
                          for s in SUBSECTOR_IDS if s != primary]
                subs.append(_Choice(others).pick(rng))
            joined = _FIRST + int((_LAST - _FIRST) * rng.random() ** 0.75)
            protos.append({"kind": kind, "subsectors": subs, "city": self.commune.pick(rng), "joined": joined,
                           "origin": self.origin.pick(rng)})

        protos.sort(key=lambda p: p["joined"])  # stable: ids follow the join date
        self.protos = protos
        self.id_width = _width(n, 3)
        self.ids = [f"m-{i + 1:0{self.id_width}d}" for i in range(n)]
        self.kind = [p["kind"] for p in protos]
        self.subs = [p["subsectors"] for p in protos]
        self.primary = [p["subsectors"][0] for p in protos]
        self.joined = [p["joined"] for p in protos]
        self.city = [p["city"] for p in protos]
        self.region = [self.region_of.get(c, "centre") for c in self.city]
        self.isolated = [s in ISOLATED_SUBSECTORS for s in self.primary]

        factor = {"creative-hub": 4.0, "institution": 1.8, "company": 1.0, "freelancer": 0.85}
        self.activity = [rng.lognormvariate(0.0, 0.45) * factor[k] for k in self.kind]

        # roles
        regular = [i for i in range(n) if self.kind[i] in ("company", "freelancer")]
        recent = [i for i in regular if self.joined[i] >= _LAST - 120]
        n_unconnected = max(2, round(n / 100))
        if len(recent) < n_unconnected:
            recent = regular[-n_unconnected:]
        self.unconnected = [False] * n
        for i in sorted(rng.sample(recent, n_unconnected)):
            self.unconnected[i] = True
            self.activity[i] *= 0.3

        n_brokers = min(8, max(5, n // 50)) if n <= 2000 else n // 250
        candidates = [i for i in regular if self.primary[i] in _BROKER_SUBSECTORS
                      and not self.unconnected[i] and self.joined[i] <= _TODAY - 3 * 365]
        if len(candidates) < n_brokers:
            candidates = [i for i in regular if not self.isolated[i] and not self.unconnected[i]]
        self.broker_list = sorted(rng.sample(candidates, n_brokers))
        self.is_broker = [False] * n
        for i in self.broker_list:
            self.is_broker[i] = True
            self.activity[i] *= 1.6

        self.inward = [False] * n
        inward_candidates = [i for i in regular if not self.unconnected[i] and not self.is_broker[i]
                             and not self.isolated[i]]
        for i in rng.sample(inward_candidates, min(len(inward_candidates), max(2, round(n * 0.04)))):
            self.inward[i] = True

    def member_details(self) -> None:
        """Names, skills, languages, websites and descriptions, in id order."""
        rng, n = self.rng, self.n
        self.names: list[str] = []
        self.skills: list[list[str]] = []
        self.langs: list[list[str]] = []
        self.sites: list[str | None] = []
        self.descriptions: list[str] = []
        self.visibility: list[str] = []
        for i, p in enumerate(self.protos):
            kind, subs, city, origin = self.kind[i], self.subs[i], self.city[i], p["origin"]
            if kind == "creative-hub":
                name = p["fixed_name"]
                if name in self.used_names:
                    name = self.unique_name(lambda name=name: name, ())
                self.used_names[name] = 1
            elif kind == "institution":
                template = p["template"]
                name = self.unique_name(lambda t=template, c=city: t.format(place=_short(c)), (f"({city})",))
            elif kind == "freelancer":
                name = self.person_name(origin, city)
            else:
                name = self.company_name(subs[0], origin, city)
            self.names.append(name)
            skills = self.draw_skills(subs, kind)
            self.skills.append(skills)
            langs = self.languages(origin, kind)
            self.langs.append(langs)
            has_site = {"company": 0.85, "freelancer": 0.5}.get(kind, 1.0)
            self.sites.append(self.website(name) if rng.random() < has_site else None)
            phrase = _and([_lc(self.skill_name[s]) for s in skills[:3]])
            if kind == "creative-hub":
                description = p["description"]
            elif kind == "institution":
                description = f"Public cultural institution in {city}: {phrase}."
            elif kind == "freelancer":
                spoken = _and([_LANGUAGE_NAMES[c] for c in langs])
                description = (f"Freelance {vocab.FREELANCE_ROLE[subs[0]]} in {city}, working in {spoken}: "
                               f"{phrase}.")
            else:
                description = f"{vocab.SUBSECTOR_NOUN[subs[0]]} based in {city}: {phrase}."
            if kind in ("company", "freelancer") and len(subs) > 1:
                description += f" Also active in {SUBSECTOR_BY_ID[subs[1]].name.lower()}."
            self.descriptions.append(description)
            if kind in ("institution", "creative-hub"):
                visibility = "public" if rng.random() < 0.9 else "members"
            else:
                r = rng.random()
                visibility = "private" if r < 0.085 else ("public" if r < 0.085 + 0.235 else "members")
            self.visibility.append(visibility)

        # rare skills: one or two holders each, in the skill's subsector
        self.rare_holders: dict[str, list[int]] = {}
        subsector_of = {sid: sub for sid, _, sub in self.skill_rows}
        for sk in taxonomy.RARE_SKILLS:
            sub = subsector_of[sk]
            pool = [i for i in range(n) if self.primary[i] == sub and not self.unconnected[i]
                    and self.kind[i] in ("company", "freelancer")] \
                or [i for i in range(n) if sub in self.subs[i]] or list(range(n))
            holders = sorted(rng.sample(pool, min(len(pool), rng.choice((1, 2)))))
            for i in holders:
                if len(self.skills[i]) >= 6:
                    self.skills[i][-1] = sk
                else:
                    self.skills[i].append(sk)
            self.rare_holders[sk] = holders

    # -- pools --------------------------------------------------------------------------------

    def build_pools(self) -> None:
        n = self.n
        by_sub: dict[str, list[int]] = {s: [] for s in SUBSECTOR_IDS}
        by_sub_ext: dict[str, list[int]] = {s: [] for s in SUBSECTOR_IDS}
        by_region: dict[tuple[str, str], list[int]] = {}
        connectable: list[int] = []
        for i in range(n):
            if self.unconnected[i]:
                continue
            connectable.append(i)
            s = self.primary[i]
            by_sub[s].append(i)
            if not self.inward[i]:
                by_sub_ext[s].append(i)
            by_region.setdefault((s, self.region[i]), []).append(i)
        act = self.activity
        self.everyone = _Pool(connectable, [act[i] for i in connectable])
        self.pool_all = {s: _Pool(ids, [act[i] for i in ids]) for s, ids in by_sub.items()}
        self.pool_ext = {s: _Pool(ids, [act[i] for i in ids]) for s, ids in by_sub_ext.items()}
        self.pool_region = {k: _Pool(ids, [act[i] for i in ids]) for k, ids in by_region.items()}
        self.ext_sub = {
            s: _Choice([(t, len(by_sub_ext[t]) * _affinity(s, t) * (0.04 if t in ISOLATED_SUBSECTORS else 1.0))
                        for t in SUBSECTOR_IDS if t != s])
            for s in SUBSECTOR_IDS
        }
        self.adj: list[list[int]] = [[] for _ in range(n)]
        p_internal = []
        for i in range(n):
            if self.inward[i]:
                p = 1.0
            elif self.isolated[i]:
                p = 0.975
            elif self.kind[i] == "creative-hub":
                p = 0.4
            elif self.kind[i] == "institution":
                p = 0.75
            else:
                p = 0.88
            p_internal.append(p)
        self.p_internal = p_internal

    def pair_ok(self, u: int, v: int) -> bool:
        """Whether u and v may be tied without breaking a promise."""
        if u == v or self.unconnected[u] or self.unconnected[v]:
            return False
        if self.primary[u] == self.primary[v]:
            return True
        return not (self.inward[u] or self.inward[v] or self.isolated[u] or self.isolated[v])

    # -- ties ---------------------------------------------------------------------------------

    def add_knows(self, u: int, v: int, since_from: int | None = None, weight: float | None = None,
                  since: int | None = None) -> bool:
        key = (u, v) if u < v else (v, u)
        if u == v or key in self.knows:
            return False
        rng = self.rng
        lo = max(self.joined[u], self.joined[v], since_from or 0)
        if since is None:
            since = lo + int((_TODAY - 1 - lo) * rng.random()) if lo < _TODAY - 1 else _TODAY - 1
        if weight is None:
            if self.primary[u] == self.primary[v]:
                weight = rng.triangular(0.2, 1.0, 0.65)
            else:
                weight = rng.triangular(0.1, 0.9, 0.4)
        confirmed = not (since >= _TODAY - 60 and rng.random() < 0.25)
        self.knows[key] = [max(0.05, round(weight, 2)), since, confirmed]
        self.adj[u].append(v)
        self.adj[v].append(u)
        return True

    def partner(self, u: int) -> int | None:
        rng = self.rng
        adj = self.adj
        if adj[u] and rng.random() < _CLOSURE:
            w = adj[u][rng.randrange(len(adj[u]))]
            if adj[w]:
                v = adj[w][rng.randrange(len(adj[w]))]
                if v != u and self.pair_ok(u, v) and (
                        self.primary[u] == self.primary[v] or rng.random() < _CLOSURE_ACROSS):
                    return v
        s = self.primary[u]
        if rng.random() < self.p_internal[u]:
            if rng.random() < _SAME_REGION:
                pool = self.pool_region.get((s, self.region[u]))
                if pool is not None and len(pool) > 1:
                    return pool.pick(rng)
            return self.pool_all[s].pick(rng)
        t = self.ext_sub[s].pick(rng)
        return self.pool_ext[t].pick(rng)

    def build_ties(self) -> None:
        rng = self.rng
        target = round(self.n * _BASE_DEGREE / 2)
        made = attempts = 0
        while made < target and attempts < target * 3:
            attempts += 1
            u = self.everyone.pick(rng)
            v = self.partner(u)
            if v is None or v == u:
                continue
            if self.add_knows(u, v):
                made += 1

        # brokers: ties into several other subsectors
        self.broker_subsectors: dict[int, list[str]] = {}
        for k, b in enumerate(self.broker_list):
            others = [t for t in SUBSECTOR_IDS
                      if t != self.primary[b] and t not in ISOLATED_SUBSECTORS and len(self.pool_ext[t])]
            chosen = rng.sample(others, min(len(others), 4 + (rng.random() < 0.5)))
            if k == 0:  # the one bridge into each isolated subsector, if it is big enough
                chosen += [t for t in ISOLATED_SUBSECTORS if len(self.pool_ext[t]) >= 8]
            for t in chosen:
                wanted = 1 if t in ISOLATED_SUBSECTORS else 2 + (rng.random() < 0.6)
                got = tries = 0
                while got < wanted and tries < 20:
                    tries += 1
                    v = self.pool_ext[t].pick(rng)
                    if v is not None and self.add_knows(b, v, weight=rng.triangular(0.3, 0.9, 0.6)):
                        got += 1
            self.broker_subsectors[b] = chosen

        # homophily leaves many small players knowing only their own subsector: give part of
        # them one acquaintance elsewhere, so that "only internal" stays a minority
        for i in range(self.n):
            if self.unconnected[i] or self.inward[i] or self.isolated[i] or not self.adj[i]:
                continue
            s = self.primary[i]
            if all(self.primary[v] == s for v in self.adj[i]) and rng.random() < _OUTREACH:
                for _ in range(10):
                    v = self.pool_ext[self.ext_sub[s].pick(rng)].pick(rng)
                    if v is not None and self.pair_ok(i, v) and self.add_knows(i, v):
                        break

        # nobody but the designated unconnected members is left without a tie
        for i in range(self.n):
            if self.unconnected[i] or self.adj[i]:
                continue
            for _ in range(20):
                v = self.pool_all[self.primary[i]].pick(rng)
                if v is not None and v != i and self.add_knows(i, v):
                    break
            else:
                for _ in range(20):
                    t = self.ext_sub[self.primary[i]].pick(rng)
                    v = self.pool_ext[t].pick(rng)
                    if v is not None and self.pair_ok(i, v) and self.add_knows(i, v):
                        break

    # -- projects -----------------------------------------------------------------------------

    def client(self, public: bool | None = None, place: str | None = None) -> str:
        """A fictional private client, a public body, or (sometimes) an organisation of
        another cluster."""
        rng = self.rng
        r = rng.random()
        if public is None:
            if r < 0.1 and self.org_names:
                return rng.choice(self.org_names)
            public = r >= 0.55
        template = rng.choice(vocab.PUBLIC_CLIENTS if public else vocab.PRIVATE_CLIENTS)
        place = place or self.institution_town.pick(rng)
        return template.format(family=self.family(self.origin.pick(rng)), word=rng.choice(vocab.WORDS),
                               place=place, commune=_commune(place))

    def joinable(self, c: int, team: list[int]) -> bool:
        return c not in team and all(self.pair_ok(c, m) for m in team)

    def build_team(self, lead: int, size: int) -> list[int]:
        rng = self.rng
        team = [lead]
        subs = {self.primary[lead]}
        closed = self.isolated[lead] or self.inward[lead]
        attempts = 0
        while len(team) < size and attempts < size * 8:
            attempts += 1
            if rng.random() < 0.8:
                m = team[rng.randrange(len(team))]
                if not self.adj[m]:
                    continue
                c = self.adj[m][rng.randrange(len(self.adj[m]))]
                if self.primary[c] in subs and not closed and rng.random() < 0.6:
                    continue  # prefer a new discipline
            else:
                t = self.primary[lead] if closed else self.ext_sub[self.primary[lead]].pick(rng)
                c = self.pool_ext[t].pick(rng)
                if c is None:
                    continue
            if self.joinable(c, team):
                team.append(c)
                subs.add(self.primary[c])
        return team

    def requirements(self, team: list[int]) -> list[str]:
        """Skills a project needs: mostly subsector skills the team holds (the lead's first),
        at most one business skill, and sometimes one the team lacks."""
        rng = self.rng
        subsector_of = self.skill_subsector
        lead_skills = [sk for sk in self.skills[team[0]] if subsector_of[sk] is not None]
        others: list[str] = []
        business: list[str] = []
        for m in team:
            for sk in self.skills[m]:
                if subsector_of[sk] is None:
                    if sk not in business:
                        business.append(sk)
                elif sk not in lead_skills and sk not in others:
                    others.append(sk)
        out = rng.sample(lead_skills, min(len(lead_skills), rng.choice((1, 2))))
        out += rng.sample(others, min(len(others), rng.randint(1, 3)))
        if business and (rng.random() < 0.4 or not out):
            out.append(rng.choice(business))
        if rng.random() < 0.3:
            sk = self.skill_draw[self.primary[team[0]]].pick(rng)
            if sk not in out:
                out.append(sk)
        return out

    def title_and_client(self, subsector: str, kind: str) -> tuple[str, str]:
        rng = self.rng
        template = rng.choice(vocab.PROJECT_TITLES[subsector])
        place = self.institution_town.pick(rng)
        public = True if kind == "tender" else None
        if "{client}" not in template and "{place}" in template and rng.random() < 0.8:
            client = self.client(public=True, place=place)
        else:
            client = self.client(public=public)
        return template.format(client=client, place=place, word=rng.choice(vocab.WORDS)), client

    def build_projects(self) -> None:
        rng, n = self.rng, self.n
        n_projects = max(8, round(n / 5))
        n_open = max(3, round(n / 75))
        projects: list[dict[str, Any]] = []

        for _ in range(n_projects - n_open):
            lead = self.everyone.pick(rng)
            size = rng.choices((2, 3, 4, 5, 6), weights=(25, 30, 22, 13, 10))[0]
            team = self.build_team(lead, size)
            kind = "tender" if rng.random() < 0.2 else "project"
            lo = max(max(self.joined[m] for m in team), _FIRST + 60)
            duration = int(30 + 330 * rng.random() ** 1.5)
            end: int | None
            if kind == "project" and rng.random() < 0.04:
                start = _TODAY + rng.randint(15, 120)
                end, status = start + duration, "planned"
            elif lo < _TODAY - 45:
                start = lo + int((_TODAY - 45 - lo) * rng.random() ** 1.3)
                end = start + duration
                if kind == "tender":
                    r = rng.random()
                    status = "won" if r < 0.45 else ("lost" if r < 0.95 else "cancelled")
                    if status != "won":
                        end = None
                elif end < _TODAY:
                    status = "completed" if rng.random() < 0.93 else "cancelled"
                else:
                    status = "running"
            else:
                kind, start = "project", lo + rng.randint(0, max(0, _TODAY - 1 - lo))
                end, status = start + duration, "running"
            title, client = self.title_and_client(self.primary[lead], kind)
            projects.append({"title": title, "kind": kind,
                             "requires": self.requirements(team), "team": team, "client": client,
                             "status": status, "start": start, "end": end})

        self.missing_skill_tender_index = len(projects)
        for j in range(n_open):
            template, needs, extra, client_template = vocab.OPEN_TENDERS[j % len(vocab.OPEN_TENDERS)]
            requires: list[str] = []
            for s in needs:
                for _ in range(rng.choice((1, 2))):
                    sk = self.skill_draw[s].pick(rng)
                    if sk not in requires:
                        requires.append(sk)
            for sk in extra:
                if sk not in requires:
                    requires.append(sk)
            team: list[int] = []
            if rng.random() < 0.5:
                s = needs[rng.randrange(len(needs))]
                lead = self.pool_ext[s].pick(rng)
                if lead is not None:
                    team = self.build_team(lead, rng.choice((1, 2)))
            start = _TODAY + rng.randint(40, 200)
            place = self.institution_town.pick(rng)
            projects.append({"title": template.format(place=place), "kind": "tender", "requires": requires,
                             "team": team, "client": client_template.format(place=place, commune=_commune(place)),
                             "status": "open", "start": start, "end": start + rng.randint(90, 365)})

        # collaborated ties between people who actually worked together; project teams are
        # mostly people who know each other, the rest get to know each other on the job.
        for p in projects:
            team = p["team"]
            for a, b in combinations(team, 2):
                self.team_pairs.add((a, b) if a < b else (b, a))
            if p["status"] not in ("completed", "running", "won") or p["start"] > _TODAY:
                continue
            for a, b in combinations(team, 2):
                key = (a, b) if a < b else (b, a)
                if key not in self.knows and rng.random() < 0.8:
                    since = max(self.joined[a], self.joined[b], p["start"] - rng.randint(0, 365))
                    self.add_knows(a, b, since=since)
                if rng.random() < 0.6:
                    entry = self.collab.get(key)
                    if entry is None:
                        self.collab[key] = [1, p["start"]]
                    else:
                        entry[0] += 1
                        entry[1] = min(entry[1], p["start"])
        order = sorted(range(len(projects)), key=lambda k: (projects[k]["start"], k))
        width = _width(len(projects), 3)
        self.projects = []
        for rank, k in enumerate(order):
            p = projects[k]
            p["id"] = f"p-{rank + 1:0{width}d}"
            self.projects.append(p)
        self.missing_skill_tender = projects[self.missing_skill_tender_index]["id"]

        # a few collaborations that were never recorded as projects
        extra = round(n * 0.05)
        tries = 0
        while extra > 0 and tries < n:
            tries += 1
            u = self.everyone.pick(rng)
            if not self.adj[u]:
                continue
            v = self.adj[u][rng.randrange(len(self.adj[u]))]
            key = (u, v) if u < v else (v, u)
            if key in self.collab or not self.pair_ok(u, v) or self.knows[key][0] < 0.5:
                continue
            since = self.knows[key][1]
            self.collab[key] = [1, since + int((_TODAY - 1 - since) * rng.random())]
            extra -= 1

    # -- introductions ------------------------------------------------------------------------

    def build_introductions(self) -> None:
        rng, n = self.rng, self.n
        total = max(10, round(n / 3))
        n_due = max(3, round(n / 60))
        mix = (("proposed", 0.14), ("accepted", 0.11), ("declined", 0.10), ("met", 0.10),
               ("collaborating", 0.27), ("no-follow-up", 0.28))
        counts = _apportion(total - n_due, [w for _, w in mix])
        plan = ["met-due"] * n_due + [s for (s, _), c in zip(mix, counts) for _ in range(c)]
        rng.shuffle(plan)
        days = {"proposed": (1, 25), "accepted": (8, 60), "met": (3, FOLLOW_UP_DAYS - 1),
                "met-due": (FOLLOW_UP_DAYS + 5, 160), "declined": (20, 540),
                "collaborating": (75, 540), "no-follow-up": (60, 540)}
        seen: set[tuple[int, int]] = set()
        intros: list[dict[str, Any]] = []
        for status in plan:
            lo, hi = days[status]
            when = _TODAY - rng.randint(lo, hi)
            limit = bisect.bisect_right(self.joined, when) - 1
            strict = status == "collaborating"
            chosen = None
            for attempt in range(30):
                a = self.everyone.pick(rng, limit)
                if a is None:
                    break
                if strict and (self.isolated[a] or self.inward[a]):
                    continue
                if rng.random() < 0.7:
                    t = self.ext_sub[self.primary[a]].pick(rng)
                    b = self.pool_ext[t].pick(rng, limit)
                else:
                    b = self.pool_all[self.primary[a]].pick(rng, limit)
                if b is None or b == a:
                    continue
                if strict and (not self.pair_ok(a, b) or self.isolated[b] or self.inward[b]):
                    continue
                key = (a, b) if a < b else (b, a)
                if key in seen:
                    continue
                if key in self.knows and attempt < 25 and rng.random() < 0.9:
                    continue
                chosen = (a, b, key)
                break
            if chosen is None:
                continue
            a, b, key = chosen
            seen.add(key)
            facilitator = MANAGER
            if rng.random() < 0.18:
                common = sorted(set(self.adj[a]) & set(self.adj[b]))
                options = [m for m in (common or self.adj[a]) if m not in (a, b) and m <= limit]
                if options:
                    facilitator = self.ids[options[rng.randrange(len(options))]]
            outcome = None
            real_status = "met" if status == "met-due" else status
            if real_status in ("collaborating", "no-follow-up", "declined"):
                outcome = rng.choice(vocab.INTRO_OUTCOMES[real_status])
            elif real_status == "met" and status == "met" and rng.random() < 0.5:
                outcome = rng.choice(vocab.INTRO_OUTCOMES["met"])
            if outcome:
                outcome = outcome.format(word=rng.choice(vocab.WORDS), place=self.institution_town.pick(rng))
            if real_status == "collaborating":
                if rng.random() < 0.9:
                    since = min(_TODAY - 1, when + rng.randint(14, 90))
                    self.add_knows(a, b, since=since, weight=rng.triangular(0.5, 0.9, 0.7))
                if rng.random() < 0.4 and key not in self.collab:
                    self.collab[key] = [1, min(_TODAY - 1, when + rng.randint(30, 150))]
            intros.append({"a": a, "b": b, "facilitator": facilitator, "date": when, "status": real_status,
                           "outcome": outcome})
        intros.sort(key=lambda x: x["date"])
        width = _width(len(intros), 3)
        for rank, x in enumerate(intros):
            x["id"] = f"i-{rank + 1:0{width}d}"
        self.intros = intros

    # -- organisations ------------------------------------------------------------------------

    def build_organisations(self) -> None:
        rng, n = self.rng, self.n
        n_orgs = max(len(OTHER_CLUSTERS), round(25 * (n / 300) ** 0.5))
        clusters = list(OTHER_CLUSTERS) + [None] * (n_orgs - len(OTHER_CLUSTERS))
        cluster_choice = _Choice([(c, vocab.CLUSTER_WEIGHTS.get(c, 1.0)) for c in OTHER_CLUSTERS])
        width = _width(n_orgs, 2)
        self.orgs: list[dict[str, Any]] = []
        for k, cluster in enumerate(clusters):
            cluster = cluster or cluster_choice.pick(rng)
            templates = vocab.ORGANISATION_TEMPLATES.get(cluster, ("{word} " + cluster.title(),))
            city = self.commune.pick(rng)

            def make(templates=templates, city=city) -> str:
                return rng.choice(templates).format(word=rng.choice(vocab.WORDS), place=_short(city),
                                                    family=self.family(rng.choice(("lu", "fr", "de"))))

            name = self.unique_name(make, (_short(city),))
            self.orgs.append({"id": f"o-{k + 1:0{width}d}", "name": name, "cluster": cluster, "city": city,
                              "website": self.website(name)})
        self.org_names = [o["name"] for o in self.orgs]

    def build_org_ties(self) -> None:
        rng, n = self.rng, self.n
        by_cluster: dict[str, list[int]] = {}
        for k, o in enumerate(self.orgs):
            by_cluster.setdefault(o["cluster"], []).append(k)
        cluster_choice = _Choice([(c, vocab.CLUSTER_WEIGHTS.get(c, 1.0)) for c in OTHER_CLUSTERS
                                  if c in by_cluster])
        wanted = max(5, round(n * 0.1))
        self.org_ties: dict[tuple[int, int, str], list[Any]] = {}
        tries = 0
        while len(self.org_ties) < wanted and tries < wanted * 10:
            tries += 1
            cluster = cluster_choice.pick(rng)
            subsector = rng.choice(vocab.CLUSTER_AFFINITY.get(cluster, SUBSECTOR_IDS))
            m = self.pool_ext[subsector].pick(rng)
            if m is None:
                continue
            o = rng.choice(by_cluster[cluster])
            kind = "collaborated" if rng.random() < 0.55 else "knows"
            key = (m, o, kind)
            if key in self.org_ties:
                continue
            since = self.joined[m] + int((_TODAY - 1 - self.joined[m]) * rng.random())
            weight = rng.triangular(0.4, 0.9, 0.6) if kind == "collaborated" else rng.triangular(0.2, 0.8, 0.45)
            self.org_ties[key] = [round(weight, 2), since]

    # -- events -------------------------------------------------------------------------------

    def build_events(self) -> None:
        rng, n = self.rng, self.n
        n_events = max(6, round(n * 40 / 300))
        n_upcoming = max(2, n_events // 20)
        boost = {"creative-hub": 2.5, "institution": 1.5}
        weights = [self.activity[i] * boost.get(self.kind[i], 1.0) * (0.6 if self.isolated[i] else 1.0)
                   * (0.5 if self.unconnected[i] else 1.0) for i in range(n)]
        everyone = _Pool(list(range(n)), weights)
        hub_names = [self.names[i] for i in range(n) if self.kind[i] == "creative-hub"]
        formats = _Choice((("networking", 0.35), ("workshop", 0.32), ("round-table", 0.25), ("conference", 0.08)))

        def size_for(fmt: str) -> int:
            r = rng.random()
            if fmt == "networking":
                return int(40 + 160 * r ** 1.8)
            if fmt == "conference":
                return int(80 + 170 * r ** 1.5)
            if fmt == "workshop":
                return rng.randint(10, 30)
            return rng.randint(8, 15)

        def fill(size: int, limit: int, focus: list[str] | None = None) -> list[int]:
            chosen: list[int] = []
            seen: set[int] = set()
            tries = 0
            while len(chosen) < size and tries < size * 5:
                tries += 1
                if focus and rng.random() < 0.7:
                    m = self.pool_all[focus[rng.randrange(len(focus))]].pick(rng, limit)
                else:
                    m = everyone.pick(rng, limit)
                if m is not None and m not in seen:
                    seen.add(m)
                    chosen.append(m)
            return sorted(chosen)

        def describe(fmt: str, when: int) -> tuple[str, str]:
            theme = rng.choice(vocab.EVENT_THEMES)
            place = self.institution_town.pick(rng)
            venue = rng.choice(hub_names) if rng.random() < 0.6 else place
            year = date.fromordinal(when).year
            if fmt == "networking":
                title = rng.choice(vocab.NETWORKING_TITLES).format(venue=venue, place=place)
            elif fmt == "conference":
                title = rng.choice(vocab.CONFERENCE_TITLES).format(year=year, theme=theme)
            elif fmt == "workshop":
                title = f"Workshop: {theme}"
            else:
                title = f"Round table: {theme}"
            return title, theme

        events: list[dict[str, Any]] = []
        first, last = date(2022, 1, 10).toordinal(), _TODAY - 2
        for _ in range(n_events - n_upcoming):
            when = first + rng.randrange(last - first + 1)
            fmt = formats.pick(rng)
            limit = bisect.bisect_right(self.joined, when) - 1
            size = min(size_for(fmt), max(2, int(0.7 * (limit + 1))))
            focus = None
            if fmt in ("round-table", "workshop"):
                focus = rng.sample(SUBSECTOR_IDS, rng.choice((1, 2)))
            title, theme = describe(fmt, when)
            events.append({"title": title, "date": when, "format": fmt, "theme": theme,
                           "attendees": fill(size, limit, focus)})

        # upcoming: a cross-disciplinary round table to seat, a networking evening, and more
        # at larger scales
        last_member = n - 1
        rt_subsectors = rng.sample([s for s in SUBSECTOR_IDS if s not in ISOLATED_SUBSECTORS], 4) + \
            [ISOLATED_SUBSECTORS[1]]
        rt: list[int] = [self.broker_list[0]]
        k = 0
        while len(rt) < 12 and k < 200:
            m = self.pool_ext[rt_subsectors[k % len(rt_subsectors)]].pick(rng)
            k += 1
            if m is not None and m not in rt:
                rt.append(m)
        venue = vocab.HUBS[0][0] if vocab.HUBS[0][0] in hub_names else hub_names[0]
        upcoming = [
            {"title": "Round table: Immersive experiences across disciplines", "date": _TODAY + 11,
             "format": "round-table", "theme": "Immersive experiences", "attendees": sorted(rt)},
            {"title": f"Creative Christmas Afterwork at {venue}", "date": _TODAY + 18,
             "format": "networking", "theme": "Working across borders",
             "attendees": fill(min(rng.randint(60, 90), n // 2), last_member)},
        ]
        for _ in range(n_upcoming - 2):
            when = _TODAY + rng.randint(5, 120)
            fmt = formats.pick(rng)
            title, theme = describe(fmt, when)
            size = max(2, size_for(fmt) // 2)
            upcoming.append({"title": title, "date": when, "format": fmt, "theme": theme,
                             "attendees": fill(size, last_member)})
        events.extend(upcoming)
        order = sorted(range(len(events)), key=lambda k: (events[k]["date"], k))
        width = _width(len(events), 3)
        self.events = []
        for rank, k in enumerate(order):
            e = events[k]
            e["id"] = f"e-{rank + 1:0{width}d}"
            self.events.append(e)
        self.upcoming_round_table = upcoming[0]["id"]

    # -- assembly -----------------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        ids, n = self.ids, self.n
        subsectors = [{"id": s, "name": SUBSECTOR_BY_ID[s].name} for s in SUBSECTOR_IDS]
        skills = [{"id": sid, "name": name, **({"subsector": sub} if sub else {})}
                  for sid, name, sub in self.skill_rows]
        members = []
        for i in range(n):
            m = {
                "id": ids[i], "name": self.names[i], "kind": self.kind[i], "subsectors": list(self.subs[i]),
                "skills": self.skills[i], "visibility": self.visibility[i], "city": self.city[i],
                "languages": self.langs[i], "description": self.descriptions[i], "joined": _iso(self.joined[i]),
            }
            if self.sites[i]:
                m["website"] = self.sites[i]
            members.append(m)
        organisations = [dict(o) for o in self.orgs]
        ties = []
        for (a, b), (weight, since, confirmed) in self.knows.items():
            ties.append({"source": ids[a], "target": ids[b], "kind": "knows", "weight": weight,
                         "since": _iso(since), "confirmed": confirmed})
        for (a, b), (count, since) in self.collab.items():
            ties.append({"source": ids[a], "target": ids[b], "kind": "collaborated",
                         "weight": round(min(1.0, 0.5 + 0.15 * (count - 1)), 2), "since": _iso(since),
                         "confirmed": True})
        for (m, o, kind), (weight, since) in self.org_ties.items():
            ties.append({"source": ids[m], "target": self.orgs[o]["id"], "kind": kind, "weight": weight,
                         "since": _iso(since), "confirmed": True})
        ties.sort(key=lambda t: (t["source"], t["target"], t["kind"]))
        projects = []
        for p in self.projects:
            rec = {"id": p["id"], "title": p["title"], "kind": p["kind"], "requires": p["requires"],
                   "team": [ids[m] for m in p["team"]], "client": p["client"], "status": p["status"],
                   "start": _iso(p["start"])}
            if p["end"] is not None:
                rec["end"] = _iso(p["end"])
            projects.append(rec)
        events = [{"id": e["id"], "title": e["title"], "date": _iso(e["date"]), "format": e["format"],
                   "theme": e["theme"], "attendees": [ids[m] for m in e["attendees"]]} for e in self.events]
        introductions = []
        for x in self.intros:
            rec = {"id": x["id"], "a": ids[x["a"]], "b": ids[x["b"]], "facilitator": x["facilitator"],
                   "date": _iso(x["date"]), "status": x["status"]}
            if x["outcome"]:
                rec["outcome"] = x["outcome"]
            introductions.append(rec)
        return {"subsectors": subsectors, "skills": skills, "members": members,
                "organisations": organisations, "ties": ties, "projects": projects, "events": events,
                "introductions": introductions}

    def facts(self, raw: dict[str, Any]) -> SeedFacts:
        n, ids = self.n, self.ids
        # the structural member-member graph: ties, shared projects, collaborating introductions
        pairs: set[tuple[int, int]] = set(self.knows) | set(self.collab) | self.team_pairs
        pairs |= {(x["a"], x["b"]) if x["a"] < x["b"] else (x["b"], x["a"])
                  for x in self.intros if x["status"] == "collaborating"}
        has_tie = [False] * n
        has_external = [False] * n
        internal = dict.fromkeys(SUBSECTOR_IDS, 0)
        external = dict.fromkeys(SUBSECTOR_IDS, 0)
        for a, b in pairs:
            has_tie[a] = has_tie[b] = True
            sa, sb = self.primary[a], self.primary[b]
            if sa == sb:
                internal[sa] += 1
            else:
                external[sa] += 1
                external[sb] += 1
                has_external[a] = has_external[b] = True
        for (m, _o, _k) in self.org_ties:
            has_tie[m] = True
        ei = sorted(((s, round((external[s] - internal[s]) / (external[s] + internal[s]), 4))
                     for s in SUBSECTOR_IDS if external[s] + internal[s]), key=lambda kv: (kv[1], kv[0]))
        held = {sk for skills in self.skills for sk in skills}
        facts = SeedFacts(
            members=n,
            seed=self.seed,
            today=TODAY,
            isolated_subsectors=ISOLATED_SUBSECTORS,
            brokers=tuple(ids[b] for b in self.broker_list),
            hubs=tuple(ids[i] for i in sorted(range(n), key=lambda i: (self.names[i] != vocab.HUBS[0][0], i))
                       if self.kind[i] == "creative-hub"),
            unconnected_members=tuple(ids[i] for i in range(n) if not has_tie[i]),
            inward_members=tuple(ids[i] for i in range(n) if has_tie[i] and not has_external[i]),
            rare_skills=tuple(taxonomy.RARE_SKILLS),
            unheld_skills=tuple(sk for sk in taxonomy.UNHELD_SKILLS if sk not in held),
            open_tenders=tuple(p["id"] for p in raw["projects"] if p["kind"] == "tender" and p["status"] == "open"),
            missing_skill_tender=self.missing_skill_tender,
            upcoming_events=tuple(e["id"] for e in raw["events"] if e["date"] > TODAY.isoformat()),
            upcoming_round_table=self.upcoming_round_table,
            due_followups=tuple(x["id"] for x in raw["introductions"] if x["status"] == "met"
                                and "outcome" not in x
                                and date.fromisoformat(x["date"]).toordinal() < _TODAY - FOLLOW_UP_DAYS),
            ei_index=tuple(ei),
        )
        self.check(facts, held)
        return facts

    def check(self, facts: SeedFacts, held: set[str]) -> None:
        """Fail loudly if a promise does not hold (it would be a generator bug)."""
        problems = []
        lowest = {s for s, _ in facts.ei_index[: len(ISOLATED_SUBSECTORS)]}
        if lowest != set(ISOLATED_SUBSECTORS):
            problems.append(f"isolated subsectors are not the lowest E-I: {facts.ei_index}")
        for b in self.broker_list:
            reached = {self.primary[v] for v in self.adj[b]} - {self.primary[b]}
            if len(reached) < 3:
                problems.append(f"broker {self.ids[b]} reaches only {sorted(reached)}")
        for sk in self.rare_holders:
            count = sum(1 for skills in self.skills if sk in skills)
            if not 1 <= count <= 2:
                problems.append(f"rare skill {sk} held by {count}")
        if set(facts.unheld_skills) != set(taxonomy.UNHELD_SKILLS):
            problems.append("an unheld skill is held")
        expected = {self.ids[i] for i in range(self.n) if self.unconnected[i]}
        if set(facts.unconnected_members) != expected:
            problems.append(f"unconnected members {facts.unconnected_members} != {sorted(expected)}")
        if not facts.due_followups:
            problems.append("no introduction is due for follow-up")
        if problems:
            raise RuntimeError("seed generator broke a promise: " + "; ".join(problems))


def generate_cluster(members: int = 300, seed: int = 42) -> tuple[Document, SeedFacts]:
    """Generate a fictional but realistic cluster of ``members`` members.

    Parameters
    ----------
    members : int, default 300
        Number of members, at least :data:`MIN_MEMBERS`. Projects (members/5), events
        (members/7.5), introductions (members/3), organisations and ties scale with it.
    seed : int, default 42
        Seed of the only random generator used; the same arguments give the same document.

    Returns
    -------
    (Document, SeedFacts)
        A document for which ``check_references`` finds no problem, and what it promises.
    """
    if members < MIN_MEMBERS:
        raise ValueError(f"members must be at least {MIN_MEMBERS}, got {members}")
    # Millions of small containers and no reference cycles: the cyclic garbage collector
    # would only rescan them over and over (it costs ~40% of the time at 100,000 members).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        b = _Builder(members, seed)
        b.build_members()
        b.member_details()
        b.build_pools()
        b.build_organisations()
        b.build_ties()
        b.build_projects()
        b.build_introductions()
        b.build_org_ties()
        b.build_events()
        raw = b.document()
        facts = b.facts(raw)
        return Document.model_validate(raw), facts
    finally:
        if gc_was_enabled:
            gc.enable()


def ei_indices(doc: Document) -> dict[str, float]:
    """E-I index per primary subsector over member-member tie records (each unordered pair
    once, whatever its kinds): ``(external - internal) / (external + internal)``."""
    primary = {m.id: m.subsectors[0] for m in doc.members}
    pairs = {(min(t.source, t.target), max(t.source, t.target)) for t in doc.ties
             if t.source in primary and t.target in primary}
    internal = dict.fromkeys(SUBSECTOR_IDS, 0)
    external = dict.fromkeys(SUBSECTOR_IDS, 0)
    for a, b in sorted(pairs):
        sa, sb = primary[a], primary[b]
        if sa == sb:
            internal[sa] += 1
        else:
            external[sa] += 1
            external[sb] += 1
    return {s: (external[s] - internal[s]) / (external[s] + internal[s])
            for s in SUBSECTOR_IDS if external[s] + internal[s]}


def dump_json(doc: Document) -> str:
    """The document as pretty, sorted, deterministic JSON (UTF-8 text, trailing newline)."""
    data = doc.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seed.generator", description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=300, help="number of members (default 300)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--out", type=Path, default=None, help="output file (default: standard output)")
    args = parser.parse_args(argv)
    from graph_service.interchange import check_references

    doc, _facts = generate_cluster(members=args.members, seed=args.seed)
    problems = check_references(doc)
    if problems:
        for p in problems[:20]:
            print(f"{p.loc}: {p.msg}", file=sys.stderr)
        return 1
    text = dump_json(doc)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}: {len(doc.members)} members, {len(doc.ties)} ties, "
              f"{len(doc.projects)} projects, {len(doc.events)} events, "
              f"{len(doc.introductions)} introductions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
