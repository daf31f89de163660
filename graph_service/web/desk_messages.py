"""The manager's messages page (``/desk/messages``) and the members' answer pages
(``/answer/<token>``): the HTML only; the messages, the mail and the links are
:mod:`graph_service.services.messages`, :mod:`graph_service.services.mail` and
:mod:`graph_service.services.answer_links`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from graph_service.services.messages import IntroductionMessages, SendReport
from graph_service.web.pages import nav_links, render_template

__all__ = ["AnswerPage", "AnswerState", "messages_html", "answer_html"]


def messages_html(intros: Sequence[IntroductionMessages], *, smtp: str | None, sender: str | None,
                  report: SendReport | None = None, sent: int | None = None) -> str:
    """The messages page: each proposed introduction with its two messages; ``smtp`` the mail
    server (``host:port``) when mail is set up; ``report`` what a send just did; ``sent`` how many
    were mailed by the send that led here."""
    unsent = sum(len(i.unsent) for i in intros)
    return render_template("desk_messages.html.j2", inline=False, nav=nav_links("manager"), intros=intros,
                           smtp=smtp, sender=sender, report=report, sent=sent, unsent=unsent)


AnswerState = Literal["confirm", "done", "used", "closed", "expired", "invalid", "gone"]


@dataclass(frozen=True, slots=True)
class AnswerPage:
    """What an answer page says: its ``state``, the member and the other side by name, the link's
    answer, and for a confirmation its form's action and token."""

    state: AnswerState
    name: str | None = None
    other: str | None = None
    answer: str | None = None  # accept or decline: what the link says
    recorded: str | None = None  # this member's answer as recorded: pending, accepted or declined
    other_answer: str | None = None
    status: str | None = None  # the introduction's status
    expires: datetime | None = None
    used: datetime | None = None
    action: str | None = None
    form_token: str | None = None
    error: str | None = None


def answer_html(page: AnswerPage) -> str:
    """An answer page; no menu and no login (the link is the member's proof)."""
    return render_template("answer.html.j2", inline=False, nav=None, page=page)
