"""The manager's data page (``/desk/data``): upload, preview (the API's dry run), confirm, result,
and every download, through a logged-in browser session against the real Neo4j."""

from __future__ import annotations

import html
import io
import json
import re
import time
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.settings import Settings
from graph_service.store.database import Database
from graph_service.web.desk_data import DOWNLOADS, PendingUploads
from tests.factories import MANAGER_KEY, small_document
from tests.test_web_sessions import OWN, loaded, login, token_of

__all__ = ["loaded"]  # the fixture, imported for the tests below

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def manager(loaded: TestClient) -> TestClient:
    return login(loaded.app, MANAGER_KEY)


def _upload(browser: TestClient, name: str, body: bytes, mode: str = "merge", tick: bool = False) -> object:
    data = {"csrf_token": token_of(browser, "/desk/data"), "mode": mode}
    if tick:
        data["replace_confirmed"] = "yes"
    return browser.post("/desk/data/preview", data=data, files={"file": (name, body, "application/octet-stream")},
                        headers={"Origin": OWN})


def _confirm(browser: TestClient, token: str, **extra: str) -> object:
    return browser.post("/desk/data/confirm", data={"csrf_token": token_of(browser, "/desk/data"), "upload": token,
                                                    **extra}, headers={"Origin": OWN}, follow_redirects=False)


def _token(page: str) -> str | None:
    found = re.search(r'name="upload" value="([\w-]+)"', page)
    return found.group(1) if found else None


def _errors(page: str) -> dict[str, str]:
    return {m.group(1): html.unescape(re.sub(r"\s+", " ", m.group(2)).strip())
            for m in re.finditer(r'<p class="error-message" id="([\w-]+)-error"><span class="visually-hidden">'
                                 r"Error:</span>(.*?)</p>", page, re.S)}


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_every_download_works_with_the_session_cookie(manager: TestClient) -> None:
    page = manager.get("/desk/data")
    assert page.status_code == 200 and "/viz/assets/data.css" in page.text
    hrefs = re.findall(r'<a href="([^"]+)" download>', page.text)
    assert hrefs == [d.href.replace("&", "&amp;") for d in DOWNLOADS]
    assert {h.rsplit("=", 1)[-1] for h in hrefs if "format=" in h} == {"json", "csv", "xlsx", "gexf", "graphml"}
    for href in hrefs:
        r = manager.get(href.replace("&amp;", "&"))
        assert r.status_code == 200, href
        assert r.headers["content-disposition"].startswith("attachment; filename="), href
        assert r.content, href


def test_a_workbook_merge_is_previewed_by_name_then_imported(manager: TestClient, loaded: TestClient) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(manager.get("/api/v1/export?format=xlsx").content))
    ws = workbook["members"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("id")].value == "m-003":
            row[header.index("city")].value = "Grevenmacher"
    ws.append(["m-005", "Nordstad Films", "company", "Film and audiovisual"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    r = _upload(manager, "cluster.xlsx", buffer.getvalue())
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    page = r.text  # type: ignore[attr-defined]
    text = _text(page)
    assert "What “cluster.xlsx” would change" in text and "merge" in text
    assert re.search(r"Members 1 1 3 0", text), text  # added, changed, unchanged, removed
    assert "Nordstad Films (m-005)" in text and "Sonic Moselle (m-003): city" in text
    assert "Atelier Weber ↔ Pixel Kayl (knows)" in text  # ties written whole, by name
    assert loaded.get("/api/v1/members/m-005").status_code == 404  # nothing written yet
    token = _token(page)
    assert token and token not in manager.cookies.values()

    done = _confirm(manager, token, confirm="yes")
    assert done.status_code == 303  # type: ignore[attr-defined]
    result = manager.get(done.headers["location"])  # type: ignore[attr-defined]
    assert result.status_code == 200 and "“cluster.xlsx” is imported" in result.text
    assert loaded.get("/api/v1/members/m-005").json()["name"] == "Nordstad Films"
    assert loaded.get("/api/v1/members/m-003").json()["city"] == "Grevenmacher"
    again = _confirm(manager, token, confirm="yes")  # used: not imported twice
    assert again.status_code == 409 and "no longer waiting" in again.text  # type: ignore[attr-defined]


def test_problems_are_placed_by_line_and_column_in_words(manager: TestClient, loaded: TestClient) -> None:
    body = "id,name,subsectors,joined\nm-010,Nord,design,01/02/2024\nm-011,,gamng,someday\n"
    r = _upload(manager, "members.csv", body.encode())
    assert r.status_code == 422  # type: ignore[attr-defined]
    text = _text(r.text)  # type: ignore[attr-defined]
    assert "The file cannot be imported as it is" in text
    assert "Line 3, column subsectors (item 1): unknown subsector 'gamng' (did you mean 'Gaming'?)" in text, text
    assert "Line 3, column name:" in text and "Line 3, column joined:" in text
    assert "Nord (m-010)" not in text  # no changes listed for a file that cannot be imported
    assert _token(r.text) is None  # type: ignore[attr-defined]  # nothing to confirm
    assert loaded.get("/api/v1/members/m-010").status_code == 404


def test_a_replace_needs_its_tick_and_names_what_it_removes(manager: TestClient, loaded: TestClient) -> None:
    doc = small_document()
    doc["members"] = [m for m in doc["members"] if m["id"] != "m-003"]
    doc["ties"] = [t for t in doc["ties"] if "m-003" not in (t["source"], t["target"])]
    doc["projects"][0]["team"] = ["m-002"]
    doc["introductions"] = []
    body = json.dumps(doc).encode()
    untick = _upload(manager, "cluster.json", body, mode="replace")
    assert untick.status_code == 422  # type: ignore[attr-defined]
    assert _errors(untick.text)["replace_confirmed"].startswith("Tick the box")  # type: ignore[attr-defined]
    no_mode = _upload(manager, "cluster.json", body, mode="")
    assert _errors(no_mode.text)["mode"].startswith("Choose merge")  # type: ignore[attr-defined]

    r = _upload(manager, "cluster.json", body, mode="replace", tick=True)
    assert r.status_code == 200  # type: ignore[attr-defined]
    text = _text(r.text)  # type: ignore[attr-defined]
    assert "A replace" in text and "Sonic Moselle (m-003)" in text and "Pixel Kayl ↔ Sonic Moselle (knows)" in text
    assert "i-001" in text  # the introduction it removes
    token = _token(r.text)  # type: ignore[attr-defined]
    assert token
    done = _confirm(manager, token, confirm="yes")
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert "replaced" in manager.get(done.headers["location"]).text  # type: ignore[attr-defined]
    assert loaded.get("/api/v1/members/m-003").status_code == 404


def test_an_upload_waits_only_for_its_own_session(manager: TestClient, loaded: TestClient) -> None:
    r = _upload(manager, "cluster.json", json.dumps(small_document()).encode())
    token = _token(r.text)  # type: ignore[attr-defined]
    assert token
    other = login(loaded.app, MANAGER_KEY)  # the manager, in another browser
    assert _confirm(other, token, confirm="yes").status_code == 409  # type: ignore[attr-defined]
    for forged in ("../../etc/passwd", "x" * 32, ""):
        assert _confirm(manager, forged, confirm="yes").status_code == 409  # type: ignore[attr-defined]
    cancelled = _confirm(manager, token, cancel="yes")
    assert cancelled.status_code == 303  # type: ignore[attr-defined]
    assert _confirm(manager, token, confirm="yes").status_code == 409  # type: ignore[attr-defined]


def test_uploads_expire_and_are_kept_private(tmp_path: Path) -> None:
    uploads = PendingUploads(tmp_path / "uploads", ttl_s=60)
    owner = PendingUploads.owner_of("session:secret")
    token = uploads.save(b"{}", filename="a.json", kind="json", replace=False, owner=owner)
    body = tmp_path / "uploads" / f"{token}.upload"
    assert body.stat().st_mode & 0o777 == 0o600
    assert uploads.get(token, owner) is not None and uploads.get(token, PendingUploads.owner_of("other")) is None
    old = time.time() - 120
    import os

    meta = json.loads((tmp_path / "uploads" / f"{token}.json").read_text())
    (tmp_path / "uploads" / f"{token}.json").write_text(json.dumps({**meta, "created": old}))
    assert uploads.get(token, owner) is None and not body.exists()  # expired: deleted
    stale = uploads.save(b"{}", filename="b.json", kind="json", replace=False, owner=owner)
    for path in (tmp_path / "uploads").glob(f"{stale}.*"):
        os.utime(path, (old, old))
    assert uploads.purge() == 2


def test_wrong_files_are_refused_beside_the_field(manager: TestClient, settings: Settings, db: Database) -> None:
    assert _errors(_upload(manager, "old.xls", b"\xd0\xcf\x11\xe0").text)["file"].startswith(  # type: ignore[attr-defined]
        "An .xls workbook")
    assert "is not a file the import reads" in _errors(_upload(manager, "notes.txt", b"x").text)["file"]  # type: ignore[attr-defined]
    assert "is empty" in _errors(_upload(manager, "empty.csv", b"").text)["file"]  # type: ignore[attr-defined]
    broken = _upload(manager, "broken.xlsx", b"not a zip")
    assert broken.status_code == 422 and "Not a readable .xlsx workbook" in broken.text  # type: ignore[attr-defined]
    small = create_app(settings.model_copy(update={"max_import_bytes": 2048}), db)
    with TestClient(small):
        browser = login(small, MANAGER_KEY)
        r = _upload(browser, "big.csv", b"id,name\n" + b"m-1,x\n" * 1000)
        assert r.status_code == 422 and "larger than the import accepts" in r.text  # type: ignore[attr-defined]
