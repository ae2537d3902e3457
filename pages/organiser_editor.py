"""Organiser: edit the chosen event. Every save is checked as a whole and kept or refused whole."""

import streamlit as st

from eventkit import event_editing as edit
from eventkit import ui
from eventkit.eventfile import EventFileError, dump_event_file, parse_event_file
from eventkit.limits import MAX_EXPECTED
from eventkit.models import EVAL_KINDS
from eventkit.spec import PollSpec, TableSpec, VignetteSpec
from eventkit.storage import StoreError
from eventkit.ui.organiser import organiser_page, require_event, show_errors, toast_after_rerun

event = require_event(organiser_page("Event editor"))
store = ui.store()
spec = store.export_spec(event.id)


def save(new_spec, message: str = "Saved.", show_poll: int | None = None) -> None:
    ui.check_organiser()  # the action checks the role again
    try:
        edit.save(store, event.id, new_spec)
    except EventFileError as err:
        show_errors(err.errors)
        return
    except StoreError as err:
        show_errors([err])
        return
    if show_poll is not None:  # the picker stays on the poll just saved (set before it is drawn)
        st.session_state["editor-poll-next"] = min(show_poll, len(new_spec.polls))
    toast_after_rerun(message)
    st.rerun()


details, polls_tab, wall_tab, tables_tab, file_tab = st.tabs(["Details", "Polls", "Wall and evaluation", "Tables", "Event file"])

with details, st.form("details"):
    fields = {k: st.text_input(k.capitalize(), getattr(spec, k)) for k in ("code", "title", "subtitle", "date", "venue")}
    fields["welcome"] = st.text_area("Welcome", spec.welcome)
    passcode = st.text_input("New facilitator passcode (leave blank to keep the current one)", type="password")
    settings = {
        "premoderate": st.checkbox("Hold every wall note for approval", spec.settings.premoderate),
        "word_filter": edit.lines(st.text_area("Held words (one per line)", "\n".join(spec.settings.word_filter))),
        "retention_days": st.number_input("Keep attendee data for (days)", 1, 3650, spec.settings.retention_days),
        "expected_attendance": st.number_input("Expected attendance (people; 0 = not set)", 0, MAX_EXPECTED, spec.settings.expected_attendance,
                                               help="The control panel warns when more devices join, and new devices may join at most twice this (+20) a minute."),
        "public_base_url": st.text_input("Public address for QR codes", spec.settings.public_base_url).strip(),
    }
    if st.form_submit_button("Save details", type="primary"):
        if passcode and len(passcode) < 4:
            st.error("facilitator_passcode: must be at least 4 characters. Nothing was saved.")
        else:
            save(edit.with_details(spec, fields, settings, passcode))

with polls_tab:
    labels = [f"{i + 1}. {p.question[:80]}" for i, p in enumerate(spec.polls)] + ["+ New poll"]
    if "editor-poll-next" in st.session_state:
        st.session_state["editor-poll"] = st.session_state.pop("editor-poll-next")
    index = st.selectbox("Poll", range(len(labels)), format_func=labels.__getitem__, key="editor-poll")
    is_new = index == len(spec.polls)
    p = PollSpec(question="") if is_new else spec.polls[index]
    kind = st.segmented_control("Kind", ["choice", "estimate"], default=p.kind, required=True, key=f"kind-{index}")
    with st.form(f"poll-{index}"):
        question = st.text_area("Question", p.question)
        if kind == "choice":
            options = st.text_area("Options (one per line)", "\n".join(p.options))
            correct = st.text_input("Correct option (exactly as above; blank for an opinion poll)", p.correct or "")
            true_value = low = high = None
            unit = ""
        else:
            options = correct = ""
            true_value = st.number_input("True value", value=edit.as_float(p.true_value), format="%g")
            low = st.number_input("Lowest answer allowed", value=edit.as_float(p.min), format="%g")
            high = st.number_input("Highest answer allowed", value=edit.as_float(p.max), format="%g")
            unit = st.text_input("Unit (e.g. %, thousand)", p.unit)
        fact = st.text_area("Fact shown at the reveal", p.fact)
        source = st.text_input("Source", p.source)
        earlier = [None, *range(1, index + 1)]
        repeat_of = st.selectbox("Repeats poll (before/after)", earlier, earlier.index(p.repeat_of) if p.repeat_of in earlier else 0,
                                 format_func=lambda n: "— not a repeat —" if n is None else labels[n - 1])
        position = st.number_input("Position", 1, len(spec.polls) + 1, index + 1)
        new_poll = edit.poll_from_form(kind, question, options, correct, true_value, low, high, unit, fact, source, repeat_of)
        if st.form_submit_button("Save poll", type="primary"):
            saved = edit.put_poll(spec, None if is_new else index, new_poll, position)
            save(saved, "Poll saved.", min(position, len(saved.polls)) - 1)
        if is_new and st.form_submit_button("Save and add another"):
            saved = edit.put_poll(spec, None, new_poll, position)
            save(saved, "Poll saved. Now the next one.", len(saved.polls))
        if not is_new and st.form_submit_button("Delete poll"):
            save(edit.drop_poll(spec, index), "Poll deleted.", index)

with wall_tab, st.form("wall-evaluation"):
    st.caption("Add rows at the bottom; select a row and press Delete to remove it. Prompts or items "
               "that already have notes or answers cannot be removed, only reworded.")
    prompts = st.data_editor(edit.prompt_frame(spec), num_rows="dynamic", key="prompts",
                             column_config={"prompt": st.column_config.TextColumn("Wall prompt", width="large")})
    items = st.data_editor(edit.evaluation_frame(spec), num_rows="dynamic", key="evaluation", column_config={
        "kind": st.column_config.SelectboxColumn("Kind", options=list(EVAL_KINDS), required=True),
        "text": st.column_config.TextColumn("Evaluation item", width="large")})
    if st.form_submit_button("Save wall prompts and evaluation", type="primary"):
        save(edit.with_wall_and_evaluation(spec, prompts, items))

with tables_tab:
    numbers = [t.number for t in spec.tables]
    number = st.selectbox("Table", [*numbers, max(numbers, default=0) + 1],
                          format_func=lambda n: f"Table {n}" + ("" if n in numbers else " (new)"))
    table = next((t for t in spec.tables if t.number == number), TableSpec(number, f"Table {number}"))
    with st.form(f"table-{number}"):
        name = st.text_input("Table name", table.name)
        vignettes = []
        for i, v in enumerate([*table.vignettes, VignetteSpec(title="")]):
            st.subheader(f"Vignette {i + 1}" if v.title else "Add a vignette (leave the title blank to skip)")
            title = st.text_input("Title", v.title, key=f"vt-{number}-{i}")
            story = st.text_area("Story", v.story, key=f"vs-{number}-{i}", height=160)
            vprompts = st.text_area("Discussion prompts (one per line)", "\n".join(v.prompts), key=f"vp-{number}-{i}")
            if title.strip():
                vignettes.append(edit.vignette_from_form(title, story, vprompts))
        st.caption("To remove a vignette, clear its title.")
        if st.form_submit_button("Save table", type="primary"):
            save(edit.put_vignettes(spec, number, name, vignettes), f"Table {number} saved.")
        if number in numbers and st.form_submit_button(f"Remove table {number}"):
            save(edit.drop_table(spec, number), f"Table {number} removed.")

with file_tab:
    st.download_button("Download the event file", dump_event_file(spec), f"{event.code.lower()}.yaml", "application/x-yaml")
    with st.form("yaml"):
        text = st.text_area("Edit the event file directly", dump_event_file(spec), height=420,
                            help="Problems are listed with their field and line; nothing is saved until there are none.")
        if st.form_submit_button("Check and save", type="primary"):
            try:
                save(parse_event_file(text), "Event file saved.")
            except EventFileError as err:
                show_errors(err.errors)
