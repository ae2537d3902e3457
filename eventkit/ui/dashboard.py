"""The dashboard's poll summary as people read it: percentages, and words where there is no figure."""

from __future__ import annotations

import math

import pandas as pd

NO_FIGURE = "—"
NOT_SCORED = "not scored"  # an estimate, or an opinion poll: no option is the correct one


def summary_table(frame: pd.DataFrame) -> pd.DataFrame:
    """analysis.poll_summary_frame with each figure as text: "62%", "not scored", "—" (never "None")."""
    shown = frame.copy()
    for column, blank in (("response rate", NO_FIGURE), ("share correct", NOT_SCORED)):
        if column in shown:
            shown[column] = [blank if _missing(v) else f"{v:.0%}" for v in shown[column]]
    for column in ("median estimate", "true value"):
        if column in shown:
            shown[column] = [NO_FIGURE if _missing(v) else f"{v:g}" for v in shown[column]]
    return shown


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
