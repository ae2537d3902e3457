"""Facilitator actions, reachable only through a Console unlocked by the passcode.

A Console is a capability: the only ways to get one are Console.unlock(),
which checks the event's facilitator passcode against its stored hash (under
the guessing limits of eventkit.access.staff.sign_in), Console.use_sign_in_link(),
which uses up a single-use link a signed-in organiser made (not a guess, so
not paused by a guessing storm), and Console.resume(), which
takes a pass that remember() gave a browser after the passcode earlier the
same day (void once the passcode changes, at sign-out and at midnight). Every action
is a method of the Console, so code running for an attendee (who has no
Console) cannot change polls, the wall or the run of show, whatever it calls.
Each action also re-checks that the passcode has not changed since the
Console was unlocked, so changing the passcode locks out every open panel,
and a resumed Console that its pass is still valid, so a sign-out in another
tab or midnight stops it too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventkit import models
from eventkit.access import security, sign_in_link, staff
from eventkit.models import Live
from eventkit.storage import Store, StoreError, attempts

if TYPE_CHECKING:  # a type only: the module's public names stay the Console and its errors
    from eventkit.storage.set_aside import SetAside

_UNLOCKED = object()  # only Console.unlock has it, so only unlock() makes Consoles


class ConsoleLocked(PermissionError):
    """The passcode was wrong, or has changed since the Console was unlocked."""


class Console:
    """The facilitator's controls for one event."""

    __slots__ = ("store", "event_id", "_hash", "_pass")

    def __init__(
        self, store: Store, event_id: int, passcode_hash: str, _token: object = None, pass_token: str | None = None
    ) -> None:
        if _token is not _UNLOCKED:
            raise ConsoleLocked("A Console is only obtained with Console.unlock(store, event_id, passcode).")
        self.store, self.event_id, self._hash, self._pass = store, event_id, passcode_hash, pass_token

    @classmethod
    def unlock(cls, store: Store, event_id: int, passcode: str, client: str = "") -> Console:
        """A Console for the event if the passcode is right; raises ConsoleLocked otherwise.

        `client` names the browser session (a random id, see eventkit.access.staff):
        its own wrong passcodes slow down only that session, unless many
        sessions guess at once.
        """
        stored = store.facilitator_hash(event_id)
        if not stored:
            raise ConsoleLocked("This event has no facilitator passcode yet: the organiser sets one.")
        passcode = passcode or ""
        try:
            right = staff.sign_in(
                store,
                "facilitator",
                event_id,
                client,
                lambda: security.verify_passcode(passcode, stored),
                lambda: staff.rehash(stored, passcode, staff.facilitator_mark),
            )
        except attempts.ThrottledError as err:
            raise ConsoleLocked(str(err)) from err
        if not right:
            raise ConsoleLocked("That passcode is not right.")
        return cls(store, event_id, _hash_in_force(store, event_id, stored, passcode), _UNLOCKED)

    @classmethod
    def resume(cls, store: Store, event_id: int, token: str | None) -> Console:
        """A Console from a pass that remember() gave this browser earlier today.

        Raises ConsoleLocked when the pass is unknown, expired, signed out, or
        was issued before the passcode last changed.
        """
        stored = store.facilitator_hash(event_id)
        if not staff.pass_is_valid(store, token, "facilitator", event_id, staff.facilitator_mark(stored)):
            raise ConsoleLocked("Please sign in with the facilitator passcode.")
        return cls(store, event_id, stored, _UNLOCKED, token)

    @classmethod
    def use_sign_in_link(cls, store: Store, event_id: int, token: str | None) -> Console:
        """A Console from a sign-in link an organiser made for this event (eventkit.access.sign_in_link).

        Not a guess: it neither waits for nor clears the passcode's sign-in
        pauses. Raises ConsoleLocked when the link was used already, has
        expired, belongs to another event or the event has no passcode.
        """
        stored = store.facilitator_hash(event_id)
        if not stored:
            raise ConsoleLocked("This event has no facilitator passcode yet: the organiser sets one.")
        refused = sign_in_link.use(store, event_id, token)
        if refused:
            raise ConsoleLocked(refused)
        return cls(store, event_id, stored, _UNLOCKED)

    def remember(self) -> tuple[str, int]:
        """A pass for this browser until midnight: (token for its cookie, seconds it lasts)."""
        self._check()
        return staff.issue_pass(self.store, "facilitator", self.event_id, staff.facilitator_mark(self._hash))

    def sign_out(self, token: str | None) -> None:
        """End this browser's pass (the Console itself is dropped by the caller)."""
        staff.revoke_pass(self.store, token)

    def _check(self) -> Store:
        """The store, once the passcode this Console was unlocked with is still current and,
        for a Console resumed from a pass, that pass still is (not signed out, not past midnight)."""
        if self.store.facilitator_hash(self.event_id) != self._hash:
            raise ConsoleLocked("The facilitator passcode has changed: please sign in again.")
        mark = staff.facilitator_mark(self._hash)
        if self._pass is not None and not staff.pass_is_valid(
            self.store, self._pass, "facilitator", self.event_id, mark
        ):
            raise ConsoleLocked("This browser has been signed out of the control panel: please sign in again.")
        return self.store

    def _for_reading(self) -> Store:
        """The store, for a staff-only read drawn on the panel, once the passcode is still current.
        The section drawing it has just checked the pass (ui.facilitator.still_signed_in, at most
        a second ago), so a read does not look the pass up again; every action still does (_check)."""
        if self.store.facilitator_hash(self.event_id) != self._hash:
            raise ConsoleLocked("The facilitator passcode has changed: please sign in again.")
        return self.store

    def _own_poll(self, poll_id: int) -> None:
        poll = self._check().get_poll(poll_id)
        if poll is None or poll.event_id != self.event_id:
            raise StoreError("That poll is not part of this event.")

    # --- Run of show -------------------------------------------------------

    def set_live(self, kind: models.LiveKind, poll_id: int | None = None) -> Live:
        """Make welcome, a poll, the wall, the tables or the evaluation live."""
        return self._check().set_live(self.event_id, kind, poll_id)

    def set_joining_open(self, is_open: bool) -> None:
        """Close the door to new devices (people already in carry on), or reopen it."""
        self._check().set_joining_open(self.event_id, is_open)

    def set_aside_joined_between(self, start: str, end: str) -> int:
        """Set aside the devices that joined from start up to end (stored timestamps): their rows
        are kept but counted nowhere, and they can add nothing more. How many."""
        return self._check().set_aside_joined_between(self.event_id, start, end)

    def restore_set_aside(self, set_aside_id: int) -> int:
        """Count one set-aside window's devices again, with everything they sent; how many."""
        return self._check().restore_set_aside(self.event_id, set_aside_id)

    def set_asides(self) -> list[SetAside]:
        """The event's set-aside windows (staff only: when devices joined is not for attendees)."""
        return self._for_reading().list_set_asides(self.event_id)

    def joins_per_minute(self, since: str) -> list[tuple[str, int, int]]:
        """(UTC minute, devices that joined, of which set aside) since `since`, for picking a window."""
        return self._for_reading().joins_per_minute(self.event_id, since)

    # --- Polls ---------------------------------------------------------------

    def open_poll(self, poll_id: int) -> None:
        """Open voting (results stay as they were: hidden unless shown)."""
        self._own_poll(poll_id)
        self.store.set_poll_state(poll_id, "open")

    def close_poll(self, poll_id: int) -> None:
        """Stop voting; the answers so far are kept."""
        self._own_poll(poll_id)
        self.store.set_poll_state(poll_id, "closed")

    def reveal(self, poll_id: int) -> None:
        """Close voting, show the results and reveal the answer with its source."""
        self._own_poll(poll_id)
        with_results = self.store.get_poll(poll_id)
        self.store.set_poll_state(poll_id, "revealed")
        if with_results is not None and not with_results.results_visible:
            self.store.set_results_visible(poll_id, True)

    def show_results(self, poll_id: int, visible: bool) -> None:
        """Show or hide the live results on the projector."""
        self._own_poll(poll_id)
        self.store.set_results_visible(poll_id, visible)

    def next_poll(self, seen_poll_id: int | None, picked_id: int | None = None) -> int | None:
        """*Next question*: close the live poll if open, make the next one live and open it.

        `seen_poll_id` is the poll the panel showed as live (None if no poll was
        live); `picked_id` the poll chosen in the panel. The next one is the
        picked poll if it is a draft, else the first draft after the live poll
        (or the first draft of all when no poll is live): never one skipped.
        Returns its id, or None, changing nothing, when no question is left.
        """
        store = self._check()
        for poll_id in {p for p in (seen_poll_id, picked_id) if p is not None}:
            self._own_poll(poll_id)
        upcoming = store.advance_poll(self.event_id, seen_poll_id, picked_id)
        return upcoming.id if upcoming is not None else None

    def set_repeat_of(self, poll_id: int, earlier_id: int | None) -> None:
        """Mark a poll as a repeat of an earlier one, so the projector shows before/after."""
        self._own_poll(poll_id)
        self.store.set_poll_repeat(poll_id, earlier_id)

    def set_manual_counts(self, poll_id: int, counts: dict[int, int]) -> None:
        """Record show-of-hands counts for a poll (kept apart from phone votes)."""
        self._own_poll(poll_id)
        self.store.set_manual_counts(poll_id, counts)

    # --- Wall ------------------------------------------------------------------

    def set_note_status(self, note_id: int, status: models.NoteState) -> None:
        """Hide, unhide or approve a note ('hidden' / 'visible'). Notes are never deleted."""
        store = self._check()
        if note_id not in {n.id for n in store.notes_for_moderation(self.event_id)}:
            raise StoreError("That note is not part of this event.")
        store.set_note_status(note_id, status)

    def hide_note(self, note_id: int) -> None:
        self.set_note_status(note_id, "hidden")

    def show_note(self, note_id: int) -> None:
        """Unhide a hidden note, or approve a pending one."""
        self.set_note_status(note_id, "visible")

    def set_moderation(self, premoderate: bool, words: list[str]) -> None:
        """Turn pre-approval on or off and set the words that hold a note for review."""
        self._check().set_moderation(self.event_id, premoderate=premoderate, word_filter=words)

    # --- Evaluation ------------------------------------------------------------

    def set_eval_open(self, is_open: bool) -> None:
        """Open or close the exit evaluation."""
        self._check().set_eval_open(self.event_id, is_open)


def _hash_in_force(store: Store, event_id: int, checked: str, passcode: str) -> str:
    """The event's passcode hash after a right sign-in: the one checked, or the stronger hash of
    the same passcode that this or a concurrent sign-in stored instead (so the Console is not
    locked by the rehash); a passcode changed meanwhile locks it."""
    current = store.facilitator_hash(event_id)
    if current != checked and not security.verify_passcode(passcode, current):
        raise ConsoleLocked("The facilitator passcode has changed: please sign in again.")
    return current


def parse_words(text: str) -> list[str]:
    """Held words from a text box: one per line or comma-separated, blanks dropped."""
    words = (w.strip().lower() for line in (text or "").splitlines() for w in line.split(","))
    return list(dict.fromkeys(w for w in words if w))
