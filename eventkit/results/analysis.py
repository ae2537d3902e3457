"""The analysis behind the dashboard and the report: data frames and Altair charts.

Plain Python: each `*_frame` function reads the Store and returns a pandas
DataFrame; each `*_chart` function turns one into an Altair chart of a
fixed width, so the same chart works in Streamlit and as a static image.
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from eventkit.models import LIKERT_LABELS, Poll
from eventkit.storage import Store
from eventkit.storage.coding import SOURCE_LABELS, MatrixCell

WIDTH = 560
CORRECT, OTHER = "#1a7f37", "#7b8494"  # bars 5:1 and 3.8:1 on white (WCAG 1.4.11 asks 3:1)
BEFORE, AFTER = "#b45309", "#1f6feb"  # amber and blue: apart for colour-blind eyes, both over 4.5:1
LIKERT_COLOURS = ["#c0392b", "#e59866", "#d5d8dc", "#7fb3d5", "#1f618d"]
BIN_MINUTES = 15


def wrap(text: str, width: int = 70) -> list[str]:
    """A long question as title lines."""
    return textwrap.wrap(text, width) or [""]


LABEL_CHARS = 30  # an axis label longer than this is drawn on several lines, never cut off


def wrapped(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """The frame with `column` broken into lines (joined by newlines) for a multi-line axis label."""
    return frame.assign(**{column: frame[column].map(lambda t: "\n".join(wrap(str(t), LABEL_CHARS)))})


def label_axis() -> alt.Axis:
    """A category axis whose labels are the lines `wrapped` made, whole (no ellipsis)."""
    return alt.Axis(labelExpr="split(datum.label, '\\n')", labelLimit=0, labelPadding=6)


def row_step(frame: pd.DataFrame, column: str, least: int = 20) -> alt.Step:
    """Room per category for its longest wrapped label (13 px a line), so lines never overlap."""
    lines = max((str(t).count("\n") + 1 for t in frame[column]), default=1)
    return alt.Step(max(least, 13 * lines + 8))


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


# --- Wall, evaluation, participation ------------------------------------------------


def notes_frame(store: Store, event_id: int) -> pd.DataFrame:
    rows = store.notes_per_prompt(event_id)
    frame = pd.DataFrame(rows, columns=["position", "text", "visible", "hidden", "pending"]).fillna(0)
    return frame.astype({"visible": int, "hidden": int, "pending": int})


def notes_chart(frame: pd.DataFrame) -> alt.Chart:
    """Wall notes per prompt, by moderation state."""
    long = frame.melt(
        id_vars=["position", "text"], value_vars=["visible", "pending", "hidden"], var_name="state", value_name="notes"
    )
    long = wrapped(long, "text")
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("text:N", sort=None, title=None, axis=label_axis()),
            x=alt.X("notes:Q", title="notes", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "state:N",
                sort=["visible", "pending", "hidden"],
                scale=alt.Scale(range=["#1f6feb", "#9a6700", OTHER]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["text", "state", "notes"],
        )
        .properties(width=WIDTH - 160, height=row_step(long, "text"), title="Wall notes per prompt")
    )


def eval_frame(store: Store, event_id: int) -> pd.DataFrame:
    """Counts per evaluation item and value (scores and agree scales)."""
    rows = store.eval_value_counts(event_id)
    return pd.DataFrame(rows, columns=["item_id", "position", "kind", "text", "value", "n"])


def likert_chart(frame: pd.DataFrame) -> alt.Chart | None:
    """Diverging stacked bars: disagreement left of zero, agreement right, neutral split."""
    data = frame[frame["kind"] == "likert"].copy()
    if data.empty:
        return None
    data["share"] = data["n"] / data.groupby("item_id")["n"].transform("sum")
    data["label"] = data["value"].map(lambda v: LIKERT_LABELS[int(v) - 1])
    parts = []
    for _, item in data.groupby("item_id"):
        shares = {int(v): s for v, s in zip(item["value"], item["share"], strict=True)}
        start = -(shares.get(1, 0) + shares.get(2, 0) + shares.get(3, 0) / 2)
        for value in range(1, 6):
            share = shares.get(value, 0.0)
            parts.append(
                {
                    "item": item["text"].iloc[0],
                    "label": LIKERT_LABELS[value - 1],
                    "value": value,
                    "share": share,
                    "x": start,
                    "x2": start + share,
                }
            )
            start += share
    long = wrapped(pd.DataFrame(parts), "item")
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("item:N", sort=None, title=None, axis=label_axis()),
            x=alt.X(
                "x:Q",
                axis=alt.Axis(format="%"),
                title="share of answers (disagree ← | → agree)",
                scale=alt.Scale(domain=[-1, 1]),
            ),
            x2="x2:Q",
            color=alt.Color(
                "label:N",
                sort=list(LIKERT_LABELS),
                scale=alt.Scale(domain=list(LIKERT_LABELS), range=LIKERT_COLOURS),
                legend=alt.Legend(orient="bottom", title=None, columns=3, labelLimit=0),
            ),
            tooltip=["item", "label", alt.Tooltip("share:Q", format=".0%")],
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#333").encode(x="x:Q")
    return (bars + zero).properties(
        width=WIDTH - 240, height=row_step(long, "item"), title="Agreement with outcome statements"
    )


def score_chart(frame: pd.DataFrame) -> alt.Chart | None:
    """The distribution of scores (1-5) for each scored aspect of the day."""
    data = frame[frame["kind"] == "score"]
    if data.empty:
        return None
    # The scale in the title, not under each small chart: side by side those titles ran into each other.
    return (
        alt.Chart(wrapped(data, "text"))
        .mark_bar()
        .encode(
            x=alt.X("value:O", title="score", scale=alt.Scale(domain=[1, 2, 3, 4, 5])),
            y=alt.Y("n:Q", title="answers", axis=alt.Axis(tickMinStep=1)),
            color=alt.value("#1f6feb"),
            column=alt.Column(
                "text:N",
                title=None,
                sort=alt.SortField("position"),
                header=alt.Header(labelLimit=0, labelExpr="split(datum.label, '\\n')"),
            ),
            tooltip=["text", "value", "n"],
        )
        .properties(width=150, height=140, title="Scores (1 = poor, 5 = excellent)")
    )


def response_rate(store: Store, event_id: int) -> tuple[int, int, float | None]:
    """(evaluations submitted, participants joined, share who gave feedback): Store.response_rate's
    two numbers, in its order, and their ratio."""
    responses, joined = store.response_rate(event_id)
    return responses, joined, (responses / joined if joined else None)


def participation_frame(store: Store, event_id: int) -> pd.DataFrame:
    """Joins, votes, notes and evaluations per 15 minutes (empty slots included)."""
    frame = pd.DataFrame(store.activity_times(event_id), columns=["kind", "at"])
    if frame.empty:
        return pd.DataFrame(columns=["slot", "kind", "count"])
    frame["slot"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601").dt.floor(f"{BIN_MINUTES}min")
    counts = frame.groupby(["slot", "kind"]).size()
    # Empty slots are filled within each day only: an event reused on another day must
    # not turn into a bar for every quarter hour in between.
    days = frame.groupby(frame["slot"].dt.date)["slot"]
    slots = pd.DatetimeIndex([t for _, g in days for t in pd.date_range(g.min(), g.max(), freq=f"{BIN_MINUTES}min")])
    full = pd.MultiIndex.from_product([slots, sorted(frame["kind"].unique())], names=["slot", "kind"])
    out = counts.reindex(full, fill_value=0).reset_index(name="count")
    out["slot"] = out["slot"].dt.strftime("%H:%M" if days.ngroups == 1 else "%Y-%m-%d %H:%M")
    return out


def participation_chart(frame: pd.DataFrame) -> alt.Chart:
    """Stacked bars of actions per 15-minute slot."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("slot:O", title=f"time (UTC, {BIN_MINUTES}-minute slots)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title="actions"),
            color=alt.Color("kind:N", legend=alt.Legend(orient="bottom", title=None)),
            tooltip=["slot", "kind", "count"],
        )
        .properties(width=WIDTH, title="Participation over the day")
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
