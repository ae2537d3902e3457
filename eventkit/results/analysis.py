"""The analysis behind the dashboard and the report: data frames and Altair charts.

Plain Python: each `*_frame` function reads the Store and returns a pandas
DataFrame; each `*_chart` function turns one into an Altair chart of a
fixed width, so the same chart works in Streamlit and as a static image.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from eventkit.models import Poll
from eventkit.storage import Store
from eventkit.storage.coding import SOURCE_LABELS, MatrixCell

# The shared chart style and the wall/evaluation/participation analysis, importable from here as before.
from .chart_style import (  # noqa: F401
    AFTER,
    BEFORE,
    BIN_MINUTES,
    CORRECT,
    LABEL_CHARS,
    LIKERT_COLOURS,
    OTHER,
    WIDTH,
    label_axis,
    row_step,
    wrap,
    wrapped,
)
from .over_the_day import (  # noqa: F401
    eval_frame,
    likert_chart,
    notes_chart,
    notes_frame,
    participation_chart,
    participation_frame,
    response_rate,
    score_chart,
)

# --- Polls ---------------------------------------------------------------------


def poll_summary_frame(store: Store, event_id: int) -> pd.DataFrame:
    """One row per poll: answers, response rate, share correct or median estimate."""
    joined = store.count_participants(event_id)
    rows = []
    for poll in store.list_polls(event_id):
        res = store.poll_results(poll.id)
        row = {
            "#": poll.position,
            "question": poll.question,
            "kind": poll.kind,
            "answers": res.total,
            "response rate": res.votes / joined if joined else None,
            "share correct": None,
            "median estimate": None,
            "true value": poll.true_value,
        }
        correct = next((c for c in res.counts if c.is_correct), None)
        if correct is not None and res.total:
            row["share correct"] = correct.total / res.total
        if res.estimates:
            row["median estimate"] = float(pd.Series(res.estimates).median())
        rows.append(row)
    return pd.DataFrame(rows)


def choice_frame(store: Store, poll: Poll) -> pd.DataFrame:
    """What the room believed: votes and share per option, the correct one marked."""
    res = store.poll_results(poll.id)
    rows = [{"option": c.label, "votes": c.total, "correct": c.is_correct} for c in res.counts]
    frame = pd.DataFrame(rows, columns=["option", "votes", "correct"])
    frame["share"] = frame["votes"] / res.total if res.total else 0.0
    return frame


def perception_chart(poll: Poll, frame: pd.DataFrame) -> alt.Chart:
    """Bars of what the room believed; the real answer in green."""
    data = wrapped(frame, "option").assign(answer=frame["correct"].map({True: "real answer", False: "other options"}))
    legend = alt.Legend(orient="bottom", title=None) if frame["correct"].any() else None
    base = alt.Chart(data).encode(
        y=alt.Y("option:N", sort=None, title=None, axis=label_axis()),
        x=alt.X("share:Q", axis=alt.Axis(format="%"), title="share of the room", scale=alt.Scale(domain=[0, 1])),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "answer:N", scale=alt.Scale(domain=["real answer", "other options"], range=[CORRECT, OTHER]), legend=legend
        ),
        tooltip=["option", "votes", alt.Tooltip("share:Q", format=".0%")],
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("share:Q", format=".0%"))
    return (bars + labels).properties(
        width=WIDTH,
        height=row_step(data, "option"),
        title=wrap(f"{poll.position}. {poll.question}"),
        description=f"What the room believed: {poll.question}",
    )


def estimate_chart(poll: Poll, estimates: tuple[float, ...]) -> alt.Chart:
    """The spread of estimates as ticks, the median dashed, the true value as a green line.

    One data frame feeds every layer (Streamlit drops layers that bring their own data).
    """
    rows = [{"value": float(v), "what": "estimate"} for v in estimates]
    if estimates:
        rows.append({"value": float(pd.Series(estimates).median()), "what": "median"})
    if poll.true_value is not None:
        rows.append({"value": float(poll.true_value), "what": "true value"})
    data = pd.DataFrame(rows, columns=["value", "what"])
    unit = f" ({poll.unit})" if poll.unit else ""
    base = alt.Chart(data).encode(x=alt.X("value:Q", title=f"estimates{unit}"))
    ticks = base.transform_filter("datum.what == 'estimate'").mark_tick(thickness=2, size=30, opacity=0.6)
    median = base.transform_filter("datum.what == 'median'").mark_rule(color=OTHER, strokeDash=[4, 3], size=2)
    truth = base.transform_filter("datum.what == 'true value'")
    label = truth.mark_text(color=CORRECT, align="left", dx=4, dy=-28).encode(text=alt.Text("value:Q", format="~g"))
    return (
        alt.layer(ticks.encode(tooltip=["value"]), median, truth.mark_rule(color=CORRECT, size=3), label)
        .properties(
            width=WIDTH,
            height=80,
            title=wrap(f"{poll.position}. {poll.question}") + ["green: true value · dashed: median"],
            description=f"Estimates: {poll.question}",
        )
        .configure_mark(aria=False)
    )  # no unnamed empty layers for screen readers


def shift_frame(store: Store, poll: Poll) -> pd.DataFrame:
    """Before and after shares per option for a poll that repeats an earlier one."""
    if poll.repeat_of is None:
        raise ValueError(f"Poll {poll.id} repeats no earlier poll: there is no before.")
    parts = []
    for when, poll_id in (("before", poll.repeat_of), ("after", poll.id)):
        res = store.poll_results(poll_id)
        for c in res.counts:
            parts.append(
                {
                    "when": when,
                    "option": c.label,
                    "correct": c.is_correct,
                    "share": c.total / res.total if res.total else 0.0,
                }
            )
    return pd.DataFrame(parts, columns=["when", "option", "correct", "share"])


def shift_chart(poll: Poll, frame: pd.DataFrame) -> alt.Chart:
    """Grouped bars: the share per option before and after the day's evidence."""
    data = wrapped(frame, "option")
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("option:N", sort=None, title=None, axis=label_axis()),
            yOffset=alt.YOffset("when:N", sort=["before", "after"]),
            x=alt.X("share:Q", axis=alt.Axis(format="%"), title="share of the room", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "when:N",
                sort=["before", "after"],
                scale=alt.Scale(range=[BEFORE, AFTER]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=["when", "option", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(
            width=WIDTH,
            height=row_step(data, "option", least=30),
            title=wrap(f"Before and after: {poll.question}"),
            description=f"Before and after: {poll.question}",
        )
    )


# --- Thematic coding --------------------------------------------------------------------


def matrix_frame(cells: list[MatrixCell]) -> pd.DataFrame:
    """The analysis matrix: a row per theme, a count column per source, and a total."""
    if not cells:
        return pd.DataFrame(columns=["theme", *SOURCE_LABELS.values(), "total"])
    long = pd.DataFrame([{"theme": c.theme, "source": SOURCE_LABELS[c.source], "count": c.count} for c in cells])
    wide = long.pivot(index="theme", columns="source", values="count")
    wide = wide.reindex(index=list(dict.fromkeys(c.theme for c in cells)), columns=list(SOURCE_LABELS.values()))
    wide["total"] = wide.sum(axis=1)
    return wide.reset_index().rename_axis(columns=None)
