"""What content teams and SEOs open, tested the way they meet it: the sample run for two
consecutive months (2026-09, then 2026-10) into one output folder under the real Prefect flow;
then the workbook opened with openpyxl, the briefs read as a writer would, the report rendered
in headless Chromium at desktop and phone width, and the Prefect summary artifact read back."""

from __future__ import annotations

import asyncio
import csv
import re
from datetime import date
from pathlib import Path

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS
from openpyxl import load_workbook

from kundensprache.reports.tables import TABLES
from kundensprache.reports.workbook import INTEGER_COLUMNS, SHEET_NAMES, WORKBOOK_NAME
from kundensprache.sample_data import SAMPLE_CONFIG, SAMPLE_DIR

MONTHS = ("2026-09", "2026-10")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = re.compile(r"(?:\+\d{1,3}[\s/-]?)?(?:\(0?\d+\)[\s/-]?)?\d[\d\s/-]{8,}\d")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, prefect_server) -> Path:
    from kundensprache.flows.monthly import monthly_keywords

    base = tmp_path_factory.mktemp("two-months")
    for month in MONTHS:
        monthly_keywords(
            month=month,
            inputs=str(SAMPLE_DIR),
            outputs=str(base / "outputs"),
            config_file=str(SAMPLE_CONFIG),
            work=str(base / "work"),
        )
    return base / "outputs"


def _csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


# ------------------------------------------------------------------------------ workbook
def test_workbook_has_the_csv_rows_as_typed_cells(outputs):
    folder = outputs / MONTHS[-1]
    wb = load_workbook(folder / WORKBOOK_NAME)
    assert wb.sheetnames == [SHEET_NAMES[t]["de"] for t in TABLES]
    for table in TABLES:
        columns, rows = _csv(folder / f"{table}.csv")
        ws = wb[SHEET_NAMES[table]["de"]]
        values = list(ws.iter_rows(values_only=True))
        assert list(values[0]) == columns, table
        assert len(values) - 1 == len(rows), table
        for row, cells in zip(rows, values[1:], strict=True):
            for col, cell in zip(columns, cells, strict=True):
                assert _same(col, row[col], cell), (table, col, row[col], cell)


def _same(column: str, text: str, cell) -> bool:
    if text == "":
        return cell is None
    if column in INTEGER_COLUMNS:
        return isinstance(cell, int) and cell == int(text)
    if column in ("ctr", "position", "score"):
        return isinstance(cell, int | float) and cell == float(text)  # Excel: 0.0 reads as 0
    if column in ("first_seen", "last_seen"):
        return cell.date() == date.fromisoformat(text)
    return cell == text


def test_workbook_is_set_up_for_people(outputs):
    wb = load_workbook(outputs / MONTHS[-1] / WORKBOOK_NAME)
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        assert ws.freeze_panes == "A2", ws.title
        last = ws.cell(row=1, column=len(header)).column_letter
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", ws.title
        assert all(c.font.bold for c in ws[1])
        for i, name in enumerate(header, start=1):
            width = ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width
            assert len(name) < width <= 60, (ws.title, name, width)
    ws = wb["Keyword-Kandidaten"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("ctr")].value is not None)
    assert row[header.index("ctr")].number_format == "0.00%"
    assert row[header.index("position")].number_format == "0.0"
    assert row[header.index("first_seen")].number_format == "yyyy-mm-dd"
    example = ws.column_dimensions[ws.cell(row=1, column=header.index("example") + 1).column_letter]
    assert example.width == 60  # long quotes capped, not a screen-wide column


# -------------------------------------------------------------------------------- briefs
def test_briefs_give_writers_customer_words_and_no_personal_data(outputs):
    briefs = sorted((outputs / MONTHS[-1] / "briefs").glob("*.md"))
    assert len(briefs) >= 5
    assert [p.name for p in briefs] == sorted(
        p.name for p in (outputs / "latest" / "briefs").glob("*.md")
    )
    _, clusters = _csv(outputs / MONTHS[-1] / "clusters.csv")
    labels = {c["cluster_id"]: c["cluster_label"] for c in clusters}
    for path in briefs:
        text = path.read_text(encoding="utf-8")
        cid = path.name.split("-", 1)[0]
        assert text.startswith(f"# Themen-Brief: {labels[cid]}\n"), path.name
        quotes = [line for line in text.splitlines() if line.startswith("> „")]
        assert 3 <= len(quotes) <= 5, path.name
        assert all(len(q) <= 230 and "[" not in q for q in quotes), path.name
        for section in (
            "## Die Worte der Kunden",
            "## Suchanfragen in der Search Console",
            "## Vorgeschlagene Überschriften",
            "- H1: ",
        ):
            assert section in text, (path.name, section)
        assert not EMAIL_RE.search(text) and not PHONE_RE.search(text), path.name
    questions = [
        line
        for p in briefs
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.startswith("- „") and line.endswith("?“")
    ]
    assert len(questions) >= 3  # the customers' own questions, verbatim


# -------------------------------------------------------------------------------- report
def test_report_shows_both_months_in_the_browser(outputs, artifacts_dir):
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed")
    report = outputs / MONTHS[-1] / "report.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for name, width in (("desktop", 1280), ("phone", 390)):
                _check_report(browser, report, name, width, artifacts_dir)
            _check_print(browser, report, artifacts_dir)
        finally:
            browser.close()


def _check_report(browser, report: Path, name: str, width: int, artifacts_dir: Path) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    page.screenshot(path=str(artifacts_dir / f"report-{name}.png"), full_page=True)
    assert errors == [], name
    assert all(u.startswith("file:") for u in requests), requests  # self-contained
    cards = page.locator(".cards .card")
    assert cards.count() >= 5
    for i in range(cards.count()):
        card = cards.nth(i)
        mentions, impressions = card.locator("svg.spark").all()
        assert mentions.locator("circle").count() >= 2  # mentions per month from the documents
        assert impressions.locator("circle").count() == 2  # both months' Search Console data
        assert card.locator(".axis").inner_text().split()[-1] == MONTHS[-1]
    assert "gespeichert sind: 2026-09, 2026-10." in page.locator("main").inner_text()
    # September's export ranks several queries lower: the report says what moved since then
    assert page.locator(".moved tbody tr").count() >= 3
    assert "seit 2026-09" in page.locator(".moved").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name}: page is {overflow}px wider than the screen"
    page.close()


def _check_print(browser, report: Path, artifacts_dir: Path) -> None:
    """Printed, wide tables are not cut off at a scroll box and cards do not split."""
    page = browser.new_page()
    page.goto(report.as_uri())
    page.emulate_media(media="print")
    assert page.eval_on_selector(".scroll", "e => getComputedStyle(e).overflowX") == "visible"
    assert page.eval_on_selector(".card", "e => getComputedStyle(e).breakInside") == "avoid"
    pdf = page.pdf(format="A4")
    (artifacts_dir / "report-print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.close()


# ------------------------------------------------------------------------------ artifact
def test_summary_artifact_links_report_workbook_and_briefs(outputs):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def fetch():
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["monthly-summary"]))
            )

    artifacts = asyncio.run(fetch())
    latest = max(artifacts, key=lambda a: a.created)
    text = str(latest.data)
    folder = outputs / MONTHS[-1]
    assert text.startswith(f"# Kundensprache {MONTHS[-1]}")
    assert (folder / "report.html").as_uri() in text
    assert (folder / WORKBOOK_NAME).as_uri() in text
    briefs = sorted((folder / "briefs").glob("*.md"))
    assert all(p.as_uri() in text for p in briefs)
