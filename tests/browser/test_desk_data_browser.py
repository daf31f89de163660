"""The manager's data, members and keys pages in headless Chromium: upload a workbook, see the
preview, confirm, see the change; every download; add and edit a member; create a key, see it
once, revoke it. Screenshots ``data-*`` and ``members-*`` in test-artifacts/browser/ (the docs'
docs/workspace/img/ copies come from them).

The live server's graph is shared by every browser test: these tests only add (one member by the
workbook, one by the form, keys), never replace."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.browser.axe import audit
from tests.browser.conftest import LiveServer, Tab
from tests.factories import MANAGER_KEY

DOWNLOADS = ("json", "csv", "xlsx", "gexf", "graphml")


@pytest.fixture
def manager_tab(open_tab: Any) -> Tab:
    """The manager, in a browser context of their own that accepts downloads."""
    tab: Tab = open_tab(MANAGER_KEY, "/desk/data")
    return tab


def _expected_422(tab: Tab) -> None:
    """Forms sent back with their mistakes answer 422, which Chromium logs; nothing else went wrong."""
    unexpected = [e for e in tab.errors if "status of 422" not in e]
    assert not unexpected, unexpected
    tab.errors.clear()


def _serious(page: Any) -> list[str]:
    return [f"{v['id']}: {v['help']} {[n.get('target') for n in v.get('nodes', [])][:5]}"
            for v in audit(page) if v.get("impact") in ("serious", "critical")]


def test_upload_a_workbook_preview_confirm_and_see_it(live_server: LiveServer, manager_tab: Tab,
                                                     tmp_path: Path) -> None:
    page = manager_tab.page
    page.goto(f"{live_server.url}/desk/data")
    assert page.locator("h1").inner_text() == "Data"
    manager_tab.screenshot("data-upload", full_page=True)

    # The export, with one new member added as a person would in Excel.
    with page.expect_download() as info:
        page.click("a[href='/api/v1/export?format=xlsx']")
    workbook_path = tmp_path / "cluster.xlsx"
    info.value.save_as(workbook_path)
    workbook = openpyxl.load_workbook(workbook_path)
    workbook["members"].append(["m-901", "Studio Alzette Browser", "Company", "Design;Gaming"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    edited = tmp_path / "cluster-edited.xlsx"
    edited.write_bytes(buffer.getvalue())

    # Replace without its tick: the error beside the field.
    page.set_input_files("#file", str(edited))
    page.check("input[name=mode][value=replace]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Tick the box" in page.locator("#replace_confirmed-error").inner_text()

    page.set_input_files("#file", str(edited))
    page.check("input[name=mode][value=merge]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "would change" in page.locator("h1").inner_text()
    body = page.locator("main").inner_text()
    assert "Studio Alzette Browser (m-901)" in body and "Nothing has been written yet" in body
    manager_tab.screenshot("data-preview", full_page=True)
    assert not _serious(page)

    page.click("button[name=confirm]")
    page.wait_for_load_state()
    assert "is imported" in page.locator("h1").inner_text()
    manager_tab.screenshot("data-result", full_page=True)
    assert not _serious(page)

    page.goto(f"{live_server.url}/desk/members?q=Alzette+Browser")
    assert "Studio Alzette Browser" in page.locator("table.members-list").inner_text()
    _expected_422(manager_tab)  # the replace without its tick
    manager_tab.assert_clean()


def test_a_wrong_workbook_shows_its_problems_in_words(live_server: LiveServer, manager_tab: Tab,
                                                     tmp_path: Path) -> None:
    page = manager_tab.page
    page.goto(f"{live_server.url}/desk/data")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "members"
    ws.append(["id", "name", "subsectors", "joined"])
    ws.append(["m-902", "", "Gamng", "someday"])
    path = tmp_path / "wrong.xlsx"
    wb.save(path)
    page.set_input_files("#file", str(path))
    page.check("input[name=mode][value=merge]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    problems = page.locator("ul.problems").inner_text()
    assert "Sheet members, line 2, column subsectors (item 1): unknown subsector 'Gamng'" in problems
    assert page.locator("button[name=confirm]").count() == 0
    manager_tab.screenshot("data-problems", full_page=True)


def test_every_export_downloads(live_server: LiveServer, manager_tab: Tab, tmp_path: Path) -> None:
    page = manager_tab.page
    page.goto(f"{live_server.url}/desk/data")
    hrefs = [a.get_attribute("href") for a in page.locator(".downloads a[download]").all()]
    assert {h.rsplit("=", 1)[-1] for h in hrefs if "format=" in h} == set(DOWNLOADS)
    for href in hrefs:
        with page.expect_download() as info:
            page.click(f".downloads a[href='{href}']")
        download = info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.stat().st_size > 0, href
    names = sorted(p.name for p in tmp_path.iterdir())
    assert any(n.endswith(".gexf") for n in names) and "cluster-template.xlsx" in names
    ties = next(p for p in tmp_path.iterdir() if p.name.startswith("ties-")).read_text(encoding="utf-8")
    assert ties.splitlines()[0].startswith("source,source_name,target,target_name")


def test_add_and_edit_a_member(live_server: LiveServer, manager_tab: Tab) -> None:
    page = manager_tab.page
    page.goto(f"{live_server.url}/desk/members")
    manager_tab.screenshot("members-list", full_page=False)
    page.click("p.actions a.button")
    page.click("form.member-form button[type=submit]")  # empty: the errors beside the fields
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#name-error").inner_text().endswith("Enter the member's name.")
    manager_tab.screenshot("members-errors", full_page=True)
    assert not _serious(page)
    page.fill("#name", "Atelier Browser Kirchberg")
    page.select_option("#subsector", "architecture")
    page.check("input[name=subsectors][value=design]")
    page.fill("#skills", "Game desing")
    page.click("form.member-form button[type=submit]")
    page.wait_for_load_state()
    assert "did you mean" in page.locator("#skills-error").inner_text()
    skill = page.locator(".known-skills p").inner_text().split("; ")[0]
    page.fill("#skills", skill)
    page.fill("#city", "Kirchberg")
    page.click("form.member-form button[type=submit]")
    page.wait_for_load_state()
    assert "Saved Atelier Browser Kirchberg." in page.locator(".notice").inner_text()
    page.click("table.members-list a:has-text('Edit')")
    page.wait_for_load_state()
    page.fill("#city", "Luxembourg-Kirchberg")
    manager_tab.screenshot("members-edit", full_page=True)
    page.click("form.member-form button[type=submit]")
    page.wait_for_load_state()
    assert "Luxembourg-Kirchberg" in page.locator("table.members-list").inner_text()
    _expected_422(manager_tab)  # the empty form and the misspelt skill
    manager_tab.assert_clean()


def test_create_a_key_see_it_once_and_revoke_it(live_server: LiveServer, manager_tab: Tab, open_tab: Any) -> None:
    page = manager_tab.page
    page.goto(f"{live_server.url}/desk/keys")
    page.check("input[name=role][value=member]")
    page.select_option("#member", "m-001")
    page.fill("#name", "Browser test laptop")
    page.click("section.new-key button[type=submit]")
    page.wait_for_load_state()
    secret = page.locator("code.secret").inner_text()
    assert secret.startswith("gsk_")
    manager_tab.screenshot("members-key-created")
    assert not _serious(page)
    page.goto(f"{live_server.url}/desk/keys")
    assert secret not in page.content()
    member = open_tab(secret, "/me")  # the key works
    assert "/me" in member.page.url
    row = page.locator("table.keys-list tr", has_text="Browser test laptop")
    row.locator("a:has-text('Revoke')").click()
    page.wait_for_load_state()
    assert "Revoke “Browser test laptop”?" in page.locator("h1").inner_text()
    manager_tab.screenshot("members-key-revoke")
    page.click("button.danger")
    page.wait_for_load_state()
    assert "is revoked" in page.locator(".notice").inner_text()
    member.page.goto(f"{live_server.url}/me")
    assert "/login" in member.page.url  # its session ended with the key
    manager_tab.screenshot("members-keys", full_page=True)
    assert not _serious(page)
