"""The one-click answers of a mailed introduction: signed, expiring, single-use links.

A link is ``/answer/<token>``; the token carries the introduction, the member it was mailed to,
the answer (``accept`` or ``decline``), when it expires and a random nonce, signed::

    token = base64url(payload JSON) "." base64url(HMAC-SHA256(key, payload))

The key is derived from the service's secret (:func:`graph_service.services.audit.load_secret`:
``GRAPH_SERVICE_AUDIT_SECRET`` or ``<home>/audit-secret``) for this use alone
(``HMAC(secret, "graph-service answer links v1")``), so a link can neither be forged nor altered
(any change breaks the signature) without the secret. The two links of one mail share their nonce:
answering with either uses both.

* **Expiring**: the expiry is inside the signed payload (``GRAPH_SERVICE_ANSWER_LINK_DAYS``,
  14 days by default).
* **Single use**: the nonce is recorded in Neo4j when the answer is recorded
  (:func:`graph_service.store.messages.claim_answer_link`: the first claim wins, under a uniqueness
  constraint); a later use is told when the link was used.
* **Never answered by a GET**: mail scanners fetch links before people click them. ``GET`` shows a
  confirmation page; only its form's ``POST`` answers. That form carries :func:`form_token` (an HMAC
  of the link's token), and the route checks the ``Origin`` when there is one.

Answers go through :func:`graph_service.services.introductions.respond`: the same rules as a member
answering on their own page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, cast

from graph_service.services import introductions
from graph_service.services.audit import load_secret
from graph_service.store import messages as store
from graph_service.store.database import Database
from graph_service.store.introductions import IntroductionRow

__all__ = [
    "LINK_CONTEXT",
    "LinkPayload",
    "LinkInvalid",
    "LinkExpired",
    "LinkUsed",
    "link_key",
    "new_nonce",
    "make_token",
    "read_token",
    "form_token",
    "check_form_token",
    "used_at",
    "answer",
]

LINK_CONTEXT = b"graph-service answer links v1"
MAX_TOKEN_LENGTH = 1000

Answer = Literal["accept", "decline"]


@dataclass(frozen=True, slots=True)
class LinkPayload:
    """What a link says: ``member`` answers ``answer`` to ``introduction``, until ``expires``."""

    introduction: str
    member: str
    answer: Answer
    expires: datetime
    nonce: str


class LinkInvalid(ValueError):
    """The token is not one this service signed (altered, cut short, or from elsewhere)."""


class LinkExpired(ValueError):
    """The link's time is over."""

    def __init__(self, payload: LinkPayload):
        super().__init__(f"the link expired on {payload.expires:%d %B %Y}")
        self.payload = payload


class LinkUsed(ValueError):
    """The link (or its twin in the same mail) has been used already."""

    def __init__(self, payload: LinkPayload, used: datetime):
        super().__init__(f"the link was used on {used:%d %B %Y at %H:%M} UTC")
        self.payload = payload
        self.used = used


def link_key(home: Path) -> bytes:
    """The signing key of the answer links, derived from the service's secret for this use only."""
    return hmac.new(load_secret(home), LINK_CONTEXT, hashlib.sha256).digest()


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, b"link\x00" + body, hashlib.sha256).digest()


def make_token(key: bytes, payload: LinkPayload) -> str:
    """The signed token of ``payload``."""
    body = json.dumps({"i": payload.introduction, "m": payload.member, "a": payload.answer,
                       "e": int(payload.expires.timestamp()), "n": payload.nonce},
                      separators=(",", ":"), sort_keys=True).encode("utf-8")
    return f"{_b64(body)}.{_b64(_sign(key, body))}"


def read_token(key: bytes, token: str, *, now: datetime | None = None) -> LinkPayload:
    """The payload of a token this service signed; :class:`LinkInvalid` for any other token,
    :class:`LinkExpired` when its time is over (checked after the signature)."""
    if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise LinkInvalid("the link is not complete or not one of ours")
    body_text, signature_text = token.split(".")
    try:
        body, signature = _unb64(body_text), _unb64(signature_text)
    except (binascii.Error, ValueError):
        raise LinkInvalid("the link is not complete or not one of ours") from None
    if not hmac.compare_digest(signature, _sign(key, body)):
        raise LinkInvalid("the link's signature does not match: it was changed, or cut short")
    try:
        data = json.loads(body)
        answer = data["a"]
        if answer not in ("accept", "decline"):
            raise ValueError(answer)
        payload = LinkPayload(str(data["i"]), str(data["m"]), cast(Answer, answer),
                              datetime.fromtimestamp(int(data["e"]), UTC), str(data["n"]))
    except (ValueError, KeyError, TypeError):  # signed by us but not a link: another use of the key
        raise LinkInvalid("the link is not one of ours") from None
    if (now or datetime.now(UTC)) >= payload.expires:
        raise LinkExpired(payload)
    return payload


def expiry(days: int, now: datetime | None = None) -> datetime:
    """The expiry of a link made ``now`` that works for ``days`` days (to the second)."""
    return ((now or datetime.now(UTC)) + timedelta(days=days)).replace(microsecond=0)


def form_token(key: bytes, token: str) -> str:
    """The confirmation form's token for the link ``token`` (only this service can make it)."""
    return _b64(hmac.new(key, b"form\x00" + token.encode("utf-8"), hashlib.sha256).digest())


def check_form_token(key: bytes, token: str, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(form_token(key, token).encode(), (submitted or "").encode())


def used_at(db: Database, payload: LinkPayload) -> datetime | None:
    """When this link (or its twin) was used, or None."""
    return store.answer_link_used_at(db, payload.nonce)


def answer(db: Database, payload: LinkPayload, *, now: datetime | None = None) -> IntroductionRow:
    """Record the link's answer, once.

    The nonce is claimed first (:class:`LinkUsed` when it was already); then the answer goes
    through :func:`graph_service.services.introductions.respond`. When that refuses (e.g. the
    introduction was closed meanwhile: :class:`~graph_service.errors.Conflict`) or fails, the
    claim is given back, so the link is not spent on an answer that was not recorded.
    """
    now = now or datetime.now(UTC)
    claim = secrets.token_urlsafe(12)
    taken = store.claim_answer_link(db, payload.nonce, claim=claim, now=now, expires=payload.expires)
    if not taken.fresh:
        raise LinkUsed(payload, taken.used_at)
    try:
        return introductions.respond(db, payload.introduction, member=payload.member, answer=payload.answer,
                                     today=now.date())
    except BaseException:
        store.release_answer_link(db, payload.nonce, claim=claim)
        raise
