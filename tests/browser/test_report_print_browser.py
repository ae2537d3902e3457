"""The event report printed to PDF by Chromium: A4, nothing cut, no heading left at a page's foot.

A whole simulated day (eventkit.event.sample) is reported, printed with Chromium's
own print-to-PDF, and the PDF read back with poppler's pdfinfo and pdftotext
(apt-get install poppler-utils). Every chart's SVG is also drawn on its own in
Chromium, which picks its own font for the labels, and every label must lie
inside the picture.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess

import pytest

from eventkit.event.demo import ensure_demo
from eventkit.event.sample import populate_sample
from eventkit.outputs.report import write_report
from eventkit.storage import Store
from tests.browser.conftest import missing

A4_POINTS = (595.0, 842.0)  # 210 x 297 mm

# Every text of an SVG drawn alone: how far it reaches past the picture's edges.
LABELS_OUTSIDE = """() => {
  const svg = document.querySelector('svg'), box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent.trim(), left: box.left - r.left, right: r.right - box.right};
  }).filter(t => t.left > 0.5 || t.right > 0.5 || t.text.endsWith('…'));
}"""


@pytest.fixture(scope="module")
def printed(tmp_path_factory, browser):
    for tool in ("pdfinfo", "pdftotext"):
        if shutil.which(tool) is None:
            missing(f"{tool} not found: apt-get install poppler-utils")
    folder = tmp_path_factory.mktemp("report")
    store = Store(folder / "eventkit.db")
    event_id = ensure_demo(store)
    populate_sample(store, event_id, n=42, seed=1)
    report = write_report(store, event_id, folder / "report.html")
    page = browser.new_page()
    page.goto(report.as_uri())
    pdf = folder / "report.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    return report.read_text(encoding="utf-8"), pdf


def _pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def test_every_page_is_a4(printed):
    _, pdf = printed
    sizes = set()
    for number in range(1, _pages(pdf) + 1):
        info = subprocess.run(
            ["pdfinfo", "-f", str(number), "-l", str(number), str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        width, height = map(float, re.search(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info).groups())
        sizes.add((round(width), round(height)))
    assert sizes == {tuple(round(x) for x in A4_POINTS)}


def _headings(report_html: str) -> list[str]:
    found = re.findall(r"<h[23][^>]*>(.*?)</h[23]>", report_html, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", h)).split()) for h in found]


def test_no_heading_is_left_at_the_foot_of_a_page(printed):
    report_html, pdf = printed
    headings = [h for h in _headings(report_html) if h != "Contents"]
    stranded = []
    for number in range(1, _pages(pdf) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        if not lines:
            continue
        last = lines[-1]
        # The page ends with a heading, or with the first or last line of one that wraps.
        if any(last == h or (len(last) >= 12 and (h.startswith(last) or h.endswith(last))) for h in headings):
            stranded.append(f"page {number}: {last}")
    assert stranded == []


def test_no_chart_label_is_cut_off(printed, browser):
    report_html, _ = printed
    charts = re.findall(r'<img class="chart" alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)"', report_html)
    assert len(charts) >= 8, "the sample day should give the report its charts"
    page = browser.new_page()
    cut = []
    for alt, data in charts:
        page.set_content(f"<html><body style='margin:0'>{base64.b64decode(data).decode()}</body></html>")
        cut += [f"{html.unescape(alt)[:50]}: {t['text']!r} {t}" for t in page.evaluate(LABELS_OUTSIDE)]
    page.close()
    assert cut == []


def _page_text(pdf, number: int) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_a_table_that_runs_onto_a_new_page_repeats_its_header_row(printed):
    """Every page holding a row of the evaluation table has the table's header on it too."""
    report_html, pdf = printed
    items = re.search(r"<th>Item</th>.*?<tbody>(.*?)</tbody>", report_html, re.S)[1]
    first_cells = [html.unescape(c) for c in re.findall(r"<tr><td>(.*?)</td>", items)]
    missing_header = []
    for number in range(1, _pages(pdf) + 1):
        lines = _page_text(pdf, number)
        text = " ".join(lines)
        rows_here = [c for c in first_cells if " ".join(c.split()[:6]) in text]
        if rows_here and "Answers" not in text:
            missing_header.append(f"page {number}: {rows_here[0][:40]} without the header row")
    assert missing_header == []


def test_no_chart_sits_alone_on_a_page(printed):
    """The participation chart, under its heading, stays on page 1 with the headline figures
    (it was alone on page 2); the other charts keep their headings through test_no_heading_is_left…."""
    _, pdf = printed
    first = " ".join(_page_text(pdf, 1))
    assert "Participation over the day" in first and "votes cast" in first
