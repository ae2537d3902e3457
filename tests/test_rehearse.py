"""The rehearsal tool: its parts on their own, and a small rehearsal against a real server.

The small rehearsal (30 simulated phones on the HTML pages, about a minute) checks correctness
only: the database holds exactly the submissions the simulated screens
acknowledged. It asserts no timings; the big runs are benchmarks (bench/).
It is the run's shared rehearsal (tests/live_server.py), whose leftovers
tests/test_privacy_scan.py scans too.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from eventkit.cli.serve import nginx_config, port_is_free
from eventkit.rehearse.metrics import ProcessTree, Recorder, percentile
from eventkit.rehearse.runner import format_summary
from eventkit.rehearse.scenario import Ledger, Settings
from eventkit.rehearse.verify import check, classify, take_counts
from eventkit.web import stream


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 50, None),
        ([0.3], 99, 0.3),
        ([1, 2, 3, 4], 50, 2),
        (list(range(1, 101)), 95, 95),
        (list(range(1, 101)), 99, 99),
        ([5, 1, 4, 2, 3], 100, 5),
    ],
)
def test_percentile_by_nearest_rank(values, q, expected):
    assert percentile(values, q) == expected


def test_the_database_process_tree_is_counted_with_the_servers():
    """--database-pid: PostgreSQL's processes are not the server's children, but work for it."""
    server, database = (subprocess.Popen(["sleep", "30"]) for _ in range(2))
    try:
        for proc in (server, database):  # sampled before exec, a child still has the test's memory
            for _ in range(200):
                if Path(f"/proc/{proc.pid}/comm").read_text().strip() == "sleep":
                    break
                time.sleep(0.01)
        alone = ProcessTree(server.pid).sample()[2]
        both = ProcessTree(server.pid, (database.pid,)).sample()[2]
        assert alone > 0 and both > 1.5 * alone
        assert ProcessTree(server.pid, (server.pid,)).sample()[2] < 1.5 * alone, "counted once"
    finally:
        for proc in (server, database):
            proc.kill()
            proc.wait()


def test_recorder_summarises_in_milliseconds():
    rec = Recorder()
    for seconds in (0.1, 0.2, 0.3):
        rec.timing("vote_ack", seconds)
    assert rec.summary("vote_ack") == {"n": 3, "p50_ms": 200, "p95_ms": 300, "p99_ms": 300, "max_ms": 300}
    assert rec.summary("never")["n"] == 0


@pytest.mark.parametrize(
    ("duration", "join_window", "expected_join"),
    [(60, 60, 30), (200, 60, 60), (20, 5, 5)],
)
def test_running_order_joins_first_within_the_window(duration, join_window, expected_join):
    settings = Settings(url="http://x", event_code="X", duration=duration, join_window=join_window)
    phases = settings.phases()
    assert [kind for kind, _ in phases] == ["welcome", "poll", "wall", "tables", "evaluation"]
    assert settings.effective_join_window() == expected_join
    assert phases[0][1] > expected_join  # nothing goes live before everyone could join


def test_nginx_config_is_sticky_by_cookie_with_websockets_and_gzip(tmp_path):
    conf = nginx_config(tmp_path, "0.0.0.0:8501", [9001, 9002], tmp_path / "static")
    assert "hash $ek_route consistent" in conf and "ip_hash" not in conf
    assert "server 127.0.0.1:9001" in conf and "server 127.0.0.1:9002" in conf
    assert "proxy_set_header Upgrade $http_upgrade" in conf
    assert "gzip_static on" in conf and "gzip on" in conf
    assert "listen 0.0.0.0:8501" in conf


def _block(conf: str, start: str) -> str:
    """The body of the nginx block that opens with `start {` (up to its closing brace)."""
    match = re.search(re.escape(start) + r" \{(.*?)\n\s*\}", conf, re.S)
    assert match, f"no {start}"
    return match.group(1)


EVENTS_LOCATION = "location ~ ^/e/[^/]+/events$"


def _stream_rules(block: str) -> list[str]:
    """What an event-stream location must say, and does not (issue 20): unbuffered, uncompressed,
    a read timeout above the app's heartbeat."""
    timeout = re.search(r"proxy_read_timeout (\d+)s;", block)
    wanted = {
        "proxy_buffering off": "proxy_buffering off;" in block,
        "gzip off": "gzip off;" in block,
        "HTTP/1.1 keep-alive upstream": "proxy_http_version 1.1;" in block and 'Connection "";' in block,
        f"read timeout above {stream.HEARTBEAT_SECONDS} s": bool(timeout)
        and int(timeout.group(1)) > 2 * stream.HEARTBEAT_SECONDS,
    }
    return [rule for rule, ok in wanted.items() if not ok]


def test_nginx_config_passes_event_streams_on_and_has_connections_for_them(tmp_path):
    conf = nginx_config(tmp_path, "0.0.0.0:8501", [9001, 9002], tmp_path / "static")
    assert _stream_rules(_block(conf, EVENTS_LOCATION)) == []
    assert re.fullmatch(EVENTS_LOCATION.split(" ")[-1], "/e/FIFE16/events")
    connections = int(re.search(r"worker_connections (\d+);", conf).group(1))
    workers = int(re.search(r"worker_processes (\d+);", conf).group(1))
    open_files = int(re.search(r"worker_rlimit_nofile (\d+);", conf).group(1))
    assert workers * connections >= 2 * 2 * 5000  # two connections a phone, each proxied, for 5,000 phones
    assert open_files >= connections
    # nginx started by a user (not root) cannot raise its open files above the hard limit, often
    # 20,000 or less (this machine's): 40,960 asked for in one process was refused, leaving 20,000
    # for 20,480 connections. Each process's share fits, and the listener shares connections out.
    assert open_files <= 16384 and "reuseport;" in conf
    assert conf.index(EVENTS_LOCATION) < conf.index("location / {")


def test_the_load_balancer_example_passes_event_streams_on():
    example = (Path(__file__).resolve().parents[1] / "deploy" / "nginx-load-balancer.conf").read_text()
    block = _block(example, EVENTS_LOCATION)
    assert _stream_rules(block) == []
    assert "proxy_set_header Cookie $ek_cookie;" in block  # the same host as the page
    assert re.search(r"worker_connections (\d+);", example)  # the note for nginx.conf


def _votes_for(store, event, n):
    poll = next(p for p in store.list_polls(event.id) if p.kind == "choice")
    store.set_poll_state(poll.id, "open")
    ledger = Ledger()
    for i in range(n):
        token = f"rehearsal-token-{i:04d}-abcdef"
        who = store.join(event.id, token, 1)
        store.cast_vote(poll.id, who.id, poll.options[i % len(poll.options)].id)
        ledger.joined.add(token)
        ledger.vote(token, poll.id, poll.options[i % len(poll.options)].id, 0.0, 0.1)
    return poll, ledger


def test_check_passes_when_the_database_holds_exactly_the_acknowledged(demo):
    store, event = demo
    before = take_counts(store, event)
    _poll, ledger = _votes_for(store, event, 3)
    rows, samples = check(store, event, before, ledger)
    assert all(ok for *_, ok in rows) and samples == {}, (rows, samples)
    assert ("votes on poll", 3, 3) in [(w[:13], a, s) for w, a, s, _ in rows]


@pytest.mark.parametrize(
    "what", ["unacknowledged vote", "wrong option", "lost participant", "lost note writer", "lost evaluator"]
)
def test_check_flags_any_difference(demo, what):
    store, event = demo
    before = take_counts(store, event)
    poll, ledger = _votes_for(store, event, 3)
    if what == "unacknowledged vote":  # stored, but no screen ever showed it
        extra = store.join(event.id, "rehearsal-token-extra-abcdef", 2)
        store.cast_vote(poll.id, extra.id, poll.options[0].id)
    elif what == "wrong option":
        token = next(iter(ledger.joined))
        ledger.votes[(token, poll.id)] = poll.options[-1].id + 1000
    elif what == "lost participant":  # the screens saw one more join than was stored
        ledger.joined.add("rehearsal-token-ghost-abcdef")
    else:  # a join never stored, whose screen had a note or an evaluation acknowledged: reported, not a crash
        ghost = "rehearsal-token-ghost-abcdef"
        ledger.joined.add(ghost)
        if what == "lost note writer":
            ledger.notes[ghost] = ["A note the database never had"]
        else:
            ledger.evaluations[ghost] = {1: 5}
    rows, _samples = check(store, event, before, ledger)
    assert not all(ok for *_, ok in rows)


@pytest.mark.parametrize(
    "what, expected",
    [
        ("a vote sent, never acknowledged, stored", "unacknowledged_stored"),
        ("a vote change sent, never acknowledged, stored", "unacknowledged_stored"),
        ("an acknowledged vote stored differently", "lost"),
        ("a vote stored that nobody sent", "unexplained"),
    ],
)
def test_check_tells_stored_but_not_acknowledged_from_lost(demo, what, expected):
    store, event = demo
    before = take_counts(store, event)
    poll, ledger = _votes_for(store, event, 3)
    token = sorted(ledger.joined)[0]
    who = store.participant_by_token(event.id, token)
    other = next(o.id for o in poll.options if o.id != ledger.votes[(token, poll.id)])
    if what.startswith("a vote sent"):  # a fourth phone's POST stored; its answer never reached it
        late = "rehearsal-token-late-abcdef"
        store.cast_vote(poll.id, store.join(event.id, late, 1).id, other)
        ledger.joined.add(late)
        ledger.sent(("vote", late, poll.id), other)
    elif what.startswith("a vote change"):
        ledger.sent(("vote", token, poll.id), other)
        store.cast_vote(poll.id, who.id, other)
    elif what.startswith("an acknowledged"):
        store.cast_vote(poll.id, who.id, other)
    else:
        stray = "rehearsal-token-stray-abcdef"
        store.cast_vote(poll.id, store.join(event.id, stray, 1).id, other)
        ledger.join_tries.add(stray)
    rows, samples = check(store, event, before, ledger)
    assert list(samples) == [expected], (rows, samples)
    assert all(ok for *_, ok in rows) is (expected == "unacknowledged_stored"), rows


V, W, N, E = ("vote", "t1", 1), ("wall note", "t1", "hello"), ("table note", "hi"), ("evaluation", "t1")


@pytest.mark.parametrize(
    "acked, tries, stored, expected",
    [
        ({V: 2}, {}, {V: 2}, ([], [], [])),  # stored as shown
        ({V: 2}, {V: [3]}, {V: 3}, ([], [V], [])),  # changed by a POST whose answer was lost
        ({V: 2}, {V: [3]}, {V: 2}, ([], [], [])),  # that POST was not stored: fine
        ({V: 2}, {V: [3]}, {V: 4}, ([V], [], [])),  # neither shown nor sent: lost
        ({V: 2}, {}, {}, ([V], [], [])),  # acknowledged, missing
        ({}, {V: [3]}, {V: 3}, ([], [V], [])),  # first vote never acknowledged, stored
        ({}, {V: [3]}, {}, ([], [], [])),  # never acknowledged, not stored
        ({}, {}, {V: 3}, ([], [], [V])),  # nobody sent it
        ({W: True, N: True}, {}, {W: True}, ([N], [], [])),  # a table note lost
        ({}, {W: [True], N: [True]}, {W: True, N: True}, ([], [N, W], [])),
        ({E: {1: 5}}, {E: [{1: 4}]}, {E: {1: 4}}, ([], [E], [])),
        ({E: {1: 5}}, {}, {E: {1: 4}}, ([E], [], [])),
    ],
)
def test_classify_items_as_lost_stored_unacknowledged_or_unexplained(acked, tries, stored, expected):
    found = classify(acked, tries, stored)
    assert (found.lost, found.unacknowledged_stored, found.unexplained) == expected


# --- A small rehearsal against a real server ---------------------------------------


@pytest.mark.slow  # a real server
def test_small_rehearsal_stores_exactly_what_screens_acknowledged(rehearsal):
    # The run's shared rehearsal (tests/live_server.py): 30 HTTP phones following by the event
    # stream, seed 7, server CPU measured.
    result = rehearsal.result
    report = format_summary(result)
    assert result["database_matches"], report
    assert result["errors"] == 0, report
    counts = result["counts"]
    assert counts.get("votes", 0) > 0 and counts.get("evaluations", 0) > 0 and counts.get("stream_messages", 0) >= 30, (
        report
    )
    assert result["database_check"][0]["acknowledged"] >= 30, report
    assert "server: CPU" in report


@pytest.mark.slow  # a real server
def test_port_check_sees_a_port_in_use(live_server):
    assert not port_is_free("127.0.0.1", live_server.port)


# --- The client's view of the screen, from synthetic server messages -----------------


def _msg(kind: str, *, path=(), fragments=(), element=None, fragment_id="", status=0):
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.metadata.delta_path[:] = list(path)
    msg.metadata.run.fragment_ids[:] = list(fragments)
    if kind == "new_session":
        msg.new_session.page_script_hash = "page"
    elif kind == "button":
        msg.delta.new_element.button.id = f"$$ID-abc-{element}"
        msg.delta.new_element.button.label = element
        msg.delta.fragment_id = fragment_id
    elif kind == "block":
        msg.delta.add_block.SetInParent()
        msg.delta.fragment_id = fragment_id
    elif kind == "finished":
        msg.script_finished = status
    return msg


def _screen(messages):
    from eventkit.rehearse.client import StreamlitSession

    session = StreamlitSession("http://127.0.0.1:1")
    for message in messages:
        session._handle(message)
    return session


@pytest.mark.parametrize(
    ("second_run", "expected"),
    [
        # A full run that draws only B: A is gone, as in the browser.
        ([_msg("new_session"), _msg("button", path=(0, 1), element="B"), _msg("finished")], ["B"]),
        # A fragment run inside (0, 5) draws nothing: elements outside it stay.
        ([_msg("new_session", fragments=["f1"]), _msg("finished", status=3)], ["A"]),
        # A run stopped early for a rerun removes nothing yet.
        ([_msg("new_session"), _msg("finished", status=2)], ["A", "in-frag"]),
    ],
)
def test_screen_keeps_what_the_last_run_drew(second_run, expected):
    first = [
        _msg("new_session"),
        _msg("button", path=(0, 0), element="A"),
        _msg("block", path=(0, 5), fragment_id="f1"),
        _msg("button", path=(0, 5, 0), element="in-frag", fragment_id="f1"),
        _msg("finished"),
    ]
    session = _screen(first + second_run)
    assert [s.proto.label for s in session.find("button")] == expected
    assert session.find("button", key=expected[0]) and not session.find("button", key="nothing")


def test_last_finished_run_counts_fragment_runs_but_not_runs_cut_short():
    # What a wait for "the click's answer is drawn and its run finished" relies on,
    # when the click reruns only a fragment (runs_finished counts full runs only).
    first = [_msg("new_session"), _msg("button", path=(0, 0), element="A"), _msg("finished")]
    fragment_run = [_msg("new_session", fragments=["f1"]), _msg("finished", status=3)]
    cut_short = [_msg("new_session"), _msg("finished", status=2)]
    assert _screen(first).last_finished_run == 1
    assert _screen(first + fragment_run).last_finished_run == 2
    session = _screen(first + fragment_run + cut_short)
    assert (session.run_id, session.last_finished_run, session.runs_finished) == (3, 2, 1)


@pytest.mark.parametrize(("button", "fragment"), [("A", ""), ("in-frag", "f1")])
def test_a_click_reruns_the_fragment_the_button_is_in(button, fragment):
    # As the browser does: a vote button inside the live fragment reruns only it.
    import asyncio

    from streamlit.proto.BackMsg_pb2 import BackMsg

    session = _screen(
        [
            _msg("new_session"),
            _msg("button", path=(0, 0), element="A"),
            _msg("block", path=(0, 5), fragment_id="f1"),
            _msg("button", path=(0, 5, 0), element="in-frag", fragment_id="f1"),
            _msg("finished"),
        ]
    )
    sent = []

    class Wire:
        async def send(self, data):
            sent.append(BackMsg.FromString(data))

    session._ws = Wire()
    asyncio.run(session.click(f"$$ID-abc-{button}"))
    assert sent[0].rerun_script.fragment_id == fragment
    assert [w.id for w in sent[0].rerun_script.widget_states.widgets if w.trigger_value] == [f"$$ID-abc-{button}"]


@pytest.mark.parametrize("nagle, expected", [("1", 0), ("", 1), ("0", 1)])
def test_nagle_is_left_on_only_for_the_benchmarks_before_figure(monkeypatch, nagle, expected):
    # bench/nodelay.sh's "before" server: EVENTKIT_BENCH_NAGLE=1, and only then, leaves TCP_NODELAY off.
    import socket

    from eventkit.web import nodelay

    monkeypatch.setenv(nodelay.BENCH_NAGLE_ENV, nagle)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert nodelay.set_nodelay_on_listeners([listener]) == expected
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == expected
