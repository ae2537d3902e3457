"""The wall, the evaluation and participation over the day: data frames and Altair charts (see analysis.py)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from eventkit.models import LIKERT_LABELS
from eventkit.storage import Store

from .chart_style import BIN_MINUTES, LIKERT_COLOURS, OTHER, WIDTH, label_axis, row_step, wrapped

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
