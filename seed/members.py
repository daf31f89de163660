"""Phases 1 and 2: who the members are (:func:`build_members`), then what they are called and
what they can do (:func:`describe_members`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from graph_service.domain import SUBSECTOR_BY_ID, SUBSECTOR_IDS
from seed import skills as taxonomy
from seed import vocabulary as vocab
from seed.common import (
    COMMUNE,
    CROSS_DRAW,
    FIRST,
    INSTITUTION_TOWN,
    ISOLATED_SUBSECTORS,
    LAST,
    ORIGIN,
    REGION_OF,
    SKILL_DRAW,
    SKILL_NAME,
    SKILL_SUBSECTOR,
    SUB_INDEX,
    TODAY_ORD,
    Choice,
    Context,
    affinity,
    and_list,
    apportion,
    lower_first,
    short,
    width,
)

__all__ = ["Members", "Profiles", "Proto", "build_members", "describe_members"]

_BROKER_SUBSECTORS = (
    "marketing-communication", "design", "digital-media-publishing", "film-audiovisual",
    "architecture", "performing-arts", "music",
)
_LANGUAGE_NAMES = {"lb": "Luxembourgish", "fr": "French", "de": "German", "en": "English", "pt": "Portuguese"}
_LANGUAGES = ("lb", "fr", "de", "en", "pt")
_ACTIVITY = {"creative-hub": 4.0, "institution": 1.8, "company": 1.0, "freelancer": 0.85}


class Proto(NamedTuple):
    """A member as :func:`build_members` draws it, before it is named."""

    kind: str
    subsectors: tuple[str, ...]
    """The primary subsector first."""
    city: str
    joined: int
    """Date ordinal."""
    origin: str
    """Which word lists its names come from ("lu", "fr", "pt"...)."""
    fixed_name: str | None = None
    """A creative hub's name."""
    description: str | None = None
    """A creative hub's description."""
    template: str | None = None
    """An institution's name template ("Municipal Theatre {place}")."""


@dataclass(frozen=True, slots=True)
class Members:
    """Every member's structure, one column per attribute, indexed by member index (0 is
    ``m-001``; indices follow the join date). Also the roles the promises need: the
    unconnected members, the brokers and the inward-looking members."""

    count: int
    ids: tuple[str, ...]
    protos: tuple[Proto, ...]
    kind: tuple[str, ...]
    subsectors: tuple[tuple[str, ...], ...]
    primary: tuple[str, ...]
    joined: tuple[int, ...]
    """Date ordinals, ascending."""
    city: tuple[str, ...]
    region: tuple[str, ...]
    isolated: tuple[bool, ...]
    """Whether the primary subsector is one of :data:`ISOLATED_SUBSECTORS`."""
    activity: tuple[float, ...]
    """How often a member is drawn as a partner, a team member or an attendee."""
    unconnected: tuple[bool, ...]
    """Recent joiners kept without any tie."""
    brokers: tuple[int, ...]
    """Ascending."""
    is_broker: tuple[bool, ...]
    inward: tuple[bool, ...]
    """Members whose ties all stay inside their primary subsector."""

    def pair_ok(self, u: int, v: int) -> bool:
        """Whether u and v may be tied without breaking a promise."""
        if u == v or self.unconnected[u] or self.unconnected[v]:
            return False
        if self.primary[u] == self.primary[v]:
            return True
        return not (self.inward[u] or self.inward[v] or self.isolated[u] or self.isolated[v])


@dataclass(frozen=True, slots=True)
class Profiles:
    """What :func:`describe_members` gives each member, by member index."""

    names: tuple[str, ...]
    skills: tuple[tuple[str, ...], ...]
    languages: tuple[tuple[str, ...], ...]
    websites: tuple[str | None, ...]
    descriptions: tuple[str, ...]
    visibility: tuple[str, ...]
    rare_holders: dict[str, tuple[int, ...]]
    """Who holds each of ``skills.RARE_SKILLS`` (one or two members each)."""


# ---------------------------------------------------------------------------------------------
# phase 1: structure and roles


def build_members(ctx: Context, n: int) -> Members:
    """Hubs, institutions, then companies and freelancers by subsector quota, sorted by join
    date; then activity, and the unconnected members, brokers and inward-looking members."""
    rng = ctx.rng
    n_hubs = max(2, round(n / 100))
    n_inst = max(3, round(n * 0.05))
    n_regular = n - n_hubs - n_inst
    protos: list[Proto] = []

    non_isolated = [s for s in SUBSECTOR_IDS if s not in ISOLATED_SUBSECTORS]
    hub_primary = Choice([(s, vocab.SUBSECTOR_WEIGHTS[s]) for s in non_isolated])
    for k in range(n_hubs):
        if k < len(vocab.HUBS):
            name, city, hub_subs, description = vocab.HUBS[k]
            subs = list(hub_subs)
            joined = FIRST + rng.randrange(0, 400) if k < 3 else FIRST + rng.randrange(0, LAST - FIRST)
        else:
            city = COMMUNE.pick(rng)
            primary = hub_primary.pick(rng)
            others = Choice([(s, affinity(primary, s)) for s in SUBSECTOR_IDS if s != primary])
            subs = [primary]
            while len(subs) < 3:
                s = others.pick(rng)
                if s not in subs:
                    subs.append(s)
            name = f"{short(city)} Creative Hub"
            description = f"Creative hub in {city}: coworking, studios and events for creatives."
            joined = FIRST + rng.randrange(0, LAST - FIRST)
        protos.append(Proto("creative-hub", tuple(subs), city, joined, "lu",
                            fixed_name=name, description=description))

    inst_type = Choice([(t, t[3]) for t in vocab.INSTITUTION_TYPES])
    for _ in range(n_inst):
        template, primary, secondaries, _w = inst_type.pick(rng)
        city = INSTITUTION_TOWN.pick(rng)
        subs = [primary]
        if secondaries and rng.random() < 0.5:
            subs.append(rng.choice(secondaries))
        joined = FIRST + int((LAST - FIRST) * rng.random() ** 1.8)
        protos.append(Proto("institution", tuple(subs), city, joined, "lu", template=template))

    weights = [vocab.SUBSECTOR_WEIGHTS[s] for s in SUBSECTOR_IDS]
    quota = apportion(n, weights)
    taken = [0] * len(SUBSECTOR_IDS)
    for p in protos:
        taken[SUB_INDEX[p.subsectors[0]]] += 1
    remaining = [max(0.0, q - t) + 0.01 for q, t in zip(quota, taken, strict=True)]
    # an isolated subsector needs a few members to be tied among themselves
    counts = apportion(n_regular, remaining,
                       minimum=[5 if s in ISOLATED_SUBSECTORS else 3 for s in SUBSECTOR_IDS])
    primaries = [s for s, c in zip(SUBSECTOR_IDS, counts, strict=True) for _ in range(c)]
    rng.shuffle(primaries)
    for primary in primaries:
        kind = "freelancer" if rng.random() < vocab.FREELANCE_SHARE[primary] else "company"
        subs = [primary]
        if rng.random() < 0.24:
            weighted = [(s, affinity(primary, s) * vocab.SUBSECTOR_WEIGHTS[s])
                        for s in SUBSECTOR_IDS if s != primary]
            subs.append(Choice(weighted).pick(rng))
        joined = FIRST + int((LAST - FIRST) * rng.random() ** 0.75)
        city = COMMUNE.pick(rng)
        protos.append(Proto(kind, tuple(subs), city, joined, ORIGIN.pick(rng)))

    protos.sort(key=lambda p: p.joined)  # stable: ids follow the join date
    id_width = width(n, 3)
    kinds = tuple(p.kind for p in protos)
    primary_of = tuple(p.subsectors[0] for p in protos)
    joined_on = tuple(p.joined for p in protos)
    isolated = tuple(s in ISOLATED_SUBSECTORS for s in primary_of)
    activity = [rng.lognormvariate(0.0, 0.45) * _ACTIVITY[k] for k in kinds]

    # roles
    regular = [i for i in range(n) if kinds[i] in ("company", "freelancer")]
    recent = [i for i in regular if joined_on[i] >= LAST - 120]
    n_unconnected = max(2, round(n / 100))
    if len(recent) < n_unconnected:
        recent = regular[-n_unconnected:]
    unconnected = [False] * n
    for i in sorted(rng.sample(recent, n_unconnected)):
        unconnected[i] = True
        activity[i] *= 0.3

    n_brokers = min(8, max(5, n // 50)) if n <= 2000 else n // 250
    candidates = [i for i in regular if primary_of[i] in _BROKER_SUBSECTORS
                  and not unconnected[i] and joined_on[i] <= TODAY_ORD - 3 * 365]
    if len(candidates) < n_brokers:
        candidates = [i for i in regular if not isolated[i] and not unconnected[i]]
    brokers = sorted(rng.sample(candidates, n_brokers))
    is_broker = [False] * n
    for i in brokers:
        is_broker[i] = True
        activity[i] *= 1.6

    inward = [False] * n
    inward_candidates = [i for i in regular if not unconnected[i] and not is_broker[i] and not isolated[i]]
    for i in rng.sample(inward_candidates, min(len(inward_candidates), max(2, round(n * 0.04)))):
        inward[i] = True

    return Members(
        count=n,
        ids=tuple(f"m-{i + 1:0{id_width}d}" for i in range(n)),
        protos=tuple(protos),
        kind=kinds,
        subsectors=tuple(p.subsectors for p in protos),
        primary=primary_of,
        joined=joined_on,
        city=tuple(p.city for p in protos),
        region=tuple(REGION_OF.get(p.city, "centre") for p in protos),
        isolated=isolated,
        activity=tuple(activity),
        unconnected=tuple(unconnected),
        brokers=tuple(brokers),
        is_broker=tuple(is_broker),
        inward=tuple(inward),
    )


# ---------------------------------------------------------------------------------------------
# phase 2: names, skills, languages, websites, descriptions


def _person_name(ctx: Context, origin: str, city: str) -> str:
    rng = ctx.rng

    def simple() -> str:
        return f"{rng.choice(vocab.GIVEN_NAMES[origin])} {ctx.family(origin)}"

    name = ctx.unique_name(simple, ())
    if name.split(" ")[-1].isdigit():  # crowded: use a double family name instead
        ctx.release(name)
        given = rng.choice(vocab.GIVEN_NAMES[origin])
        f1, f2 = ctx.family(origin), ctx.family(origin)
        joined = f"{f1} {f2}" if origin == "pt" else f"{f1}-{f2}"
        name = ctx.unique_name(lambda: f"{given} {joined}", (f"({city})",))
    return name


def _company_name(ctx: Context, subsector: str, origin: str, city: str) -> str:
    rng = ctx.rng

    def make() -> str:
        template = rng.choice(vocab.COMPANY_TEMPLATES[subsector])
        return template.format(
            family=ctx.family(origin), family2=ctx.family(rng.choice(("lu", "fr", "de", "pt"))),
            place=short(city), word=rng.choice(vocab.WORDS),
        )

    return ctx.unique_name(make, (short(city),))


def _languages(ctx: Context, origin: str, kind: str) -> tuple[str, ...]:
    rng = ctx.rng
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
        langs = {code for code in _LANGUAGES if rng.random() < p[code]}
        if not langs:
            langs = {"fr"}
    return tuple(code for code in _LANGUAGES if code in langs)


def _draw_skills(ctx: Context, subsectors: Sequence[str], kind: str) -> list[str]:
    rng = ctx.rng
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
        sk = SKILL_DRAW[s].pick(rng)
        if sk not in out:
            out.append(sk)
    tries = 0
    while len(out) < count and tries < 30:
        tries += 1
        sk = CROSS_DRAW.pick(rng)
        if sk not in out:
            out.append(sk)
    return out


def describe_members(ctx: Context, members: Members) -> Profiles:
    """Names, skills, languages, websites and descriptions, in id order; then the holders of
    the rare skills."""
    rng, n = ctx.rng, members.count
    names: list[str] = []
    skills: list[list[str]] = []
    languages: list[tuple[str, ...]] = []
    websites: list[str | None] = []
    descriptions: list[str] = []
    visibility: list[str] = []
    for p in members.protos:
        kind, subs, city, origin = p.kind, p.subsectors, p.city, p.origin
        if p.fixed_name is not None:  # a creative hub
            name = ctx.fixed_name(p.fixed_name)
        elif p.template is not None:  # an institution
            def institution(template: str = p.template, city: str = city) -> str:
                return template.format(place=short(city))

            name = ctx.unique_name(institution, (f"({city})",))
        elif kind == "freelancer":
            name = _person_name(ctx, origin, city)
        else:
            name = _company_name(ctx, subs[0], origin, city)
        names.append(name)
        drawn = _draw_skills(ctx, subs, kind)
        skills.append(drawn)
        langs = _languages(ctx, origin, kind)
        languages.append(langs)
        has_site = {"company": 0.85, "freelancer": 0.5}.get(kind, 1.0)
        websites.append(ctx.website(name) if rng.random() < has_site else None)
        phrase = and_list([lower_first(SKILL_NAME[s]) for s in drawn[:3]])
        if p.description is not None:  # a creative hub
            description = p.description
        elif kind == "institution":
            description = f"Public cultural institution in {city}: {phrase}."
        elif kind == "freelancer":
            spoken = and_list([_LANGUAGE_NAMES[c] for c in langs])
            description = (f"Freelance {vocab.FREELANCE_ROLE[subs[0]]} in {city}, working in {spoken}: "
                           f"{phrase}.")
        else:
            description = f"{vocab.SUBSECTOR_NOUN[subs[0]]} based in {city}: {phrase}."
        if kind in ("company", "freelancer") and len(subs) > 1:
            description += f" Also active in {SUBSECTOR_BY_ID[subs[1]].name.lower()}."
        descriptions.append(description)
        if kind in ("institution", "creative-hub"):
            visibility.append("public" if rng.random() < 0.9 else "members")
        else:
            r = rng.random()
            visibility.append("private" if r < 0.085 else ("public" if r < 0.085 + 0.235 else "members"))

    # rare skills: one or two holders each, in the skill's subsector
    rare_holders: dict[str, tuple[int, ...]] = {}
    for sk in taxonomy.RARE_SKILLS:
        sub = SKILL_SUBSECTOR[sk]
        pool = [i for i in range(n) if members.primary[i] == sub and not members.unconnected[i]
                and members.kind[i] in ("company", "freelancer")] \
            or [i for i in range(n) if sub in members.subsectors[i]] or list(range(n))
        holders = sorted(rng.sample(pool, min(len(pool), rng.choice((1, 2)))))
        for i in holders:
            if len(skills[i]) >= 6:
                skills[i][-1] = sk
            else:
                skills[i].append(sk)
        rare_holders[sk] = tuple(holders)

    return Profiles(
        names=tuple(names),
        skills=tuple(tuple(s) for s in skills),
        languages=tuple(languages),
        websites=tuple(websites),
        descriptions=tuple(descriptions),
        visibility=tuple(visibility),
        rare_holders=rare_holders,
    )
