"""What a browser tab shows: the elements the server drew, by delta path, and the runs that drew them.

Screen keeps the elements of Streamlit's ForwardMsg deltas as the frontend
does (a finished run drops what it did not draw again; a finished fragment
run drops only what that fragment did not draw again) and finds them by kind,
key, label or text. client.StreamlitSession is a Screen with a websocket.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ERROR = Alert.Format.ERROR
SUCCESS = Alert.Format.SUCCESS
INFO = Alert.Format.INFO


@dataclass
class Shown:
    """One element on screen: its kind, proto and the run that last drew it."""

    kind: str
    proto: Any  # the element's protobuf message: its class depends on kind
    run: int
    fragment: str

    @property
    def element_id(self) -> str:
        return getattr(self.proto, "id", "") or ""

    @property
    def text(self) -> str:
        return str(getattr(self.proto, "body", "") or getattr(self.proto, "label", "") or "")


class Screen:
    """The elements on screen and the count of runs, kept from the server's messages."""

    def __init__(self) -> None:
        self.elements: dict[tuple[int, ...], Shown] = {}
        self.runs_finished = 0  # full (not fragment) runs completed
        self.fragment_runs = 0
        self.last_finished_run = 0  # run_id of the last run, full or fragment, that finished
        self.exceptions: list[str] = []
        self._run = 0
        self._frags_this_run: list[str] = []
        self._fragment_roots: dict[str, tuple[int, ...]] = {}

    # --- what the server draws ---------------------------------------------------

    def start_run(self, fragment_ids: list[str]) -> None:
        """A run begins: a full one when fragment_ids is empty, else a run of those fragments."""
        self._run += 1
        self._frags_this_run = fragment_ids

    def apply_delta(self, msg: ForwardMsg) -> None:
        """An element or block drawn at its delta path by the current run."""
        delta, path = msg.delta, tuple(msg.metadata.delta_path)
        which = delta.WhichOneof("type")
        if which == "new_element":
            el: Element = delta.new_element
            kind = el.WhichOneof("type")
            if kind is None:  # an element of a kind this protocol version does not name: nothing to show
                return
            self.elements[path] = Shown(kind, getattr(el, kind), self._run, delta.fragment_id)
            if kind == "exception":
                self.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif which == "add_block":
            self.elements[path] = Shown("block", delta.add_block, self._run, delta.fragment_id)
            if delta.fragment_id and delta.fragment_id not in self._fragment_roots:
                self._fragment_roots[delta.fragment_id] = path

    def finish_run(self, status: int) -> None:
        """A run ended: drop what it did not draw again, as the frontend does."""
        if status in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
            self.last_finished_run = self._run
        if status == ForwardMsg.FINISHED_SUCCESSFULLY:
            # The frontend drops elements the finished run did not draw again.
            self.elements = {p: s for p, s in self.elements.items() if s.run == self._run}
            self.runs_finished += 1
        elif status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
            roots = [self._fragment_roots[f] for f in self._frags_this_run if f in self._fragment_roots]
            self.elements = {
                p: s
                for p, s in self.elements.items()
                if s.run == self._run or not any(p[: len(r)] == r and p != r for r in roots)
            }
            self.fragment_runs += 1

    # --- looking at the screen ---------------------------------------------------

    def find(
        self, kind: str | None = None, *, key: str | None = None, label: str | None = None, contains: str | None = None
    ) -> list[Shown]:
        """Elements on screen by kind, widget key (id ends in -key), label or text."""
        found = []
        for path in sorted(self.elements):
            shown = self.elements[path]
            if kind and shown.kind != kind:
                continue
            if key is not None and not shown.element_id.endswith(f"-{key}"):
                continue
            if label is not None and getattr(shown.proto, "label", None) != label:
                continue
            if contains is not None and contains not in shown.text:
                continue
            found.append(shown)
        return found

    def alerts(self, fmt: int, since_run: int = -1) -> list[str]:
        """Texts of alerts of one format, drawn by runs after since_run."""
        return [s.text for s in self.find("alert") if s.proto.format == fmt and s.run > since_run]

    @property
    def run_id(self) -> int:
        """A number that grows with every run the server starts (full or fragment)."""
        return self._run
