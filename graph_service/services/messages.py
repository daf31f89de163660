"""The manager's messages: for each proposed introduction, a ready message to each side saying why
the two should meet, to copy; and, when mail is set up, the same message mailed to each member
with a personal one-click accept and decline link (double opt-in: the introduction is made only
when both accept, :func:`graph_service.services.introductions.respond`).

The reasons are the recommender's, for the pair itself, said to each side
(:func:`graph_service.analytics.recommendations.explain_pair` on the manager's projection). Names
come from the projection, addresses from the members' ``email`` field. What was mailed and when
is kept per side (:mod:`graph_service.store.messages`), recorded only for the messages the mail
server accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from markupsafe import Markup

from graph_service.analytics.recommendations import explain_pair
from graph_service.domain import SUBSECTOR_BY_ID
from graph_service.errors import UnknownMember
from graph_service.interchange import MemberRecord, OrganisationRecord
from graph_service.services import answer_links
from graph_service.services.answer_links import LinkPayload
from graph_service.services.mail import Mail, MailUnavailable, html_paragraphs, send_mails
from graph_service.services.views import GraphView, Projection
from graph_service.settings import Settings
from graph_service.store import introductions as introduction_store
from graph_service.store import messages as store
from graph_service.store.database import Database

__all__ = ["CLUSTER", "Party", "SideMessage", "IntroductionMessages", "SendReport", "introduction_messages",
           "send_introductions", "message_text"]

CLUSTER = "Luxembourg Creative Industries Cluster"
Side = Literal["a", "b"]


@dataclass(frozen=True, slots=True)
class Party:
    """One side of an introduction as the messages name it."""

    id: str
    name: str
    kind: Literal["member", "organisation"]
    place: str  # "gaming, Esch-sur-Alzette": the primary subsector (or the organisation's cluster) and city
    email: str | None
    answer: str  # pending, accepted or declined

    @property
    def why_not_mailed(self) -> str | None:
        """Why this side cannot be mailed, in words; None when it can."""
        if self.kind == "organisation":
            return (f"{self.name} is an organisation of another cluster: no mail address is kept for it. "
                    "Copy the message and send it yourself.")
        if not self.email:
            return (f"{self.name} has no mail address. Copy the message and send it yourself, or add "
                    "their address under Members and keys.")
        return None


@dataclass(frozen=True, slots=True)
class SideMessage:
    """The message to one side: to ``party`` about ``other``, with the reasons said to ``party``."""

    side: Side
    party: Party
    other: Party
    reasons: tuple[str, ...]
    subject: str
    text: str  # the message to copy (answers by replying)
    mailed_at: datetime | None

    @property
    def mailable(self) -> bool:
        """Whether this side can be mailed now: a member with an address who has not answered."""
        return self.party.why_not_mailed is None and self.party.answer == "pending"


@dataclass(frozen=True, slots=True)
class IntroductionMessages:
    """A proposed introduction and its two messages."""

    id: str
    date: str
    sides: tuple[SideMessage, SideMessage]

    @property
    def unsent(self) -> tuple[SideMessage, ...]:
        """The sides that can be mailed and have not been yet."""
        return tuple(s for s in self.sides if s.mailable and s.mailed_at is None)

    @property
    def mailable(self) -> tuple[SideMessage, ...]:
        return tuple(s for s in self.sides if s.mailable)


@dataclass(slots=True)
class SendReport:
    """What a send did, by name: who was mailed, who was not and why, and an error that stopped
    everything (the mail server unreachable)."""

    sent: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    error: str | None = None


def _place(*parts: str | None) -> str:
    return ", ".join(p for p in parts if p)


def _party(ident: str, answer: str | None, members: dict[str, MemberRecord],
           organisations: dict[str, OrganisationRecord]) -> Party:
    if (m := members.get(ident)) is not None:
        subsector = SUBSECTOR_BY_ID.get(m.subsectors[0])
        return Party(ident, m.name, "member", _place(subsector.name if subsector else m.subsectors[0], m.city),
                     m.email, answer or "pending")
    if (o := organisations.get(ident)) is not None:
        return Party(ident, o.name, "organisation", _place(f"{o.cluster} cluster", o.city), None, answer or "pending")
    return Party(ident, ident, "member", "", None, answer or "pending")  # written since the projection was read


def _said_to(reason: str, other: str) -> str:
    """A recommender's reason as a line of a message: "You both know ..." stays, "Brings skills you
    lack: ..." names who brings them."""
    if reason.startswith("You"):
        return reason
    return f"{other} {reason[0].lower()}{reason[1:]}"


def message_text(party: Party, other: Party, reasons: Sequence[str], *, links: tuple[str, str] | None = None,
                 expires: datetime | None = None) -> str:
    """The message to ``party`` about ``other``: to copy (answered by replying) or, with ``links``
    (accept, decline), mailed."""
    about = f"{other.name} ({other.place})" if other.place else other.name
    lines = [f"Dear {party.name},", ""]
    if reasons:
        lines += [f"I would like to introduce you to {about} because:"]
        lines += [f"- {_said_to(r, other.name)}" for r in reasons]
    else:
        lines += [f"I would like to introduce you to {about}: I think you two should meet."]
    lines.append("")
    if links is None:
        lines += ["Would you like to meet? Just reply to this message. "
                  f"{other.name} is asked the same question; I put you in touch only if you both agree."]
    else:
        lines += ["Would you like to meet? One click answers, no login needed:", "",
                  f"Yes, introduce us: {links[0]}", f"No, thank you: {links[1]}", "",
                  f"Each link works once{f', until {expires:%d %B %Y}' if expires else ''}. "
                  f"{other.name} is asked the same question; I put you in touch only if you both agree."]
    lines += ["", "Kind regards,", "The cluster manager", CLUSTER]
    return "\n".join(lines)


def _message_html(party: Party, other: Party, reasons: Sequence[str], links: tuple[str, str],
                  expires: datetime) -> Markup:
    about = f"{other.name} ({other.place})" if other.place else other.name
    intro = html_paragraphs(f"Dear {party.name},")
    if reasons:
        why = Markup("<p>I would like to introduce you to {} because:</p><ul>{}</ul>").format(
            about, Markup("").join(Markup("<li>{}</li>").format(_said_to(r, other.name)) for r in reasons))
    else:
        why = Markup("<p>I would like to introduce you to {}: I think you two should meet.</p>").format(about)
    button = ('<a href="{}" style="display:inline-block;padding:0.5em 1em;margin:0 0.5em 0.5em 0;'
              'border-radius:4px;text-decoration:none;{}">{}</a>')
    answer = Markup("<p>Would you like to meet? One click answers, no login needed:</p><p>{}{}</p>").format(
        Markup(button).format(links[0], "background:#1d70b8;color:#fff;", "Yes, introduce us"),
        Markup(button).format(links[1], "background:#f3f2f1;color:#0b0c0c;border:1px solid #b1b4b6;",
                              "No, thank you"))
    note = Markup("<p>Each link works once, until {}. {} is asked the same question; I put you in touch only "
                  "if you both agree.</p>").format(f"{expires:%d %B %Y}", other.name)
    sign = Markup("<p>Kind regards,<br>The cluster manager<br>{}</p>").format(CLUSTER)
    return Markup("\n").join([intro, why, answer, note, sign])


def _reasons(view: GraphView, member: str, other: str) -> tuple[str, ...]:
    def compute(projection: Projection) -> tuple[str, ...]:
        try:
            return explain_pair(projection.full, member, other).reasons
        except (UnknownMember, ValueError):
            return ()

    return view.memo(("messages.reasons", member, other), compute)


def introduction_messages(view: GraphView, db: Database) -> list[IntroductionMessages]:
    """Every proposed introduction with its two messages, oldest first (``view``: the manager's)."""
    rows = introduction_store.list_introductions(db, statuses=["proposed"])
    doc = view.current().document
    members = {m.id: m for m in doc.members}
    organisations = {o.id: o for o in doc.organisations}
    mailed = {(s.introduction, s.side): s.sent_at for s in store.mail_sent(db, [r["id"] for r in rows])}
    out: list[IntroductionMessages] = []
    for row in sorted(rows, key=lambda r: (r["date"], r["id"])):
        a = _party(row["a"], row["a_response"], members, organisations)
        b = _party(row["b"], row["b_response"], members, organisations)
        sides = []
        pairs: tuple[tuple[Side, Party, Party], ...] = (("a", a, b), ("b", b, a))
        for side, party, other in pairs:
            reasons = _reasons(view, party.id, other.id)
            sides.append(SideMessage(side, party, other, reasons, f"Introduction: {other.name}",
                                     message_text(party, other, reasons), mailed.get((row["id"], side))))
        out.append(IntroductionMessages(row["id"], row["date"].isoformat(), (sides[0], sides[1])))
    return out


def _mail(settings: Settings, key: bytes, base_url: str, ident: str, message: SideMessage, now: datetime) -> Mail:
    expires = answer_links.expiry(settings.answer_link_days, now)
    nonce = answer_links.new_nonce()
    links = tuple(
        f"{base_url.rstrip('/')}/answer/"
        + answer_links.make_token(key, LinkPayload(ident, message.party.id, answer, expires, nonce))
        for answer in ("accept", "decline")
    )
    accept, decline = links
    return Mail(
        to_name=message.party.name, to_address=message.party.email or "", subject=message.subject,
        text=message_text(message.party, message.other, message.reasons, links=(accept, decline), expires=expires),
        html=_message_html(message.party, message.other, message.reasons, (accept, decline), expires),
        key=f"{ident}/{message.side}",
    )


def send_introductions(view: GraphView, db: Database, settings: Settings, *, base_url: str,
                       ids: Sequence[str] | None = None, now: datetime | None = None) -> SendReport:
    """Mail the proposed introductions: those in ``ids`` to each side that can be mailed (again,
    with new links, when it was mailed before), or, with ``ids`` None, every side not mailed yet.

    Over one connection; only the messages the server accepted are recorded as sent. The report
    names who was mailed and who was not, and why.
    """
    now = now or datetime.now(UTC)
    key = answer_links.link_key(settings.home)
    report = SendReport()
    chosen: list[tuple[IntroductionMessages, SideMessage]] = []
    for intro in introduction_messages(view, db):
        if ids is not None and intro.id not in ids:
            continue
        for message in (intro.mailable if ids is not None else intro.unsent):
            chosen.append((intro, message))
    if ids is not None:
        known = {intro.id for intro, _ in chosen}
        for ident in ids:
            if ident not in known:
                report.refused.append(f"{ident}: nobody to mail (no side has an address and is still to answer, "
                                      "or the introduction is no longer proposed)")
    mails = [_mail(settings, key, base_url, intro.id, message, now) for intro, message in chosen]
    try:
        result = send_mails(settings, mails)
    except MailUnavailable as exc:
        report.error = str(exc)
        return report
    sent: list[store.MailSent] = []
    for (intro, message), mail in zip(chosen, mails, strict=True):
        if mail.key in result.sent:
            sent.append(store.MailSent(intro.id, message.side, result.sent[mail.key]))
            report.sent.append(f"{message.party.name} ({message.party.email}), about {message.other.name}")
        else:
            report.refused.append(f"{message.party.name}: {result.refused.get(mail.key, 'not sent')}")
    store.record_mail_sent(db, sent)
    return report
