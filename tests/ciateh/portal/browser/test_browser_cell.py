"""The Cell in Chromium: the dashboard with its key figures and charts, and the meeting pack (PDF)
with the same figures."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

pytestmark = pytest.mark.browser

SMALL = {1, 2, 3, 4}
FIGURES_JS = """figures => figures.map(f => [f.dataset.figure, f.querySelector('.value').innerText.trim()])"""


def test_the_dashboard_shows_key_figures_and_charts(
    demo_site: Any, new_page: Callable[[Any], Page], screenshot: Callable[[Page, str], Path]
) -> None:
    page = new_page(demo_site.account("cell"))
    page.goto(f"{demo_site.url}/cell/")
    page.wait_for_selector("svg.chart")
    screenshot(page, "cell-dashboard")

    assert page.locator("svg.chart").count() >= 2, "the dashboard needs its trend and breakdown charts"
    for chart in page.locator("svg.chart").all():
        box = chart.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, "a chart is not drawn"
    figures = dict(page.locator("#key-figures [data-figure]").evaluate_all(FIGURES_JS))
    assert "victims" in figures and "suspects" in figures
    for name, shown in figures.items():
        # a number, a marker, or a range summed from the month pages ("at least 31", "between 76
        # and 85"): never a count of 1 to 4
        numbers = [
            int(re.sub(r"[,.\s\u00a0\u202f]", "", n)) for n in re.findall(r"\d[\d,.\s\u00a0\u202f]*", shown)
        ]
        assert shown in ("<5", "x") or (numbers and not set(numbers) & SMALL), f"{name}: {shown!r}"
    # the Bureau's open proposals and the decision being followed up are on the dashboard too
    assert page.locator("#open-proposals li").count() >= 1
    assert page.locator("#open-decisions li").count() >= 1
    for cell in page.locator("table.counts td.num").all_inner_texts():
        digits = re.sub(r"[,.\s\u00a0\u202f]", "", cell)
        assert not (digits.isdigit() and int(digits) in SMALL), f"a count of {cell} on the dashboard"


def test_the_meeting_pack_is_a_pdf_of_the_period(demo_site: Any, new_page: Callable[[Any], Page]) -> None:
    page = new_page(demo_site.account("cell"))
    page.goto(f"{demo_site.url}/cell/")
    period = page.locator("#period").inner_text().strip()
    victims = page.locator("#key-figures [data-figure='victims'] .value").inner_text().strip()
    with page.expect_download() as download:
        page.click("#meeting-pack")
    name = download.value.suggested_filename
    assert name.startswith("ciateh-meeting-pack-") and name.endswith(".pdf")
    start, end = re.findall(r"\d{4}-\d{2}", name)
    path = Path(download.value.path())
    assert path.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(path)
    assert len(reader.pages) >= 2
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    flat = " ".join(text.split())
    assert " ".join(victims.split()) in flat, (
        f"the victims' figure {victims} of the dashboard is not in the pack"
    )
    assert "<5" in text or "x" in text.split()
    assert start in text or period in text, "the pack does not name its period"
    assert end in text or period in text
