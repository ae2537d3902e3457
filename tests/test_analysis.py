"""Dashboard data frames and charts, on a sample day and on an empty event."""

from __future__ import annotations

import pytest

from eventkit.event.sample import populate_sample
from eventkit.results import analysis


@pytest.fixture
def day(demo):
    store, event = demo
    populate_sample(store, event.id, n=20, seed=3)
    return store, event


def test_poll_summary_counts_from_rows(day):
    store, event = day
    summary = analysis.poll_summary_frame(store, event.id)
    assert len(summary) == len(store.list_polls(event.id))
    first = store.list_polls(event.id)[0]
    assert summary.iloc[0]["answers"] == store.vote_count(first.id)
    assert 0 <= summary.iloc[0]["share correct"] <= 1
    assert summary.iloc[1]["true value"] == 395


def test_choice_frame_shares_sum_to_one_and_marks_answer(day):
    store, event = day
    poll = store.list_polls(event.id)[0]
    frame = analysis.choice_frame(store, poll)
    assert frame["share"].sum() == pytest.approx(1)
    assert frame[frame["correct"]]["option"].tolist() == ["More than four in five"]


def test_shift_frame_before_after(day):
    store, event = day
    repeat = next(p for p in store.list_polls(event.id) if p.repeat_of)
    frame = analysis.shift_frame(store, repeat)
    assert set(frame["when"]) == {"before", "after"}
    assert frame.groupby("when")["share"].sum().tolist() == pytest.approx([1, 1])


def test_participation_slots_are_fifteen_minutes(day):
    store, event = day
    frame = analysis.participation_frame(store, event.id)
    assert frame["count"].sum() == len(store.activity_times(event.id))
    assert {"join", "vote", "note", "evaluation"} <= set(frame["kind"])
    assert all(s[-2:] in ("00", "15", "30", "45") for s in frame["slot"])


def test_matrix_frame_has_a_total(day):
    store, event = day
    matrix = analysis.matrix_frame(store.analysis_matrix(event.id))
    assert list(matrix.columns) == ["theme", "Wall notes", "Table notes", "Evaluation answers", "total"]
    assert (matrix["total"] == matrix.iloc[:, 1:4].sum(axis=1)).all()


def test_all_charts_build_to_vega_lite(day):
    store, event = day
    polls = store.list_polls(event.id)
    frame = analysis.eval_frame(store, event.id)
    charts = [
        analysis.perception_chart(polls[0], analysis.choice_frame(store, polls[0])),
        analysis.estimate_chart(polls[1], store.poll_results(polls[1].id).estimates),
        analysis.shift_chart(polls[-1], analysis.shift_frame(store, polls[-1])),
        analysis.notes_chart(analysis.notes_frame(store, event.id)),
        analysis.likert_chart(frame),
        analysis.score_chart(frame),
        analysis.participation_chart(analysis.participation_frame(store, event.id)),
    ]
    for chart in charts:
        assert chart is not None and chart.to_dict()["$schema"]


def test_likert_bars_diverge_around_zero(day):
    store, event = day
    chart = analysis.likert_chart(analysis.eval_frame(store, event.id))
    values = (
        chart.to_dict()["layer"][0]["data"]["values"]
        if "values" in chart.to_dict()["layer"][0].get("data", {})
        else None
    )
    data = values or next(iter(chart.to_dict()["datasets"].values()))
    for item in {d["item"] for d in data}:
        rows = [d for d in data if d["item"] == item]
        assert min(d["x"] for d in rows) <= 0 <= max(d["x2"] for d in rows)
        assert sum(d["share"] for d in rows) == pytest.approx(1)


def test_empty_event_gives_empty_frames(demo):
    store, event = demo
    assert analysis.participation_frame(store, event.id).empty
    assert analysis.eval_frame(store, event.id).empty
    assert analysis.likert_chart(analysis.eval_frame(store, event.id)) is None
    assert analysis.response_rate(store, event.id) == (0, 0, None)


def test_response_rate_is_responses_then_joined_everywhere(demo):
    """The same two numbers in the same order from the Store, the panel's read and analysis."""
    from eventkit.access import security

    store, event = demo
    store.set_eval_open(event.id, True)
    people = [store.join(event.id, security.new_token()) for _ in range(4)]
    item = next(i for i in store.list_eval_items(event.id) if i.kind == "text")
    store.submit_evaluation(event.id, people[0].id, {item.id: "Useful day"})
    assert store.response_rate(event.id) == (1, 4)
    assert analysis.response_rate(store, event.id) == (1, 4, 0.25)
