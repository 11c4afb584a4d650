"""The upload page in a real headless Chromium (Debian's, driven by Playwright).

Covers what a sales rep does: sign in with the keyboard only, drop a file on the drop zone,
upload a .txt call note (with a PDF beside it, rejected with a clear message) and an .eml
email through the file input, see both listed as received, press "process now", see both
ingested; the page at phone width without sideways
scrolling; English for an English browser; no console errors (e.g. blocked by the CSP).
Saves screenshots to the test artefacts folder.

Skips when /usr/bin/chromium is missing, unless KUNDENSPRACHE_REQUIRE_BROWSER=1 (CI), where
a missing browser is a failure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS

from kundensprache.core.config import Config, PathsConfig, UploadConfig
from kundensprache.ingest.pseudonyms import redact_path
from kundensprache.upload import hash_password
from kundensprache.upload.server import serve_in_thread

PASSWORD = "richtig-geheim"

CALL_NOTE = (
    "Datum: 14.09.2026\nFirma: Müller GmbH\n\n"
    "Kunde: Die Datenpflege im CRM kostet uns jede Woche Stunden.\n"
    "Vertrieb: Wie pflegen Sie die Daten heute?\n"
    "Kunde: Wir brauchen eine Schnittstelle zu SAP, sonst tippen wir alles doppelt.\n"
)
EMAIL = (
    "From: Petra Kunde <petra@kunde-beispiel.de>\r\n"
    "To: vertrieb@example.de\r\n"
    "Subject: Frage zur Lizenz\r\n"
    "Date: Mon, 14 Sep 2026 10:00:00 +0200\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    "Hallo,\r\nwas kostet eine Lizenz pro Nutzer, wenn wir die Schnittstelle zu SAP brauchen?\r\n"
    "\r\nViele Grüße\r\nPetra\r\n"
)


def _launch(playwright):
    """Debian's Chromium, or skip (fail under KUNDENSPRACHE_REQUIRE_BROWSER=1)."""
    required = os.environ.get("KUNDENSPRACHE_REQUIRE_BROWSER") == "1"
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium "
            "chromium-driver) to run the browser test"
        )
        if required:
            pytest.fail(message + " (KUNDENSPRACHE_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("KUNDENSPRACHE_REQUIRE_BROWSER") == "1":
            pytest.fail("playwright is not installed (KUNDENSPRACHE_REQUIRE_BROWSER=1)")
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        chromium = _launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def site(tmp_path: Path):
    config = Config(
        paths=PathsConfig(
            inputs=tmp_path / "inputs", outputs=tmp_path / "outputs", work=tmp_path / "work"
        ),
        upload=UploadConfig(users={"anna": hash_password(PASSWORD)}, session_secret="s" * 40),
    )
    with serve_in_thread(config) as url:
        yield url, config


def test_sales_rep_hands_over_a_note_and_an_email(browser, site, tmp_path, artifacts_dir):
    url, config = site
    note = tmp_path / "Gespräch Müller.txt"
    note.write_text(CALL_NOTE, encoding="utf-8")
    mail = tmp_path / "Anfrage Lizenz.eml"
    mail.write_bytes(EMAIL.encode("utf-8"))
    pdf = tmp_path / "Angebot.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%fake\n")

    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    # Sign in with the keyboard only: the name field has the focus, Tab, Enter.
    page.goto(url + "/")
    assert page.url.endswith("/login")
    assert page.evaluate("document.activeElement.id") == "username"
    page.keyboard.type("anna")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Neue Übergabe").wait_for()

    # Drag and drop onto the drop zone fills the file field.
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["Kunde: Test"], "gezogen.txt", {type: "text/plain"}));
            const zone = document.getElementById("dropzone");
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true,
                                                      cancelable: true}));
        }"""
    )
    assert "gezogen.txt" in page.locator("#files-chosen").inner_text()
    assert page.evaluate("document.getElementById('files').files.length") == 1

    # A call note through the file input, with account and date, and a PDF beside it.
    page.get_by_label("Gesprächsnotiz").check()
    page.get_by_label("Dateien").set_input_files([str(note), str(pdf)])
    assert "Angebot.pdf" in page.locator("#files-chosen").inner_text()
    page.get_by_label("Kunde (Firma)").fill("Müller GmbH")
    page.get_by_label("Datum des Gesprächs").fill("2026-09-14")
    page.get_by_role("button", name="Hochladen").click()
    page.get_by_text("1 Datei(en) empfangen, 1 abgelehnt.").wait_for()
    assert "Angebot.pdf: corrupt or truncated PDF" in page.locator("#notice").inner_text()

    # An email.
    page.locator("#source-email").check()
    page.get_by_label("Dateien").set_input_files(str(mail))
    page.get_by_role("button", name="Hochladen").click()
    page.wait_for_url("**/?batch=*")
    page.get_by_text("1 Datei(en) empfangen, 0 abgelehnt.").wait_for()

    rows = page.locator("tr.upload-row")
    assert rows.count() == 3
    listed = {rows.nth(i).locator(".file-name").inner_text(): rows.nth(i) for i in range(3)}
    shown = redact_path("Gespräch Müller.txt")  # a surname in a file name is pseudonymised
    assert shown.startswith("Gespräch name-")
    assert set(listed) == {shown, "Anfrage Lizenz.eml", "Angebot.pdf"}
    assert listed[shown].locator(".badge").inner_text() == "Empfangen"
    assert listed["Anfrage Lizenz.eml"].locator(".badge").inner_text() == "Empfangen"
    assert listed["Angebot.pdf"].locator(".badge").inner_text() == "Abgelehnt"
    assert "2 Datei(en) warten auf die Verarbeitung." in page.locator("#process-hint").inner_text()
    page.screenshot(path=str(artifacts_dir / "upload-page-received.png"), full_page=True)

    # Process now: both ingested.
    page.get_by_role("button", name="Jetzt verarbeiten").click()
    page.get_by_text("Verarbeitet: 2 Datei(en) übernommen, 0 abgelehnt.").wait_for()
    badges = {
        rows.nth(i).locator(".file-name").inner_text(): rows.nth(i).locator(".badge").inner_text()
        for i in range(rows.count())
    }
    assert badges == {
        shown: "Verarbeitet",
        "Anfrage Lizenz.eml": "Verarbeitet",
        "Angebot.pdf": "Abgelehnt",
    }
    assert page.get_by_role("button", name="Jetzt verarbeiten").is_disabled()
    page.screenshot(path=str(artifacts_dir / "upload-page.png"), full_page=True)

    # Phone width: everything fits, nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_role("button", name="Hochladen").is_visible()
    page.screenshot(path=str(artifacts_dir / "upload-page-phone.png"), full_page=True)
    assert problems == []
    context.close()

    inbox = Path(config.paths.inputs)
    assert len(list((inbox / "calls").glob("*.txt"))) == 1
    assert len(list((inbox / "emails").glob("*.eml"))) == 1


def test_english_browser_gets_the_english_page(browser, site):
    url, _ = site
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(url + "/login")
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()


def test_missing_chromium_skips_or_fails_by_environment(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("KUNDENSPRACHE_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not found: install Debian's chromium"):
        _launch(None)
    monkeypatch.setenv("KUNDENSPRACHE_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="KUNDENSPRACHE_REQUIRE_BROWSER=1"):
        _launch(None)
