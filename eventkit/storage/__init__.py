"""The one place SQL lives: `Store` and the mixins it is assembled from.

Public methods take and return plain values, `eventkit.models` and `eventkit.event.spec` objects,
never driver objects, and the same Store runs on SQLite (a file path) or
PostgreSQL (a postgresql:// URL): see base.py and backends/.
"""

from __future__ import annotations

from .attempts import AttemptsMixin
from .base import StorageFault, StoreError, allow_many_open_files, default_path, utc_now
from .coding import CodingMixin
from .db import utc_stamp
from .editing import EditingMixin
from .evaluation import EvaluationMixin
from .events import EventsMixin
from .exports import ExportsMixin
from .facilitation import FacilitationMixin, LiveSignature
from .faults import current_fault
from .insights import InsightsMixin
from .participants import ParticipantsMixin
from .polls import PollsMixin
from .retention import RetentionMixin
from .set_aside import SetAsideMixin
from .sign_in_links import SignInLinksMixin
from .staff import StaffMixin
from .tables import TablesMixin
from .wall import WallMixin


class Store(
    EventsMixin,
    ParticipantsMixin,
    PollsMixin,
    WallMixin,
    TablesMixin,
    EvaluationMixin,
    FacilitationMixin,
    ExportsMixin,
    EditingMixin,
    CodingMixin,
    InsightsMixin,
    AttemptsMixin,
    StaffMixin,
    RetentionMixin,
    SetAsideMixin,
    SignInLinksMixin,
):
    """An eventkit database (a SQLite file or a PostgreSQL database) and every operation on it."""


__all__ = [
    "LiveSignature",
    "Store",
    "StoreError",
    "StorageFault",
    "allow_many_open_files",
    "current_fault",
    "default_path",
    "utc_now",
    "utc_stamp",
]
