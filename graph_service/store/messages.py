"""The mailed introductions' records: when each side of an introduction was mailed, and which
answer links have been used.

Neither names a member: a mail record holds the introduction's id and the side (``a`` or ``b``),
a used link only its random nonce, so an erasure leaves nothing personal behind here. Both are
the desk's working state, not cluster data: backups leave them out
(:data:`graph_service.services.backup.NOT_BACKED_UP`), and clearing the cluster's data removes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from graph_service.store.database import Database, Tx

__all__ = ["MailSent", "LinkClaim", "record_mail_sent", "mail_sent", "claim_answer_link",
           "release_answer_link", "answer_link_used_at"]

Side = Literal["a", "b"]


@dataclass(frozen=True, slots=True)
class MailSent:
    """One side of an introduction was last mailed at ``sent_at``."""

    introduction: str
    side: Side
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class LinkClaim:
    """The outcome of claiming an answer link: ``fresh`` when this claim is the first (the link
    was unused), else the link had been used at ``used_at``."""

    fresh: bool
    used_at: datetime


def record_mail_sent(db: Database, sent: Sequence[MailSent]) -> None:
    """Record these mails (one write; a side mailed again keeps only its latest time)."""
    rows = [{"introduction": s.introduction, "side": s.side, "sent_at": s.sent_at} for s in sent]
    if rows:
        db.write(lambda tx: tx.run("messages/record_mail_sent", rows=rows), bump=False)


def mail_sent(db: Database, introductions: Sequence[str] | None = None) -> list[MailSent]:
    """The mail records of these introductions (all when None), by introduction and side."""
    ids = list(introductions) if introductions is not None else None
    rows = db.read(lambda tx: tx.rows("messages/get_mail_sent", ids=ids))
    return [MailSent(r["introduction"], r["side"], _native(r["sent_at"])) for r in rows]


def claim_answer_link(db: Database, nonce: str, *, claim: str, now: datetime, expires: datetime) -> LinkClaim:
    """Use the link ``nonce`` once, in one write transaction: the first claim (identified by the
    random ``claim``) records it, any later claim is told when it was used. Concurrent claims
    are serialised by the uniqueness constraint on the nonce, so exactly one is fresh."""

    def work(tx: Tx) -> LinkClaim:
        row = tx.one("messages/claim_answer_link", nonce=nonce, claim=claim, now=now, expires=expires)
        assert row is not None  # MERGE always returns its row
        return LinkClaim(bool(row["fresh"]), _native(row["used_at"]))

    return db.write(work, bump=False)


def release_answer_link(db: Database, nonce: str, *, claim: str) -> None:
    """Give back the link ``nonce`` claimed by ``claim`` (its answer could not be recorded)."""
    db.write(lambda tx: tx.run("messages/release_answer_link", nonce=nonce, claim=claim), bump=False)


def answer_link_used_at(db: Database, nonce: str) -> datetime | None:
    """When the link ``nonce`` was used, or None when it has not been."""
    row = db.read(lambda tx: tx.one("messages/get_answer_link", nonce=nonce))
    return _native(row["used_at"]) if row else None


def _native(value: object) -> datetime:
    """A driver DateTime (or a datetime) as a Python datetime."""
    to_native = getattr(value, "to_native", None)
    result = to_native() if callable(to_native) else value
    assert isinstance(result, datetime)
    return result
