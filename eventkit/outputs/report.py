"""The event report: one self-contained HTML file, printable to PDF.

Laid out like the seed event report: background and attendance, what the
room believed and the real answers, what changed over the day, what people
said (by theme), what delegates thought of the event. Charts are embedded
as SVG data URIs rendered by vl-convert, so the file needs no network; if
vl-convert is missing, the tables carry the same figures. Every piece of
text from the database goes through html.escape.
"""

from __future__ import annotations

import base64
from collections import Counter
from html import escape
from pathlib import Path

import altair as alt
import pandas as pd

from eventkit.models import Poll
from eventkit.results import analysis
from eventkit.storage import Store, StoreError, utc_now
from eventkit.storage.coding import SOURCE_LABELS
from eventkit.text import reflow

CSS = Path(__file__).resolve().parents[1] / "static" / "report.css"
# Text in the SVG is measured by vl-convert but drawn by the reader's browser. With
# a generic "sans-serif" the two picked different fonts and long labels ran off the
# left edge. Measured with a wide font (DejaVu Sans, Verdana's width) and drawn with
# it or a narrower one, nothing is cut; the padding leaves room for any difference.
PRINT_CONFIG = {
    "font": "DejaVu Sans, Verdana, Arial, sans-serif",
    "padding": {"left": 24, "right": 24, "top": 8, "bottom": 8},
    "axis": {"labelFontSize": 11, "titleFontSize": 11},
    "legend": {"labelFontSize": 11, "labelLimit": 0},
    "header": {"labelFontSize": 11},
}


def chart_html(chart: alt.TopLevelMixin | None, alt_text: str) -> str:
    """A chart as an <img> with an SVG data URI ('' when it cannot be rendered)."""
    if chart is None:
        return ""
    try:
        import vl_convert
    except ImportError:
        return ""
    svg = vl_convert.vegalite_to_svg(chart.to_json(), config=PRINT_CONFIG)
    data = base64.b64encode(svg.encode()).decode()
    return f'<img class="chart" alt="{escape(alt_text)}" src="data:image/svg+xml;base64,{data}">'


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in reflow(text))


def _times(n: int) -> str:
    """How often the same text was given, when more than once."""
    return f" ×{n}" if n > 1 else ""


def _table(head: str, rows: str) -> str:
    """A table whose header row (in <thead>) is printed again on every page the table reaches."""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _with_heading(heading: str, chart: str) -> str:
    """A chart under its heading (HTML), kept together on one printed page; '' without a chart."""
    return f'<div class="chart-block"><h3>{heading}</h3>{chart}</div>' if chart else ""


def _pct(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.0%}"


def build_report(store: Store, event_id: int) -> str:
    """The whole report for one event as an HTML document."""
    event = store.get_event(event_id)
    if event is None:
        raise StoreError("No such event.")
    polls = store.list_polls(event_id)
    sections = [
        ("background", "1. Background", _background(store, event)),
        ("polls", "2. What the room believed", _polls(store, [p for p in polls if p.repeat_of is None])),
        ("change", "3. What changed over the day", _changes(store, event_id, polls)),
        ("themes", "4. What people said, by theme", _themes(store, event_id)),
        ("evaluation", "5. What delegates thought of the event", _evaluation(store, event_id)),
    ]
    contents = "".join(f'<li><a href="#{key}">{escape(title)}</a></li>' for key, title, _ in sections)
    body = "".join(f'<section id="{key}"><h2>{escape(title)}</h2>{html}</section>' for key, title, html in sections)
    meta = " · ".join(escape(x) for x in (event.date, event.venue) if x)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(event.title)} – event report</title>
<style>{CSS.read_text(encoding="utf-8")}</style></head>
<body><header><h1>{escape(event.title)}</h1>
<p class="subtitle">{escape(event.subtitle)}</p><p class="meta">Event report · {meta}</p></header>
<nav><h2>Contents</h2><ul class="contents">{contents}</ul></nav>
{body}
<footer>Made with eventkit on {escape(utc_now()[:10])}. Attendees took part anonymously;
no names or identifiers appear in this report.</footer>
</body></html>"""


def _background(store: Store, event) -> str:
    responses, joined, rate = analysis.response_rate(store, event.id)
    votes = sum(store.votes_per_poll(event.id).values())
    notes = len(store.list_notes(event.id))
    figures = [
        ("people took part", joined),
        ("votes cast", votes),
        ("notes on the wall", notes),
        ("evaluations", responses),
        ("response rate", _pct(rate)),
    ]
    boxes = "".join(f'<div class="figure"><b>{escape(str(v))}</b>{escape(k)}</div>' for k, v in figures)
    chart = analysis.participation_chart(analysis.participation_frame(store, event.id)) if joined else None
    return (
        _paragraphs(event.welcome)
        + f'<div class="figures">{boxes}</div>'
        + _with_heading("Participation over the day", chart_html(chart, "Participation: actions per 15 minutes"))
    )


def _polls(store: Store, polls: list[Poll]) -> str:
    if not polls:
        return "<p>There were no polls.</p>"
    return "".join(_poll_reveal(store, p) for p in polls)


def _poll_reveal(store: Store, poll: Poll) -> str:
    """Question, what the room believed, the answer, the fact and its source."""
    res = store.poll_results(poll.id)
    parts = [
        f'<div class="poll"><h3>{poll.position}. {escape(poll.question)}</h3>',
        f"<p>{res.total} answer{'s' if res.total != 1 else ''}.</p>",
    ]
    if poll.kind == "choice":
        frame = analysis.choice_frame(store, poll)
        parts.append(chart_html(analysis.perception_chart(poll, frame), f"What the room believed: {poll.question}"))
        rows = "".join(
            f"<tr><td>{escape(r.option)}{' ✓' if r.correct else ''}</td><td class=num>{r.votes}</td>"
            f"<td class=num>{_pct(r.share)}</td></tr>"
            for r in frame.itertuples()
        )
        parts.append(_table("<th>Option</th><th class=num>Votes</th><th class=num>Share</th>", rows))
        if poll.correct_option:
            parts.append(f'<p>The answer: <span class="answer">{escape(poll.correct_option.label)}</span></p>')
    else:
        parts.append(chart_html(analysis.estimate_chart(poll, res.estimates), f"Estimates: {poll.question}"))
        if res.estimates:
            median = pd.Series(res.estimates).median()
            parts.append(f"<p>The room's median estimate: {median:g} {escape(poll.unit)}</p>")
        if poll.true_value is not None:
            parts.append(f'<p>The answer: <span class="answer">{poll.true_value:g} {escape(poll.unit)}</span></p>')
    parts.append(_paragraphs(poll.fact))
    if poll.source:
        parts.append(f'<p class="source">Source: {escape(poll.source)}</p>')
    return "".join(parts) + "</div>"


def _changes(store: Store, event_id: int, polls: list[Poll]) -> str:
    repeats = [p for p in polls if p.repeat_of is not None]
    if not repeats:
        return "<p>No question was asked twice.</p>"
    out = []
    for poll in repeats:
        frame = analysis.shift_frame(store, poll)
        chart = chart_html(analysis.shift_chart(poll, frame), f"Before and after: {poll.question}")
        out.append(_with_heading(escape(poll.question), chart))
        correct = frame[frame["correct"]]
        if not correct.empty:
            before = correct[correct["when"] == "before"]["share"].sum()
            after = correct[correct["when"] == "after"]["share"].sum()
            out.append(
                f"<p>Share choosing the real answer: {_pct(before)} at the start, {_pct(after)} later in the day.</p>"
            )
    return "".join(out)


def _themes(store: Store, event_id: int) -> str:
    cells = store.analysis_matrix(event_id)
    notes_chart = analysis.notes_chart(analysis.notes_frame(store, event_id))
    out = [_with_heading("Wall notes per prompt", chart_html(notes_chart, "Wall notes per prompt"))]
    if not cells:
        return "".join(out) + "<p>No themes have been set up.</p>"
    matrix = analysis.matrix_frame(cells)
    head = "".join(f"<th class=num>{escape(c)}</th>" for c in matrix.columns[1:])
    rows = "".join(
        f"<tr><td>{escape(str(r[0]))}</td>" + "".join(f"<td class=num>{int(v)}</td>" for v in r[1:]) + "</tr>"
        for r in matrix.itertuples(index=False)
    )
    out.append(f"<h3>Analysis matrix</h3>{_table(f'<th>Theme</th>{head}', rows)}")
    for theme in dict.fromkeys(c.theme for c in cells):
        texts = Counter((c.source, t) for c in cells if c.theme == theme for t in c.texts)
        if texts:
            items = "".join(
                f"<li>{escape(t)} <span class=note>({escape(SOURCE_LABELS[s].lower())}{_times(n)})</span></li>"
                for (s, t), n in texts.items()
            )
            out.append(f"<h3>{escape(theme)}</h3><ul class=texts>{items}</ul>")
    return "".join(out)


def _evaluation(store: Store, event_id: int) -> str:
    responses, joined, rate = analysis.response_rate(store, event_id)
    out = [f"<p>{responses} of {joined} people who took part completed the evaluation ({_pct(rate)}).</p>"]
    frame = analysis.eval_frame(store, event_id)
    scores = chart_html(analysis.score_chart(frame), "Scores for the event, presentations and discussions")
    agreement = chart_html(analysis.likert_chart(frame), "Agreement with outcome statements")
    out += [_with_heading("Scores (1 = poor, 5 = excellent)", scores), _with_heading("Agreement", agreement)]
    if not frame.empty:
        summary = (
            frame.assign(total=frame["value"] * frame["n"])
            .groupby(["position", "text"], sort=True)[["total", "n"]]
            .sum()
        )
        rows = "".join(
            f"<tr><td>{escape(text)}</td><td class=num>{int(r.n)}</td><td class=num>{r.total / r.n:.1f}</td></tr>"
            for (_, text), r in summary.iterrows()
        )
        out.append(_table("<th>Item</th><th class=num>Answers</th><th class=num>Mean (1–5)</th>", rows))
    by_question: dict[str, list[str]] = {}
    for item in store.codable_items(event_id, "eval_answer"):
        by_question.setdefault(item.context, []).append(item.text)
    for question, texts in by_question.items():
        items = "".join(f"<li>{escape(t)}<span class=note>{_times(n)}</span></li>" for t, n in Counter(texts).items())
        out.append(f"<h3>{escape(question)}</h3><ul class=texts>{items}</ul>")
    return "".join(out)


def write_report(store: Store, event_id: int, path: str | Path) -> Path:
    """Build the report and write it to a file (UTF-8); returns the path."""
    path = Path(path)
    path.write_text(build_report(store, event_id), encoding="utf-8")
    return path


def add_report_parser(sub) -> None:
    """The `report CODE -o FILE.html` subcommand."""
    rep = sub.add_parser("report", help="write the event report (self-contained HTML, printable to PDF)")
    rep.add_argument("code")
    rep.add_argument("-o", "--output", type=Path, required=True, help="HTML file to write")


def cmd_report(store: Store, args) -> int:
    event = store.event_by_code(args.code)
    if event is None:
        raise StoreError(f"No event with code {args.code}.")
    print(f"wrote {write_report(store, event.id, args.output)}")
    return 0
