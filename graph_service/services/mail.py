"""Sending mail: the SMTP settings, one message composed (plain text with a simple HTML
alternative), and a batch sent over one connection with the standard library's :mod:`smtplib`.

Settings (``graph_service/settings.py``): ``GRAPH_SERVICE_SMTP_HOST``, ``_PORT`` (587),
``_USER``, ``_PASSWORD``, ``_FROM``, ``_STARTTLS`` (true), ``_TIMEOUT`` (15 s). Mail is sent only
when a host and a sender are set (:attr:`Settings.smtp_configured`). A password is never sent
over a connection that is not encrypted, except to the machine itself (``localhost``).

Failures are said in words a manager can act on, naming the server (``host:port``):
:class:`MailUnavailable` when nothing could be sent at all (the server cannot be reached, refuses
the login or the TLS upgrade), and, per message, the reason a server refused a recipient.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from markupsafe import Markup, escape

from graph_service.settings import Settings

__all__ = ["Mail", "MailUnavailable", "SendResult", "compose", "html_paragraphs", "send_mails", "server_name"]

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True, slots=True)
class Mail:
    """One message to send: to whom, its subject, its plain text and its HTML (already escaped)."""

    to_name: str
    to_address: str
    subject: str
    text: str
    html: Markup
    key: str = ""  # the caller's name for it, given back in the result


@dataclass(slots=True)
class SendResult:
    """What a batch did: the keys of the messages accepted by the server (with when), and the
    others with the server's reason."""

    sent: dict[str, datetime] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


class MailUnavailable(RuntimeError):
    """Nothing could be sent: the message says what went wrong with which server."""


def server_name(settings: Settings) -> str:
    return f"{settings.smtp_host}:{settings.smtp_port}"


def html_paragraphs(text: str) -> Markup:
    """Plain text as HTML paragraphs (blank lines), each line escaped; lines starting with "- "
    become a list."""
    out: list[Markup] = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        if all(line.startswith("- ") for line in lines):
            items = Markup("").join(Markup("<li>{}</li>").format(line[2:]) for line in lines)
            out.append(Markup("<ul>{}</ul>").format(items))
        else:
            out.append(Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in lines)))
    return Markup("\n").join(out)


def compose(settings: Settings, mail: Mail) -> EmailMessage:
    """The message as it is sent: From the configured sender, To the member by name, the plain
    text first and the HTML as its alternative."""
    message = EmailMessage()
    sender_name, sender_address = parseaddr(settings.smtp_from or "")
    message["From"] = Address(display_name=sender_name, addr_spec=sender_address or (settings.smtp_from or ""))
    message["To"] = Address(display_name=mail.to_name, addr_spec=mail.to_address)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    domain = sender_address.rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(mail.text)
    page = Markup('<!doctype html><html><body style="font-family: sans-serif; line-height: 1.45; '
                  'max-width: 40em;">{}</body></html>').format(mail.html)
    message.add_alternative(str(page), subtype="html")
    return message


def _connect(settings: Settings) -> smtplib.SMTP:
    where = server_name(settings)
    host = settings.smtp_host or ""
    try:
        smtp = smtplib.SMTP(host, settings.smtp_port, timeout=settings.smtp_timeout_s)
    except (OSError, smtplib.SMTPException) as exc:
        reason = "no answer in time" if isinstance(exc, socket.timeout) else str(exc) or type(exc).__name__
        raise MailUnavailable(f"The mail server {where} cannot be reached ({reason}); nothing was sent. "
                              "Check GRAPH_SERVICE_SMTP_HOST and GRAPH_SERVICE_SMTP_PORT.") from None
    try:
        smtp.ehlo()
        if settings.smtp_starttls:
            if not smtp.has_extn("starttls"):
                raise MailUnavailable(f"The mail server {where} does not offer STARTTLS; nothing was sent. "
                                      "Use a server that encrypts, or set GRAPH_SERVICE_SMTP_STARTTLS=false "
                                      "for a server on this machine.")
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.smtp_user:
            if not settings.smtp_starttls and host.lower() not in _LOOPBACK:
                raise MailUnavailable(f"Refusing to send the SMTP password to {where} unencrypted; nothing was "
                                      "sent. Set GRAPH_SERVICE_SMTP_STARTTLS=true.")
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
    except MailUnavailable:
        smtp.close()
        raise
    except smtplib.SMTPAuthenticationError:
        smtp.close()
        raise MailUnavailable(f"The mail server {where} refused the login of '{settings.smtp_user}'; nothing "
                              "was sent. Check GRAPH_SERVICE_SMTP_USER and GRAPH_SERVICE_SMTP_PASSWORD.") from None
    except (OSError, smtplib.SMTPException) as exc:
        smtp.close()
        raise MailUnavailable(f"The mail server {where} failed before anything was sent ({exc}); "
                              "nothing was sent.") from None
    return smtp


def send_mails(settings: Settings, mails: Sequence[Mail]) -> SendResult:
    """Send ``mails`` over one connection; which were accepted (by key) and which refused.

    :class:`MailUnavailable` when none could be sent because the server cannot be reached or
    refuses the connection. A server that fails half-way leaves the rest refused, with its reason.
    """
    if not settings.smtp_configured:
        raise MailUnavailable("Sending mail is not set up: set GRAPH_SERVICE_SMTP_HOST and GRAPH_SERVICE_SMTP_FROM.")
    result = SendResult()
    if not mails:
        return result
    smtp = _connect(settings)
    broken: str | None = None
    try:
        for mail in mails:
            if broken is not None:
                result.refused[mail.key] = broken
                continue
            try:
                smtp.send_message(compose(settings, mail))
                result.sent[mail.key] = datetime.now(UTC)
            except smtplib.SMTPRecipientsRefused as exc:
                codes = "; ".join(f"{code} {msg.decode(errors='replace')}" for code, msg in exc.recipients.values())
                result.refused[mail.key] = f"the mail server refused the address {mail.to_address} ({codes})"
            except smtplib.SMTPResponseException as exc:
                error = exc.smtp_error
                said = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
                result.refused[mail.key] = f"the mail server refused the message ({exc.smtp_code} {said})"
            except (OSError, smtplib.SMTPException) as exc:
                broken = f"the connection to the mail server {server_name(settings)} broke ({exc})"
                result.refused[mail.key] = broken
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return result
