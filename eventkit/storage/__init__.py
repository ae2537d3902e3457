"""The one place SQL lives: `Store` and the mixins it is assembled from.

Public methods take and return plain values and `eventkit.models` objects,
never sqlite-utils objects, so another backend can offer the same methods.
"""

from __future__ import annotations

from .base import StoreError, default_path, utc_now
from .evaluation import EvaluationMixin
from .events import EventsMixin
from .participants import ParticipantsMixin
from .polls import PollsMixin
from .tables import TablesMixin
from .wall import WallMixin


class Store(EventsMixin, ParticipantsMixin, PollsMixin, WallMixin, TablesMixin, EvaluationMixin):
    """An eventkit database file and every operation on it."""


__all__ = ["Store", "StoreError", "default_path", "utc_now"]
