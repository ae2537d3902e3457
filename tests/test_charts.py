"""Projector charts: the right data, the correct option highlighted only at reveal, big fonts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventkit.models import OptionCount, Poll, PollOption, PollResults
from eventkit.results import charts

OPTIONS = (PollOption(1, "A quarter"), PollOption(2, "Half"), PollOption(3, "Most", is_correct=True))
CHOICE = Poll(id=1, event_id=1, position=1, kind="choice", question="Q?", options=OPTIONS)
ESTIMATE = Poll(
    id=2,
    event_id=1,
    position=2,
    kind="estimate",
    question="How many?",
    true_value=84,
    unit="%",
    min_value=0,
    max_value=100,
)
RESULTS = PollResults(
    1,
    votes=10,
    counts=(
        OptionCount(1, "A quarter", False, 2),
        OptionCount(2, "Half", False, 3, manual=5),
        OptionCount(3, "Most", True, 5),
    ),
    manual_total=5,
)
GUESSES = PollResults(2, votes=5, estimates=(10.0, 50.0, 60.0, 80.0, 90.0))


@pytest.mark.parametrize(
    "reveal, colours, first_label",
    [
        (False, [charts.BAR] * 3, "A quarter"),
        (True, [charts.MUTED, charts.MUTED, charts.RIGHT], "A quarter"),
    ],
)
def test_poll_frame_highlights_the_correct_option_only_at_reveal(reveal, colours, first_label):
    frame = charts.poll_frame(CHOICE, RESULTS, reveal=reveal)
    assert list(frame["colour"]) == colours
    assert frame["option"][0] == first_label
    assert frame["option"][2] == ("✓ Most" if reveal else "Most")


def test_poll_frame_counts_phones_and_hands_together():
    frame = charts.poll_frame(CHOICE, RESULTS, reveal=False)
    assert list(frame["votes"]) == [2, 8, 5]
    assert list(frame["share"]) == [13, 53, 33]


def test_opinion_poll_without_a_right_answer_is_never_greyed_out():
    opinion = Poll(
        id=3,
        event_id=1,
        position=3,
        kind="choice",
        question="Feel?",
        options=(PollOption(1, "Yes"), PollOption(2, "No")),
    )
    counts = PollResults(3, 2, (OptionCount(1, "Yes", False, 1), OptionCount(2, "No", False, 1)))
    assert set(charts.poll_frame(opinion, counts, reveal=True)["colour"]) == {charts.BAR}


def _spec(chart) -> str:
    return json.dumps(chart.to_dict())


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.poll_chart(CHOICE, RESULTS, reveal=True),
        lambda: charts.estimate_chart(ESTIMATE, GUESSES, reveal=True),
        lambda: charts.before_after_chart(CHOICE, RESULTS, RESULTS, reveal=True),
        lambda: charts.before_after_chart(ESTIMATE, GUESSES, GUESSES, reveal=True),
        lambda: charts.poll_chart(CHOICE, PollResults(1, 0), reveal=False),
        lambda: charts.estimate_chart(ESTIMATE, PollResults(2, 0), reveal=False),
    ],
)
def test_charts_build_with_projector_sized_fonts(build):
    spec = build().to_dict()
    assert spec["config"]["axis"]["labelFontSize"] >= 24


def test_estimate_chart_marks_median_and_true_value_only_at_reveal():
    hidden, shown = (
        _spec(charts.estimate_chart(ESTIMATE, GUESSES)),
        _spec(charts.estimate_chart(ESTIMATE, GUESSES, reveal=True)),
    )
    assert "Median guess 60%" in hidden and "Median guess 60%" in shown
    assert "True value" not in hidden
    assert "True value 84%" in shown


def test_estimate_bins_cover_the_range_and_count_every_guess():
    bins = charts.estimate_bins(ESTIMATE, list(GUESSES.estimates) + [100.0, 0.0])
    assert bins["people"].sum() == 7
    assert bins["start"].min() == 0 and bins["end"].max() == 100


def test_before_after_frame_gives_shares_per_round():
    before = PollResults(1, 4, (OptionCount(1, "A", False, 3), OptionCount(2, "B", True, 1)))
    after = PollResults(2, 2, (OptionCount(1, "A", False, 0), OptionCount(2, "B", True, 2)))
    frame = charts.before_after_frame(before, after, reveal=True)
    assert list(zip(frame["round"], frame["option"], frame["share"], strict=True)) == [
        ("Before", "A", 75),
        ("Before", "✓ B", 25),
        ("After", "A", 0),
        ("After", "✓ B", 100),
    ]


@pytest.mark.parametrize(
    "poll, results, expected",
    [
        (CHOICE, RESULTS, (5, 15)),
        (ESTIMATE, GUESSES, (2, 5)),  # 80 and 90 are within 10% of 84 (75.6-92.4)
        (ESTIMATE, PollResults(2, 0), (0, 0)),
    ],
)
def test_right_share(poll, results, expected):
    assert charts.right_share(poll, results) == expected


@pytest.mark.parametrize("values, expected", [((), None), ((3.0,), 3.0), ((1.0, 2.0, 10.0, 11.0), 6.0)])
def test_median(values, expected):
    assert charts.median(values) == expected


def test_attendee_text_never_reaches_a_chart_except_as_data():
    hostile = Poll(
        id=4, event_id=1, position=4, kind="choice", question="<script>x</script>", options=(PollOption(1, "<b>A</b>"),)
    )
    spec = charts.poll_chart(hostile, PollResults(4, 1, (OptionCount(1, "<b>A</b>", False, 1),))).to_dict()
    assert "<script>" not in json.dumps(spec)  # the question is never put in a chart


@pytest.mark.parametrize("sheet", ["projector.css", "base.css", "attendee.css"])
def test_stylesheets_have_no_angle_brackets(sheet):
    # st.html sanitises its input; a "<" inside the sheet makes the whole sheet disappear.
    css = (Path(charts.__file__).resolve().parents[1] / "static" / sheet).read_text()
    assert "<" not in css and ">" not in css


# --- The estimate chart's axis and labels (issue 13) ------------------------------------------

WIDE = Poll(
    id=4,
    event_id=1,
    position=4,
    kind="estimate",
    question="How many referrals?",
    true_value=1200,
    unit="people",
    min_value=0,
    max_value=5000,
)


def _estimate_parts(poll, guesses, reveal):
    """(x domain, y axis tick values, y domain, {label: (value, align)}) from the chart's spec."""
    spec = charts.estimate_chart(
        poll, PollResults(poll.id, len(guesses), estimates=tuple(guesses)), reveal=reveal
    ).to_dict()
    bars, *markers = spec["layer"]
    x, y = bars["encoding"]["x"], bars["encoding"]["y"]
    labels = {}
    for marker in markers:
        text = next(layer for layer in marker["layer"] if layer["mark"]["type"] == "text")
        [row] = spec["datasets"][marker["data"]["name"]]
        labels[row["label"]] = (row["value"], text["mark"]["align"])
    return x["scale"]["domain"], y["axis"]["values"], y["scale"]["domain"], labels


@pytest.mark.parametrize(
    "name, poll, guesses, reveal, bounds",
    [
        ("max 5,000, guesses to 2,000: the axis follows the guesses", WIDE, [150, 900, 2000], False, (0, 2200)),
        ("the true value widens the axis only at the reveal", WIDE, [150, 900, 1000], True, (0, 1320)),
        ("before the reveal the axis gives no hint of it", WIDE, [150, 900, 1000], False, (0, 1100)),
        ("guesses far from zero do not start at zero", WIDE, [900, 1000, 1100], False, (870, 1130)),
        ("never beyond the allowed range", ESTIMATE, [10, 50, 100], False, (0, 100)),
        ("no guesses yet: the allowed range", WIDE, [], False, (0, 5000)),
    ],
)
def test_estimate_axis_runs_over_the_guesses_not_the_allowed_maximum(name, poll, guesses, reveal, bounds):
    (start, end), *_ = _estimate_parts(poll, guesses, reveal)
    shown = [*guesses, *([poll.true_value] if reveal else [])] or [start, end]
    assert start <= min(shown) and max(shown) <= end  # every guess (and the answer at the reveal) is on the chart
    assert bounds[0] <= start and end <= bounds[1]  # with a small margin, not the allowed maximum


@pytest.mark.parametrize("guesses", [[150, 900, 2000], [1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 40], [3, 4, 5] * 20])
def test_estimate_labels_sit_above_the_last_count_tick_and_away_from_the_edges(guesses):
    for reveal in (False, True):
        (start, end), ticks, (_, y_top), labels = _estimate_parts(WIDE, guesses, reveal)
        tallest = max(charts.estimate_bins(WIDE, guesses, reveal=reveal)["people"])
        assert ticks[-1] <= tallest < y_top / 1.5  # no count tick in the band that holds the labels
        assert all(t == int(t) for t in ticks)
        for value, align in labels.values():
            share = (value - start) / (end - start)
            assert align == ("left" if share < 0.3 else "right" if share > 0.7 else align), (value, align)
        if reveal and len(labels) == 2:
            (median, m_align), (truth, t_align) = labels.values()
            if median < truth and 0.3 <= (median - start) / (end - start) <= 0.7:
                assert m_align == "right"  # runs away from the true value's rule, not across it


def contrast(colour: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _scale_ranges(spec: dict) -> set[str]:
    """Every colour a chart's colour scales use (however deeply layered)."""
    found: set[str] = set()
    if isinstance(spec, dict):
        scale = spec.get("scale")
        if isinstance(scale, dict) and isinstance(scale.get("range"), list):
            found.update(c for c in scale["range"] if isinstance(c, str) and c.startswith("#"))
        for value in spec.values():
            found |= _scale_ranges(value)
    elif isinstance(spec, list):
        for value in spec:
            found |= _scale_ranges(value)
    return found


def test_every_bar_stands_out_from_the_white_background():
    # WCAG 1.4.11: a bar that carries the data needs 3:1 against what surrounds it.
    # The projector's light "Before" bars were 1.8:1, grey "other options" 2.5:1.
    from eventkit.results import analysis

    named = {
        "charts.BAR": charts.BAR,
        "charts.RIGHT": charts.RIGHT,
        "charts.MUTED": charts.MUTED,
        "charts.BEFORE": charts.BEFORE,
        "analysis.CORRECT": analysis.CORRECT,
        "analysis.OTHER": analysis.OTHER,
        "analysis.BEFORE": analysis.BEFORE,
        "analysis.AFTER": analysis.AFTER,
    }
    frame = charts.poll_frame(CHOICE, RESULTS, reveal=True)
    used = {f"chart range {c}": c for c in _scale_ranges(charts.before_after_chart(CHOICE, RESULTS, RESULTS).to_dict())}
    used |= {f"poll bar {c}": c for c in frame["colour"]}
    faint = {name: round(contrast(c), 2) for name, c in {**named, **used}.items() if contrast(c) < 3}
    assert faint == {}


def _y_sorts(spec: dict) -> list:
    return [layer["encoding"]["y"].get("sort") for layer in spec["layer"]]


@pytest.mark.parametrize("reveal", [False, True], ids=["hidden", "revealed"])
def test_both_choice_charts_list_the_options_in_the_polls_order_not_alphabetically(reveal):
    """The repeat's before/after chart sorted its options A-Z while the poll's chart kept the poll's order."""
    options = (PollOption(1, "Zebra crossings"), PollOption(2, "Most", is_correct=True), PollOption(3, "A few"))
    poll = Poll(id=7, event_id=1, position=1, kind="choice", question="Q?", options=options)
    before = PollResults(
        6,
        4,
        (
            OptionCount(9, "A few", False, 1),
            OptionCount(8, "Most", True, 2),
            OptionCount(7, "Zebra crossings", False, 1),
        ),
    )
    after = PollResults(7, 3, tuple(OptionCount(o.id, o.label, o.is_correct, 1) for o in options))
    tick = "✓ " if reveal else ""
    expected = ["Zebra crossings", f"{tick}Most", "A few"]
    sorts = {
        "poll chart": _y_sorts(charts.poll_chart(poll, after, reveal=reveal).to_dict()),
        "before/after chart": _y_sorts(charts.before_after_chart(poll, before, after, reveal=reveal).to_dict()),
    }
    assert {name: s for name, s in sorts.items() if s != [expected, expected]} == {}


def test_an_option_only_the_earlier_round_had_comes_after_the_polls_own():
    poll = Poll(
        id=7, event_id=1, position=1, kind="choice", question="Q?", options=(PollOption(1, "B"), PollOption(2, "A"))
    )
    assert charts.option_order(poll, ["Gone", "A", "B", "Gone"], reveal=False) == ["B", "A", "Gone"]
