"""The event editor's tabs: one form each, every save handed whole to the page's `save`.

`save(new_spec, message="Saved.", show_poll=None)` is the page's: it checks the
role, saves the spec (or lists what is wrong) and reruns with `message` as a
toast; `show_poll` is the poll the picker shows after the rerun.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from eventkit.event import editing as edit
from eventkit.event.file import EventFileError, dump_event_file, parse_event_file
from eventkit.event.limits import MAX_EXPECTED
from eventkit.event.spec import EventSpec, PollSpec, TableSpec, VignetteSpec

from ..models import EVAL_KINDS, Event
from .downloads import download_link
from .organiser import show_errors

Save = Callable[..., None]
_POLL_NEXT = "editor-poll-next"  # the poll to pick in the next run (a widget's value is set before it is drawn)


def show_poll_after_rerun(index: int) -> None:
    """Make the poll picker show poll `index` (0-based; the count = "+ New poll") in the next run."""
    st.session_state[_POLL_NEXT] = index


def details_form(spec: EventSpec, save: Save) -> None:
    """Code, title, welcome, passcode and settings."""
    with st.form("details"):
        fields = {
            k: st.text_input(k.capitalize(), getattr(spec, k)) for k in ("code", "title", "subtitle", "date", "venue")
        }
        fields["welcome"] = st.text_area("Welcome", spec.welcome)
        passcode = st.text_input("New facilitator passcode (leave blank to keep the current one)", type="password")
        settings = _settings_fields(spec)
        if st.form_submit_button("Save details", type="primary"):
            if passcode and len(passcode) < 4:
                st.error("facilitator_passcode: must be at least 4 characters. Nothing was saved.")
            else:
                save(edit.with_details(spec, fields, settings, passcode))


def _settings_fields(spec: EventSpec) -> dict:
    return {
        "premoderate": st.checkbox("Hold every wall note for approval", spec.settings.premoderate),
        "word_filter": edit.lines(st.text_area("Held words (one per line)", "\n".join(spec.settings.word_filter))),
        "retention_days": st.number_input("Keep attendee data for (days)", 1, 3650, spec.settings.retention_days),
        "expected_attendance": st.number_input(
            "Expected attendance (people; 0 = not set)",
            0,
            MAX_EXPECTED,
            spec.settings.expected_attendance,
            help="The control panel warns when more devices join, and new devices may join at most twice this (+20) a minute.",
        ),
        "public_base_url": st.text_input("Public address for QR codes", spec.settings.public_base_url).strip(),
    }


def poll_form(spec: EventSpec, save: Save) -> None:
    """A picker of the polls (and "+ New poll"), and the chosen poll's form."""
    labels = [f"{i + 1}. {p.question[:80]}" for i, p in enumerate(spec.polls)] + ["+ New poll"]
    if _POLL_NEXT in st.session_state:
        st.session_state["editor-poll"] = st.session_state.pop(_POLL_NEXT)
    index = st.selectbox("Poll", range(len(labels)), format_func=labels.__getitem__, key="editor-poll")
    is_new = index == len(spec.polls)
    p = PollSpec(question="") if is_new else spec.polls[index]
    kind = st.segmented_control("Kind", ["choice", "estimate"], default=p.kind, required=True, key=f"kind-{index}")
    with st.form(f"poll-{index}"):
        question = st.text_area("Question", p.question)
        answer = _choice_fields(p) if kind == "choice" else _estimate_fields(p)
        fact = st.text_area("Fact shown at the reveal", p.fact)
        source = st.text_input("Source", p.source)
        earlier = [None, *range(1, index + 1)]
        repeat_of = st.selectbox(
            "Repeats poll (before/after)",
            earlier,
            earlier.index(p.repeat_of) if p.repeat_of in earlier else 0,
            format_func=lambda n: "— not a repeat —" if n is None else labels[n - 1],
        )
        position = st.number_input("Position", 1, len(spec.polls) + 1, index + 1)
        new_poll = edit.poll_from_form(kind, question, *answer, fact, source, repeat_of)
        _poll_buttons(spec, index, is_new, new_poll, position, save)


# A poll's answer fields, as poll_from_form takes them: (options, correct, true_value, low, high, unit).
_Answer = tuple[str, str, float | None, float | None, float | None, str]


def _choice_fields(p: PollSpec) -> _Answer:
    """(options, correct, true_value, low, high, unit) of a choice poll."""
    options = st.text_area("Options (one per line)", "\n".join(p.options))
    correct = st.text_input("Correct option (exactly as above; blank for an opinion poll)", p.correct or "")
    return options, correct, None, None, None, ""


def _estimate_fields(p: PollSpec) -> _Answer:
    """(options, correct, true_value, low, high, unit) of an estimate poll."""
    true_value = st.number_input("True value", value=edit.as_float(p.true_value), format="%g")
    low = st.number_input("Lowest answer allowed", value=edit.as_float(p.min), format="%g")
    high = st.number_input("Highest answer allowed", value=edit.as_float(p.max), format="%g")
    unit = st.text_input("Unit (e.g. %, thousand)", p.unit)
    return "", "", true_value, low, high, unit


def _poll_buttons(spec: EventSpec, index: int, is_new: bool, new_poll: PollSpec, position: int, save: Save) -> None:
    if st.form_submit_button("Save poll", type="primary"):
        saved = edit.put_poll(spec, None if is_new else index, new_poll, position)
        save(saved, "Poll saved.", min(position, len(saved.polls)) - 1)
    if is_new and st.form_submit_button("Save and add another"):
        saved = edit.put_poll(spec, None, new_poll, position)
        save(saved, "Poll saved. Now the next one.", len(saved.polls))
    if not is_new and st.form_submit_button("Delete poll"):
        save(edit.drop_poll(spec, index), "Poll deleted.", index)


KIND_HELP = (
    "What attendees answer. score: a rating from 1 (poor) to 5 (excellent); "
    "likert: how much they agree, from Strongly disagree to Strongly agree; "
    "text: a free-text answer in their own words."
)


def wall_and_evaluation_form(spec: EventSpec, save: Save) -> None:
    """The wall prompts and the evaluation items, as two editable tables."""
    with st.form("wall-evaluation"):
        st.caption(
            "Add rows at the bottom; select a row and press Delete to remove it. Prompts or items "
            "that already have notes or answers cannot be removed, only reworded. Double-click a cell "
            "to type in it (keys pressed before its text box opens are lost); Enter or Tab keeps what you typed."
        )
        prompts = st.data_editor(
            edit.prompt_frame(spec),
            num_rows="dynamic",
            key="prompts",
            column_config={"prompt": st.column_config.TextColumn("Wall prompt", width="large", default="")},
        )
        st.caption(f"Kind — {KIND_HELP}")
        items = st.data_editor(
            edit.evaluation_frame(spec),
            num_rows="dynamic",
            key="evaluation",
            column_config={
                "kind": st.column_config.SelectboxColumn(
                    "Kind", options=list(EVAL_KINDS), required=True, default="score", help=KIND_HELP
                ),
                "text": st.column_config.TextColumn(
                    "Evaluation item", width="large", default="", help="The question as attendees read it."
                ),
            },
        )
        if st.form_submit_button("Save wall prompts and evaluation", type="primary"):
            saved = edit.with_wall_and_evaluation(spec, prompts, items)
            save(saved, _wall_and_evaluation_saved(saved))


def _wall_and_evaluation_saved(spec: EventSpec) -> str:
    """What a save of the two grids did, e.g. "Saved: 3 wall prompts and no evaluation questions"."""
    prompts, items = len(spec.wall_prompts), len(spec.evaluation)
    said = [
        f"{n or 'no'} {noun}{'' if n == 1 else 's'}"
        for n, noun in ((prompts, "wall prompt"), (items, "evaluation question"))
    ]
    empty = " (attendees see no evaluation form)" if not items else ""
    return f"Saved: {said[0]} and {said[1]}{empty}."


def table_form(spec: EventSpec, save: Save) -> None:
    """A picker of the tables (and a new one), and the chosen table's name and vignettes."""
    numbers = [t.number for t in spec.tables]
    number = st.selectbox(
        "Table",
        [*numbers, max(numbers, default=0) + 1],
        format_func=lambda n: f"Table {n}" + ("" if n in numbers else " (new)"),
    )
    table = next((t for t in spec.tables if t.number == number), TableSpec(number, f"Table {number}"))
    with st.form(f"table-{number}"):
        name = st.text_input("Table name", table.name)
        st.header("Vignettes", anchor=False)  # the vignettes' h3 headings sit under an h2 (axe heading-order)
        vignettes = []
        for i, shown in enumerate([*table.vignettes, VignetteSpec(title="")]):
            if (vignette := _vignette_fields(number, i, shown)) is not None:
                vignettes.append(vignette)
        st.caption("To remove a vignette, clear its title.")
        if st.form_submit_button("Save table", type="primary"):
            save(edit.put_vignettes(spec, number, name, vignettes), f"Table {number} saved.")
        if number in numbers and st.form_submit_button(f"Remove table {number}"):
            save(edit.drop_table(spec, number), f"Table {number} removed.")


def _vignette_fields(number: int, i: int, v: VignetteSpec) -> VignetteSpec | None:
    """One vignette's fields; None when its title is blank (skipped, or removed)."""
    st.subheader(f"Vignette {i + 1}" if v.title else "Add a vignette (leave the title blank to skip)", anchor=False)
    title = st.text_input("Title", v.title, key=f"vt-{number}-{i}")
    story = st.text_area("Story", v.story, key=f"vs-{number}-{i}", height=160)
    prompts = st.text_area("Discussion prompts (one per line)", "\n".join(v.prompts), key=f"vp-{number}-{i}")
    return edit.vignette_from_form(title, story, prompts) if title.strip() else None


def event_file_form(event: Event, spec: EventSpec, save: Save) -> None:
    """The event file to download, and to edit as YAML (checked whole, with line numbers)."""
    download_link("Download the event file", "event-file-staff", event)
    with st.form("yaml"):
        text = st.text_area(
            "Edit the event file directly",
            dump_event_file(spec),
            height=420,
            help="Problems are listed with their field and line; nothing is saved until there are none.",
        )
        if st.form_submit_button("Check and save", type="primary"):
            try:
                save(parse_event_file(text), "Event file saved.")
            except EventFileError as err:
                show_errors(err.errors, in_words=False)
