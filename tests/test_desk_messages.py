"""The manager's messages page and the mailed double opt-in, against the real Neo4j and a real
SMTP server on 127.0.0.1 (aiosmtpd, tests/smtp.py): the messages by name, mail sent and recorded,
the one-click links (a GET never answers; the POST from the confirmation page does, once),
expiry, tampering, another site's form, an unreachable server; and the members' mail address
(seen only by the manager and the member)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.services import answer_links
from graph_service.services.answer_links import LinkPayload
from graph_service.services.introductions import propose
from graph_service.settings import Settings
from graph_service.store import introductions as introduction_store
from graph_service.store import messages as message_store
from graph_service.store.database import Database
from tests.factories import MANAGER_KEY, small_document
from tests.smtp import SmtpServer, closed_port, html_of, smtp_server, text_of
from tests.smtp import answer_links as links_of
from tests.test_web_sessions import OWN, login

PIXEL = "pixel@kayl.example.lu"
HUB = "hello@1535.example.lu"
HUB_NAME = "1535 Hub <Design & Co>"  # escaped everywhere it is shown


def _document() -> dict[str, Any]:
    doc = small_document()
    for m in doc["members"]:
        if m["id"] == "m-002":
            m["email"] = PIXEL
        if m["id"] == "m-004":
            m["email"] = HUB
            m["name"] = HUB_NAME
    return doc


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


def _app(db: Database, settings: Settings) -> Any:
    return create_app(settings, db)


@pytest.fixture
def cluster(client: TestClient, db: Database) -> Database:
    """The small cluster with mail addresses, and two proposed introductions: Pixel Kayl and the
    hub (both with an address), Atelier Weber (none) and the organisation."""
    r = client.post("/api/v1/import", json=_document())
    assert r.status_code == 200, r.text
    propose(db, a="m-002", b="m-004", ident="i-101")
    propose(db, a="m-001", b="o-01", ident="i-102")
    return db


def _manager(db: Database, settings: Settings) -> TestClient:
    return login(_app(db, settings), MANAGER_KEY)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no anti-forgery field on the page"
    return found.group(1)


def _send(browser: TestClient, **form: str) -> Any:
    page = browser.get("/desk/messages").text
    return browser.post("/desk/messages/send", data={"csrf_token": _csrf(page), **form},
                        headers={"Origin": OWN}, follow_redirects=False)


def _path(link: str) -> str:
    return urlsplit(link).path


def _row(db: Database, ident: str = "i-101") -> Any:
    return introduction_store.get_introduction(db, ident)


def _form_token(page: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found, "no form token on the confirmation page"
    return found.group(1)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# -- the page --------------------------------------------------------------------------------------


def test_the_page_has_a_ready_message_per_side_by_name(cluster: Database, settings: Settings) -> None:
    browser = _manager(cluster, settings)
    r = browser.get("/desk/messages")
    assert r.status_code == 200, r.text
    page = r.text
    text = _text(page)
    # Both sides of both introductions, by name; the ids only as a detail.
    assert "Dear Pixel Kayl," in text
    assert f"Dear {HUB_NAME}," in text
    assert f"I would like to introduce you to {HUB_NAME} (Design, Differdange) because:" in text
    assert "I would like to introduce you to Pixel Kayl (Gaming, Esch-sur-Alzette) because:" in text
    # The reasons are the recommender's, said to each side: Pixel and the hub both know Atelier Weber.
    assert "You both know Atelier Weber." in text
    assert "Dear Moselle Mobility Systems," in text
    # User text is escaped, never markup.
    assert "1535 Hub &lt;Design &amp; Co&gt;" in page and "<Design & Co>" not in page
    # One copy button per message, pointing at its block.
    for block in ("msg-i-101-a", "msg-i-101-b", "msg-i-102-a", "msg-i-102-b"):
        assert f'id="{block}"' in page and f'data-copy="{block}"' in page
    # Without SMTP: no sending, and the page says how to set it up.
    assert "Sending by mail is not set up" in text and "GRAPH_SERVICE_SMTP_HOST" in text
    assert "/desk/messages/send" not in page
    # Who cannot be mailed says so plainly.
    assert "Atelier Weber has no mail address." in text
    assert "Moselle Mobility Systems is an organisation of another cluster" in text
    # Only the manager: a member is refused, a browser without login goes to the login page.
    assert TestClient(browser.app).get("/desk/messages", follow_redirects=False).status_code == 303


def test_only_proposed_introductions_have_messages(cluster: Database, settings: Settings) -> None:
    browser = _manager(cluster, settings)
    text = _text(browser.get("/desk/messages").text)
    assert "Sonic Moselle" not in text  # i-001 (met) is not waiting for answers


# -- sending and answering -------------------------------------------------------------------------


def test_mailed_links_answer_once_and_make_the_introduction(
        cluster: Database, settings: Settings, smtp: SmtpServer) -> None:
    browser = _manager(cluster, smtp.settings(settings))
    page = browser.get("/desk/messages").text
    assert f"Mail goes through {smtp.host}:{smtp.port}" in _text(page)
    assert "Send all not yet sent (2 messages)" in _text(page)  # Pixel and the hub; not i-102

    r = _send(browser, introduction="i-101")
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/desk/messages?sent=2#intro-i-101"
    received = {tuple(m.rcpt_tos): m for m in smtp.wait_for(2)}
    assert set(received) == {(PIXEL,), (HUB,)}
    to_pixel = received[(PIXEL,)].message
    assert to_pixel["To"].addresses[0].display_name == "Pixel Kayl"
    assert to_pixel["From"].addresses[0].addr_spec == "manager@cluster.example.lu"
    assert to_pixel["Subject"] == f"Introduction: {HUB_NAME}"
    body = text_of(to_pixel)
    assert body.startswith("Dear Pixel Kayl,")
    assert "You both know Atelier Weber." in body
    html = html_of(to_pixel)
    assert "1535 Hub &lt;Design &amp; Co&gt;" in html and "<Design & Co>" not in html
    accept, decline = links_of(to_pixel)
    assert accept.startswith("http://testserver/answer/") and accept != decline
    assert accept in html.replace("&amp;", "&")

    # The page shows when each side was mailed, and their answers.
    text = _text(browser.get("/desk/messages?sent=2").text)
    assert "Mailed 2 messages." in text
    assert f"to {PIXEL}" in text and f"to {HUB}" in text and "not answered yet" in text
    assert {(s.introduction, s.side) for s in message_store.mail_sent(cluster)} == {("i-101", "a"), ("i-101", "b")}

    # The member, with no login at all: a GET shows the confirmation and answers nothing.
    member = TestClient(browser.app)
    confirm = member.get(_path(accept))
    assert confirm.status_code == 200
    assert "Meet 1535 Hub &lt;Design &amp; Co&gt;?" in confirm.text and "Dear Pixel Kayl" in confirm.text
    assert confirm.headers["cache-control"] == "no-store"
    assert _row(cluster)["a_response"] == "pending"
    assert message_store.answer_link_used_at(cluster, answer_links.read_token(
        answer_links.link_key(settings.home), _path(accept).rsplit("/", 1)[1]).nonce) is None
    # The POST without the page's form token answers nothing either.
    r = member.post(_path(accept), data={}, headers={"Origin": OWN})
    assert r.status_code == 400 and "Your answer was not recorded" in r.text
    assert _row(cluster)["a_response"] == "pending"
    # The POST from the page answers.
    r = member.post(_path(accept), data={"form_token": _form_token(confirm.text)}, headers={"Origin": OWN},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == _path(accept) + "?done=1"
    done = member.get(r.headers["location"])
    assert "Thank you, Pixel Kayl" in done.text and "you accepted" in _text(done.text)
    row = _row(cluster)
    assert (row["status"], row["a_response"], row["b_response"]) == ("proposed", "accepted", "pending")

    # Single use: the same link again, and the decline link of the same mail, say so kindly.
    again = member.post(_path(accept), data={"form_token": _form_token(confirm.text)}, headers={"Origin": OWN})
    assert again.status_code == 200 and "This link has already been used" in again.text
    twin = member.get(_path(decline))
    assert "This link has already been used" in twin.text and "you accepted" in _text(twin.text)
    assert _row(cluster)["a_response"] == "accepted"

    # The hub accepts too (a mail client that sends no Origin at all): the introduction is made.
    hub_accept, _ = links_of(received[(HUB,)].message)
    hub_page = member.get(_path(hub_accept))
    r = member.post(_path(hub_accept), data={"form_token": _form_token(hub_page.text)})
    assert r.status_code == 200 and "You both accepted" in r.text  # followed the 303 to ?done=1
    row = _row(cluster)
    assert (row["status"], row["a_response"], row["b_response"]) == ("accepted", "accepted", "accepted")
    # An accepted introduction has no message any more.
    assert "i-101" not in browser.get("/desk/messages").text


def test_a_decline_link_closes_the_introduction(cluster: Database, settings: Settings, smtp: SmtpServer) -> None:
    browser = _manager(cluster, smtp.settings(settings))
    assert _send(browser, all="1").status_code == 303
    to_hub = next(m.message for m in smtp.wait_for(2) if m.rcpt_tos == (HUB,))
    _, decline = links_of(to_hub)
    member = TestClient(browser.app)
    page = member.get(_path(decline))
    assert "Decline the introduction to Pixel Kayl?" in page.text
    r = member.post(_path(decline), data={"form_token": _form_token(page.text)}, headers={"Origin": OWN})
    assert r.status_code == 200 and "you declined" in _text(r.text)
    row = _row(cluster)
    assert (row["status"], row["b_response"]) == ("declined", "declined")
    # Pixel's link now finds the introduction closed, and records nothing.
    accept, _ = links_of(next(m.message for m in smtp.messages if m.rcpt_tos == (PIXEL,)))
    closed = member.get(_path(accept))
    assert "This introduction is closed" in closed.text and "answer-form" not in closed.text
    r = member.post(_path(accept), data={"form_token": _form_token(page.text)}, headers={"Origin": OWN})
    assert _row(cluster)["a_response"] == "pending"


def test_send_all_sends_each_side_once(cluster: Database, settings: Settings, smtp: SmtpServer) -> None:
    browser = _manager(cluster, smtp.settings(settings))
    r = _send(browser, all="1")
    assert r.status_code == 303 and r.headers["location"] == "/desk/messages?sent=2"
    assert len(smtp.wait_for(2)) == 2
    page = browser.get("/desk/messages").text
    assert "Send all not yet sent" not in page and "Every member who can be mailed has been mailed." in _text(page)
    # Asked again anyway: nothing more goes out.
    r = browser.post("/desk/messages/send", data={"csrf_token": _csrf(page), "all": "1"}, headers={"Origin": OWN},
                     follow_redirects=False)
    assert r.headers["location"] == "/desk/messages?sent=0"
    assert len(smtp.messages) == 2
    # "Send again" on one introduction mails its sides again, with new links.
    assert "Send again by mail (new links)" in page
    assert _send(browser, introduction="i-101").status_code == 303
    assert len(smtp.wait_for(4)) == 4
    # The introduction with nobody to mail has no send button, and asking for it says why.
    r = _send(browser, introduction="i-102")
    assert r.status_code == 200 and "nobody to mail" in _text(r.text)


def test_an_unreachable_mail_server_is_named_and_nothing_is_recorded(cluster: Database, settings: Settings) -> None:
    port = closed_port()
    browser = _manager(cluster, settings.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
        "smtp_from": "manager@cluster.example.lu"}))
    r = _send(browser, all="1")
    assert r.status_code == 502
    text = _text(r.text)
    assert "Nothing was sent" in text and f"The mail server 127.0.0.1:{port} cannot be reached" in text
    assert message_store.mail_sent(cluster) == []
    assert "Not mailed yet" in text


# -- the links themselves --------------------------------------------------------------------------


def _token(settings: Settings, *, member: str = "m-002", answer: str = "accept", expires: datetime | None = None,
           nonce: str | None = None) -> str:
    key = answer_links.link_key(settings.home)
    payload = LinkPayload("i-101", member, answer, expires or datetime.now(UTC) + timedelta(days=1),  # type: ignore[arg-type]
                          nonce or answer_links.new_nonce())
    return answer_links.make_token(key, payload)


def test_an_expired_link_says_so_and_records_nothing(cluster: Database, settings: Settings) -> None:
    member = TestClient(_app(cluster, settings))
    token = _token(settings, expires=datetime.now(UTC) - timedelta(minutes=1))
    r = member.get(f"/answer/{token}")
    assert r.status_code == 410 and "This link has expired" in r.text and "answer-form" not in r.text
    r = member.post(f"/answer/{token}", data={"form_token": answer_links.form_token(
        answer_links.link_key(settings.home), token)}, headers={"Origin": OWN})
    assert r.status_code == 410
    assert _row(cluster)["a_response"] == "pending"


def test_a_changed_link_does_not_work(cluster: Database, settings: Settings) -> None:
    member = TestClient(_app(cluster, settings))
    key = answer_links.link_key(settings.home)
    good = _token(settings)
    body, signature = good.split(".")
    # Another member or answer in the payload, with the old signature; a signature cut short; a foreign key.
    forged_body = answer_links.make_token(key, LinkPayload("i-101", "m-004", "decline", datetime.now(UTC)
                                                           + timedelta(days=1), "n")).split(".")[0]
    foreign = answer_links.make_token(b"another service's key", answer_links.read_token(key, good))
    changed = (f"{forged_body}.{signature}", f"{body}.{signature[:-4]}", foreign, "nonsense", f"{body}x.{signature}")
    for token in changed:
        r = member.get(f"/answer/{token}")
        assert r.status_code == 400 and "This link does not work" in r.text, token
        r = member.post(f"/answer/{token}", data={"form_token": answer_links.form_token(key, token)},
                        headers={"Origin": OWN})
        assert r.status_code == 400, token
    row = _row(cluster)
    assert (row["a_response"], row["b_response"], row["status"]) == ("pending", "pending", "proposed")
    # A link for someone who is not a side of the introduction does not work either.
    r = member.get(f"/answer/{_token(settings, member='m-003')}")
    assert r.status_code == 400


def test_another_sites_form_cannot_answer(cluster: Database, settings: Settings) -> None:
    member = TestClient(_app(cluster, settings))
    token = _token(settings)
    form = {"form_token": answer_links.form_token(answer_links.link_key(settings.home), token)}
    r = member.post(f"/answer/{token}", data=form, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert _row(cluster)["a_response"] == "pending"
    # The same form from the service's own page is fine.
    r = member.post(f"/answer/{token}", data=form, headers={"Origin": OWN}, follow_redirects=False)
    assert r.status_code == 303
    assert _row(cluster)["a_response"] == "accepted"


def test_a_link_refused_by_the_rules_is_not_spent(cluster: Database, settings: Settings, client: TestClient) -> None:
    """The introduction closed by the manager: the answer is refused (the introductions' rules) and
    the link's nonce is given back, not recorded as used."""
    member = TestClient(_app(cluster, settings))
    nonce = answer_links.new_nonce()
    token = _token(settings, nonce=nonce)
    r = client.patch("/api/v1/introductions/i-101", json={"status": "declined"})
    assert r.status_code == 200, r.text
    form = {"form_token": answer_links.form_token(answer_links.link_key(settings.home), token)}
    r = member.post(f"/answer/{token}", data=form, headers={"Origin": OWN})
    assert r.status_code == 409 and "This introduction is closed" in r.text
    assert message_store.answer_link_used_at(cluster, nonce) is None


def test_a_link_is_claimed_once_in_neo4j(cluster: Database) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    later = now + timedelta(days=1)
    first = message_store.claim_answer_link(cluster, "n-1", claim="one", now=now, expires=later)
    second = message_store.claim_answer_link(cluster, "n-1", claim="two", now=now + timedelta(seconds=5),
                                             expires=later)
    assert first.fresh and not second.fresh and second.used_at == now
    # Expired records are swept by the next claim.
    message_store.claim_answer_link(cluster, "n-2", claim="x", now=later + timedelta(seconds=1), expires=later)
    assert message_store.answer_link_used_at(cluster, "n-1") is None


# -- the mail address --------------------------------------------------------------------------------


def test_the_mail_address_is_for_the_manager_and_the_member_only(
        cluster: Database, client: TestClient, member_client: Any, app_client: TestClient) -> None:
    assert client.get("/api/v1/members/m-002").json()["email"] == PIXEL
    assert member_client("m-002").get("/api/v1/members/m-002").json()["email"] == PIXEL
    # Another member sees Pixel (visibility "members") but not the address; a client sees the hub but not its.
    assert member_client("m-004").get("/api/v1/members/m-002").json().get("email") is None
    listed = {m["id"]: m for m in member_client("m-004").get("/api/v1/members").json()["items"]}
    assert listed["m-002"].get("email") is None and listed["m-004"]["email"] == HUB
    assert app_client.get("/api/v1/members/m-004").json().get("email") is None
    # The member's own export has it (GDPR); another member's export of the cluster does not.
    assert member_client("m-002").get("/api/v1/members/m-002/export").json()["member"]["email"] == PIXEL
    theirs = member_client("m-004").get("/api/v1/export?format=csv")
    assert theirs.status_code == 200 and "Pixel Kayl" in theirs.text and PIXEL not in theirs.text
    # The manager's exports carry it; the member may change their own.
    assert {m["id"]: m.get("email") for m in client.get("/api/v1/export").json()["members"]}["m-004"] == HUB
    assert PIXEL in client.get("/api/v1/export?format=csv").text
    r = member_client("m-002").patch("/api/v1/members/m-002", json={"email": "new@kayl.example.lu"})
    assert r.status_code == 200 and r.json()["email"] == "new@kayl.example.lu"
    r = client.patch("/api/v1/members/m-002", json={"email": "not an address"})
    assert r.status_code == 422


def test_the_mail_address_imports_from_a_spreadsheet(client: TestClient, db: Database) -> None:
    assert client.post("/api/v1/import", json=small_document()).status_code == 200
    body = "id,email\nm-003,contact@sonic.example.lu\n"
    r = client.post("/api/v1/import", content=body.encode(), headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/members/m-003").json()["email"] == "contact@sonic.example.lu"
    assert "contact@sonic.example.lu" in client.get("/api/v1/export?format=csv").text

