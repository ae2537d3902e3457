"""Charts for the projector and the control panel: Altair specs.

Plain Python returning alt.Chart objects (Streamlit draws them). Fonts are
large so the back of a hall can read them. Attendee input only ever reaches
a chart as data values (counts, numbers); labels come from the organiser.
"""

from __future__ import annotations

import math
import statistics

import altair as alt
import pandas as pd

from eventkit.models import Poll, PollResults

INK = "#111827"
BAR = "#1d4ed8"
RIGHT = "#15803d"
MUTED = "#7b8494"  # 3.8:1 on white: the other options stay visible bars (WCAG 1.4.11)
BEFORE = "#b45309"  # amber: 5:1 on white (WCAG 1.4.11 asks 3:1 of bars), and apart from blue for colour-blind eyes
# Fixed pixels (a chart is drawn before the screen is known): at least 3.5% of a 1080-line
# screen's height (the projector's floor for captions), 4.75-5% of an 800-line one.
FONT_SIZE = 38
TEXT_SIZE = 40
ROW = 76  # a choice chart's height per option: four options and the chart is 304px, room for the words beside it
ESTIMATE_TOLERANCE = 0.10  # an estimate within 10% of the true value counts as right

# What alt.layer() gives (a FacetChart only when every layer shares a facet encoding, never here).
Layered = alt.LayerChart | alt.FacetChart


def _style(chart: Layered, height: int) -> Layered:
    """Big, plain, high-contrast styling shared by every projector chart."""
    return (
        chart.properties(height=height)
        .configure_axis(
            labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelColor=INK, titleColor=INK, labelLimit=900, grid=False
        )
        .configure_legend(
            labelFontSize=FONT_SIZE,
            titleFontSize=FONT_SIZE,
            symbolSize=400,
            labelColor=INK,
            orient="top",
            labelLimit=600,
        )
        .configure_view(stroke=None)
    )


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole) if whole else 0


def option_order(poll: Poll, labels: list[str], *, reveal: bool) -> list[str]:
    """The chart's labels in the poll's own order (never alphabetical): the poll's options first,
    then any label only the data has (an option of the earlier round that the repeat dropped)."""
    mine = [f"✓ {o.label}" if reveal and o.is_correct else o.label for o in poll.options]
    shown = set(labels)
    return [label for label in mine if label in shown] + [label for label in dict.fromkeys(labels) if label not in mine]


def poll_frame(poll: Poll, results: PollResults, *, reveal: bool) -> pd.DataFrame:
    """One row per option: label, total (phones + show of hands), share and colour."""
    total = results.total
    rows = []
    for order, c in enumerate(results.counts):
        label = f"✓ {c.label}" if reveal and c.is_correct else c.label
        colour = (RIGHT if c.is_correct else MUTED) if reveal and poll.correct_option else BAR
        rows.append(
            {
                "option": label,
                "order": order,
                "votes": c.total,
                "share": _pct(c.total, total),
                "text": f"{c.total} ({_pct(c.total, total)}%)",
                "colour": colour,
            }
        )
    return pd.DataFrame(rows, columns=["option", "order", "votes", "share", "text", "colour"])


def poll_chart(poll: Poll, results: PollResults, *, reveal: bool = False) -> Layered:
    """Horizontal bars of a choice poll; at reveal the correct option is green, others grey."""
    data = poll_frame(poll, results, reveal=reveal)
    top = max(1, int(data["votes"].max()) if len(data) else 1)
    base = alt.Chart(data).encode(
        y=alt.Y(
            "option:N",
            sort=option_order(poll, list(data["option"]), reveal=reveal),  # an explicit list: Vega-Lite keeps it
            title=None,
            axis=alt.Axis(labelFontWeight="bold", labelPadding=12),
        ),
        x=alt.X("votes:Q", title=None, axis=None, scale=alt.Scale(domain=[0, top * 1.8])),  # room for "12 (100%)"
    )
    bars = base.mark_bar(cornerRadiusEnd=6, height={"band": 0.75}).encode(
        color=alt.Color("colour:N", scale=None), tooltip=["option", "votes", "share"]
    )
    labels = base.mark_text(align="left", dx=10, fontSize=TEXT_SIZE, fontWeight="bold", color=INK).encode(text="text:N")
    return _style(alt.layer(bars, labels), height=max(2 * ROW, ROW * len(data)))


def median(values: tuple[float, ...] | list[float]) -> float | None:
    """The median of the values, or None when there are none."""
    return statistics.median(values) if values else None


def _estimate_domain(poll: Poll, values: list[float], reveal: bool = False) -> list[float]:
    """The x range: the guesses (and, at reveal, the true value) with a margin, within the allowed range.

    Not the allowed range itself: with up to 5,000 allowed and guesses up to
    2,000 the bars would fill 40% of the screen. The true value only widens
    the axis at the reveal, so an axis that runs past the guesses gives
    nothing away before it.
    """
    points = [*values, *([poll.true_value] if reveal and poll.true_value is not None else [])]
    if not points:
        low = poll.min_value if poll.min_value is not None else 0
        high = poll.max_value if poll.max_value is not None else 1
        return [low, high if high > low else low + 1]
    lo, hi = min(points), max(points)
    margin = (hi - lo) * 0.06 or max(abs(hi) * 0.1, 1)
    low = 0 if 0 <= lo <= (hi - lo) / 4 else lo - margin  # start at 0 when the guesses come near it
    low, high = max(low, poll.min_value) if poll.min_value is not None else low, hi + margin
    high = min(high, poll.max_value) if poll.max_value is not None else high
    return [low, high if high > low else low + 1]


CHAR_WIDTH = 0.52  # a bold label's width a character, per font size (Vega cannot measure text)


def _marker(
    value: float, colour: str, label: str, dy: int, domain: list[float], away_from: float | None = None
) -> Layered:
    """A vertical rule and its label, which runs away from the other marker's rule
    (`away_from`) unless that would reach the chart's edge (over the axis). It never leaves the plot
    (as narrow as half a 1280-pixel screen): it slides back inside, smaller only if wider than the plot."""
    frame = pd.DataFrame({"value": [value], "label": [label]})
    share = (value - domain[0]) / (domain[1] - domain[0])
    if 0.3 <= share <= 0.7 and away_from is not None and value != away_from:
        rightwards = value > away_from
    else:
        rightwards = share <= 0.5
    rule = alt.Chart(frame).mark_rule(color=colour, strokeWidth=6).encode(x="value:Q")
    size = f"min({TEXT_SIZE}, width / ({CHAR_WIDTH} * {len(label)}))"
    wide = f"({CHAR_WIDTH} * {len(label)} * {size})"  # the label's width in pixels, about
    # Its anchor: beside the rule on its side, then slid so the whole label lies between 0 and the plot's width.
    if rightwards:
        anchor = f"max(0, min(scale('x', datum.value) + 10, width - {wide}))"
    else:
        anchor = f"min(width, max(scale('x', datum.value) - 10, {wide}))"
    text = (
        alt.Chart(frame)
        .mark_text(
            color=colour,
            fontSize=alt.ExprRef(size),
            fontWeight="bold",
            align="left" if rightwards else "right",
            dy=dy,
            baseline="top",
            x=alt.ExprRef(anchor),
        )
        .encode(y=alt.value(0), text="label:N")
    )
    return alt.layer(rule, text)


def _count_ticks(top: int) -> list[int]:
    """Whole-number ticks up to the tallest bar only: the band above it holds the marker labels."""
    step = max(1, math.ceil(top / 4))
    return list(range(0, top + 1, step))


def estimate_bins(poll: Poll, values: list[float], bins: int = 20, *, reveal: bool = False) -> pd.DataFrame:
    """Guesses counted into equal bins across the chart's range: start, end, people."""
    low, high = _estimate_domain(poll, values, reveal)
    step = (high - low) / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int((v - low) // step)))] += 1
    return pd.DataFrame(
        {
            "start": [low + i * step for i in range(bins)],
            "end": [low + (i + 1) * step for i in range(bins)],
            "people": counts,
        }
    )


def estimate_chart(poll: Poll, results: PollResults, *, reveal: bool = False) -> Layered:
    """The spread of guesses as a histogram, with the median guess and (at reveal) the true value."""
    values = list(results.estimates)
    domain = _estimate_domain(poll, values, reveal)
    data = estimate_bins(poll, values, reveal=reveal)
    top = max(1, int(data["people"].max()))
    unit = f" {poll.unit}" if poll.unit and poll.unit != "%" else poll.unit
    bars = (
        alt.Chart(data)
        .mark_rect(color=BAR, opacity=0.85, stroke="white", strokeWidth=2)
        .encode(
            x=alt.X(
                "start:Q",
                scale=alt.Scale(domain=domain, nice=False),
                axis=alt.Axis(tickCount=8),
                title=f"Guesses{f' ({poll.unit})' if poll.unit else ''}",
            ),
            x2="end:Q",
            y=alt.Y(
                "people:Q",
                title="People",
                scale=alt.Scale(domain=[0, top * 1.6]),
                axis=alt.Axis(values=_count_ticks(top), format="d"),
            ),
            y2=alt.datum(0),
        )
    )
    layers: list[alt.Chart | Layered] = [bars]
    mid, truth = median(values), poll.true_value if reveal else None
    if mid is not None:
        layers.append(_marker(mid, INK, f"Median guess {mid:,.4g}{unit}", 0, domain, truth))
    if truth is not None:
        layers.append(_marker(truth, RIGHT, f"True value {truth:,.4g}{unit}", TEXT_SIZE + 8, domain, mid))
    return _style(alt.layer(*layers), height=5 * ROW)


def right_share(poll: Poll, results: PollResults) -> tuple[int, int]:
    """(answers that were right, all answers). Estimates count within ±10% of the true value."""
    if poll.kind == "estimate":
        if poll.true_value is None:
            return 0, len(results.estimates)
        margin = abs(poll.true_value) * ESTIMATE_TOLERANCE
        right = sum(1 for v in results.estimates if abs(v - poll.true_value) <= margin)
        return right, len(results.estimates)
    right = sum(c.total for c in results.counts if c.is_correct)
    return right, results.total


def before_after_frame(before: PollResults, after: PollResults, *, reveal: bool) -> pd.DataFrame:
    """Share of answers per option in the earlier poll and in its repeat, matched by label."""
    rows = []
    for name, res in (("Before", before), ("After", after)):
        for order, c in enumerate(res.counts):
            label = f"✓ {c.label}" if reveal and c.is_correct else c.label
            share = _pct(c.total, res.total)
            rows.append(
                {"option": label, "order": order, "round": name, "share": share, "text": f"{share}%", "votes": c.total}
            )
    return pd.DataFrame(rows, columns=["option", "order", "round", "share", "text", "votes"])


def before_after_chart(poll: Poll, before: PollResults, after: PollResults, *, reveal: bool = False) -> Layered:
    """Before vs after for a repeat poll: shares per option, or guesses side by side for estimates."""
    if poll.kind == "estimate":
        return _estimate_before_after(poll, before, after, reveal=reveal)
    data = before_after_frame(before, after, reveal=reveal)
    colour = alt.Color(
        "round:N",
        title=None,
        sort=["Before", "After"],
        scale=alt.Scale(domain=["Before", "After"], range=[BEFORE, BAR]),
    )
    base = alt.Chart(data).encode(
        y=alt.Y(
            "option:N",
            sort=option_order(poll, list(data["option"]), reveal=reveal),  # an explicit list: Vega-Lite keeps it
            title=None,
            axis=alt.Axis(labelFontWeight="bold", labelPadding=12),
        ),
        yOffset=alt.YOffset("round:N", sort=["Before", "After"]),
        # The axis ends a little past the longest bar (not at 100%), so the bars use the screen.
        x=alt.X("share:Q", title=None, axis=None, scale=alt.Scale(domain=[0, max([10, *data["share"]]) * 1.35])),
    )
    bars = base.mark_bar(cornerRadiusEnd=6).encode(color=colour, tooltip=["round", "option", "share", "votes"])
    labels = base.mark_text(align="left", dx=8, fontSize=FONT_SIZE, fontWeight="bold", color=INK).encode(text="text:N")
    options = max(1, len(data) // 2)
    return _style(alt.layer(bars, labels), height=ROW * (options + 1))  # two bars an option


def _estimate_before_after(poll: Poll, before: PollResults, after: PollResults, *, reveal: bool) -> Layered:
    rows = [{"round": name, "value": v} for name, res in (("Before", before), ("After", after)) for v in res.estimates]
    data = pd.DataFrame(rows, columns=["round", "value"])
    domain = _estimate_domain(poll, list(data["value"]), reveal)
    y = alt.Y("round:N", sort=["Before", "After"], title=None)
    ticks = (
        alt.Chart(data)
        .mark_tick(thickness=4, size=60, opacity=0.7)
        .encode(
            x=alt.X("value:Q", scale=alt.Scale(domain=domain), title=poll.unit or None),
            y=y,
            color=alt.Color("round:N", legend=None, scale=alt.Scale(domain=["Before", "After"], range=[BEFORE, BAR])),
        )
    )
    medians = alt.Chart(data).mark_tick(thickness=10, size=90, color=INK).encode(x="median(value):Q", y=y)
    layers: list[alt.Chart | Layered] = [ticks, medians]
    if reveal and poll.true_value is not None:
        layers.append(_marker(poll.true_value, RIGHT, f"True value {poll.true_value:g}", 0, domain))
    return _style(alt.layer(*layers), height=4 * ROW)
