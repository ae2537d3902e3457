"""The analysis charts' shared style: a fixed width, colours that stand out, axis labels wrapped whole."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

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
