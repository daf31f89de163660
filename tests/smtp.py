"""A real SMTP server on 127.0.0.1 for the tests of mailed introductions: aiosmtpd's
:class:`~aiosmtpd.controller.Controller` on a free port, keeping every message it receives.

    with smtp_server() as server:
        settings = server.settings(settings)        # the service's settings, pointed at it
        ...                                         # the service sends mail
        message = server.wait_for(1)[0]            # an email.message.EmailMessage
        accept, decline = answer_links(message)

Nothing is mocked: the service speaks SMTP over TCP to this server, which parses what it gets.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from graph_service.settings import Settings

__all__ = ["Received", "SmtpServer", "answer_links", "closed_port", "smtp_server", "text_of", "html_of"]


@dataclass(frozen=True, slots=True)
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage


class _Inbox:
    """The aiosmtpd handler: accepts every message and keeps it."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def closed_port() -> int:
    """A port of 127.0.0.1 where nothing listens (a mail server that cannot be reached)."""
    return _free_port()


@dataclass
class SmtpServer:
    host: str
    port: int
    inbox: _Inbox = field(repr=False)

    @property
    def messages(self) -> list[Received]:
        with self.inbox.lock:
            return list(self.inbox.received)

    def settings(self, base: Settings, **changes: Any) -> Settings:
        """``base`` with mail sent to this server (no TLS, no login: it is on this machine)."""
        return base.model_copy(update={"smtp_host": self.host, "smtp_port": self.port, "smtp_starttls": False,
                                       "smtp_from": "Cluster manager <manager@cluster.example.lu>", **changes})

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The messages, once there are at least ``count`` (the server parses them in its thread)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} messages, the server got {len(self.messages)}")
            time.sleep(0.02)
        return self.messages

    def clear(self) -> None:
        with self.inbox.lock:
            self.inbox.received.clear()


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on 127.0.0.1, stopped afterwards."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, inbox)
    finally:
        controller.stop()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the message has no plain-text part"
    return str(part.get_content())  # type: ignore[attr-defined]  # an EmailMessage part under the default policy


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None, "the message has no HTML part"
    return str(part.get_content())  # type: ignore[attr-defined]  # an EmailMessage part under the default policy


def answer_links(message: EmailMessage) -> tuple[str, str]:
    """The (accept, decline) links of a mailed introduction, from its plain text."""
    text = text_of(message)
    accept = re.search(r"Yes, introduce us: (\S+)", text)
    decline = re.search(r"No, thank you: (\S+)", text)
    assert accept and decline, f"no answer links in:\n{text}"
    return accept.group(1), decline.group(1)
