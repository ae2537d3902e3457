"""`python -m eventkit`: the command line, driven through cli.main."""

from __future__ import annotations

import pytest

from eventkit.cli import main as cli
from eventkit.event.demo import DEMO_FILE
from eventkit.event.file import load_event_file
from eventkit.storage import Store


@pytest.fixture
def db(fresh_location):
    """--db: a new file, or a postgresql:// URL (a fresh schema)."""
    return fresh_location


def run(db, *args):
    return cli.main(["--db", db, *args])


def test_init_loads_demo_once(db, capsys):
    assert run(db, "init") == 0
    assert "demo event loaded" in capsys.readouterr().out
    assert run(db, "init") == 0  # a second init leaves the database alone
    assert "demo event loaded" not in capsys.readouterr().out
    assert [e.code for e in Store(db).list_events()] == ["FIFE16"]


def test_init_without_demo(db, capsys):
    assert run(db, "init", "--no-demo") == 0
    assert Store(db).list_events() == []
    assert run(db, "list") == 0
    assert capsys.readouterr().out.strip().endswith("no events")


def test_list(db, capsys):
    run(db, "init")
    capsys.readouterr()
    assert run(db, "list") == 0
    out = capsys.readouterr().out
    assert out.startswith("FIFE16\t2016-05-18\topen\tStrengthening partnerships for a Fairer Fife")


def test_export_then_reimport_with_replace(db, tmp_path, capsys):
    run(db, "init")
    out_file = tmp_path / "fife.yaml"
    assert run(db, "export", "fife16", "-o", str(out_file)) == 0
    assert f"wrote {out_file}" in capsys.readouterr().out
    exported = load_event_file(out_file)
    demo = load_event_file(DEMO_FILE)
    assert (exported.code, exported.polls, exported.tables) == (demo.code, demo.polls, demo.tables)

    assert run(db, "import", str(out_file), "--replace") == 0
    assert "imported FIFE16" in capsys.readouterr().out
    store = Store(db)
    events = store.list_events()
    assert [e.code for e in events] == ["FIFE16"]
    assert len(store.list_polls(events[0].id)) == len(demo.polls)


def test_export_to_stdout(db, capsys):
    run(db, "init")
    capsys.readouterr()
    assert run(db, "export", "FIFE16") == 0
    out = capsys.readouterr().out
    assert out.startswith("code: FIFE16\n")
    assert "fife-demo" not in out  # the passcode only ever leaves as a hash
    assert "facilitator_passcode_hash: scrypt$" in out


def test_export_unknown_code(db, capsys):
    run(db, "init", "--no-demo")
    assert run(db, "export", "NOPE") == 1
    assert "No event with code NOPE" in capsys.readouterr().err


def test_import_bad_file(db, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "code: TEST1\ntitle: A test\npolls:\n  - question: Pick\n    options: [Red, Blue]\n    correct: Green\n",
        encoding="utf-8",
    )
    assert run(db, "import", str(bad)) == 1
    captured = capsys.readouterr()
    assert "polls[1].correct (line 6): must be exactly one of the options" in captured.err
    assert captured.out == ""
    assert Store(db).list_events() == []


def test_import_of_a_file_that_is_not_utf8_is_a_message_not_a_traceback(db, tmp_path, capsys):
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes("code: TEST1\ntitle: Caf\u00e9\n".encode("latin-1"))
    assert run(db, "import", str(latin)) == 1
    assert (
        capsys.readouterr().err
        == "error: file (line 2): is not UTF-8 text (byte 0xE9): save it as UTF-8 and import it again\n"
    )
    assert Store(db).list_events() == []


def test_import_missing_file(db, tmp_path, capsys):
    assert run(db, "import", str(tmp_path / "nowhere.yaml")) == 1
    assert "error:" in capsys.readouterr().err


def test_import_clashing_code(db, capsys):
    run(db, "init")
    capsys.readouterr()
    assert run(db, "import", str(DEMO_FILE)) == 1
    assert "FIFE16 already exists" in capsys.readouterr().err
    assert len(Store(db).list_events()) == 1


def test_import_new_event(db, tmp_path, capsys):
    run(db, "init")
    new = tmp_path / "new.yaml"
    new.write_text("code: next17\ntitle: The next one\ndate: 2017-05-18\n", encoding="utf-8")
    assert run(db, "import", str(new)) == 0
    assert "imported NEXT17: The next one" in capsys.readouterr().out
    assert [e.code for e in Store(db).list_events()] == ["NEXT17", "FIFE16"]  # newest first


def test_db_from_environment(tmp_path, monkeypatch, capsys):
    path = tmp_path / "env.db"
    monkeypatch.setenv("EVENTKIT_DB", str(path))
    assert cli.main(["init", "--no-demo"]) == 0
    assert str(path) in capsys.readouterr().out
    assert path.exists()


@pytest.mark.postgresql_only
def test_a_postgresql_url_in_the_environment_selects_postgresql_and_its_password_is_not_printed(
    fresh_location, monkeypatch, capsys, pg_admin
):
    import re

    pg_admin.execute("DROP ROLE IF EXISTS ek_cli_test")
    pg_admin.execute("CREATE ROLE ek_cli_test LOGIN SUPERUSER PASSWORD 'not-for-print'")
    try:
        url = re.sub(r"://[^@/]*@", "://ek_cli_test:not-for-print@", fresh_location)
        monkeypatch.setenv("EVENTKIT_DB", url)
        assert cli.main(["init"]) == 0
        out = capsys.readouterr().out
        assert "database ready: postgresql://ek_cli_test:***@" in out and "not-for-print" not in out
        assert [e.code for e in Store(url).list_events()] == ["FIFE16"]
        assert cli.main(["--db", "postgresql://nobody@127.0.0.1:1/none", "list"]) == 1
        assert "Cannot connect to PostgreSQL at postgresql://nobody@127.0.0.1:1/none" in capsys.readouterr().err
    finally:
        from eventkit.storage.backends.postgres import PostgresEngine

        PostgresEngine(url).close()
        pg_admin.execute("REASSIGN OWNED BY ek_cli_test TO CURRENT_USER")
        pg_admin.execute("DROP ROLE ek_cli_test")


def test_command_required(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main([])
    assert info.value.code == 2
