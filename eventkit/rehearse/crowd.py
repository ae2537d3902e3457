"""What every simulated attendee of one rehearsal shares: its settings, the stage, the ledger and the recorder."""

from __future__ import annotations

from dataclasses import dataclass

from .metrics import Recorder
from .scenario import Ledger, Settings, Stage

FOLLOW_MARKERS = {"wall": "The wall is open", "tables": "Table discussions", "evaluation": "Before you go"}


@dataclass
class Crowd:
    """What every attendee of one rehearsal shares."""

    settings: Settings
    stage: Stage
    ledger: Ledger
    recorder: Recorder
    tables: int
