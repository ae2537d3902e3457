"""Seating plan: colleagues apart whenever possible, sectors spread, even tables, clear errors."""

from __future__ import annotations

import io
import math
from collections import Counter

import pandas as pd
import pytest

from eventkit.event.seating import Attendee, SeatingError, assign_tables, parse_attendees, plan_csv, seating_plan


def _people(org_sizes: list[int], sectors: int = 1) -> list[Attendee]:
    people = []
    for o, size in enumerate(org_sizes):
        people += [Attendee(f"Person {o}-{i}", f"Org {o}", f"Sector {o % sectors}") for i in range(size)]
    return people


CASES = [  # (organisation sizes, sectors, tables)
    ([4, 4, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 5, 4),  # about the seed event: 42 at 4
    ([6, 5, 3, 3, 2, 2, 1, 1, 1], 3, 6),
    ([3, 3, 3, 3, 3, 3], 2, 3),
    ([7, 1, 1, 1, 1, 1], 2, 4),  # one organisation larger than the table count: clashes unavoidable
    ([10, 10, 10], 3, 5),
    ([1] * 13, 4, 5),
    ([2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 5, 7),
]


@pytest.mark.parametrize("sizes,sectors,tables", CASES)
@pytest.mark.parametrize("seed", [0, 7])
def test_colleagues_are_apart_whenever_possible_and_tables_are_even(sizes, sectors, tables, seed):
    people = _people(sizes, sectors)
    seats = assign_tables(people, tables, seed)
    per_table = Counter(seats)
    assert set(per_table) == set(range(1, tables + 1))
    assert max(per_table.values()) - min(per_table.values()) <= 1
    together = Counter((p.organisation, t) for p, t in zip(people, seats, strict=True))
    for (org, _), n in together.items():
        size = sum(p.organisation == org for p in people)
        assert n <= math.ceil(size / tables), f"{org}: {n} at one table"  # 1 whenever size <= tables


@pytest.mark.parametrize("per_sector,sectors,tables", [(4, 4, 4), (6, 3, 4), (5, 5, 5), (3, 4, 6)])
def test_sectors_are_spread_across_tables(per_sector, sectors, tables):
    people = [Attendee(f"P{s}-{i}", f"Org {s}-{i}", f"Sector {s}") for s in range(sectors) for i in range(per_sector)]
    seats = assign_tables(people, tables, seed=3)
    per_table = Counter((p.sector, t) for p, t in zip(people, seats, strict=True))
    assert max(per_table.values()) <= math.ceil(per_sector / tables)


def test_the_same_seed_gives_the_same_plan_and_another_seed_may_differ():
    people = _people([3, 3, 2, 2, 2, 1, 1, 1, 1], 3)
    assert assign_tables(people, 4, seed=5) == assign_tables(people, 4, seed=5)
    assert len({tuple(assign_tables(people, 4, seed=s)) for s in range(6)}) > 1


def test_people_without_an_organisation_are_not_kept_together_as_one():
    people = [Attendee(f"P{i}", "") for i in range(8)]
    assert Counter(assign_tables(people, 2)).most_common(1)[0][1] == 4


@pytest.mark.parametrize(
    "text",
    [
        "name,organisation,sector\nAna,DWP,public\nBo,NHS,health\n",
        "\ufeffName,Organisation,Sector\r\nAna,DWP,public\r\nBo,NHS,health\r\n",
        " NAME ; Organization ;SECTOR\nAna;DWP;public\nBo;NHS;health\n",
        "Full name,Org\nAna,DWP\nBo,NHS\n\n",
        "name\torganisation\tsector\nAna\tDWP\tpublic\nBo\tNHS\thealth\n",
    ],
)
def test_header_variants_are_understood(text):
    people = parse_attendees(text.encode("utf-8"))
    assert [(p.name, p.organisation) for p in people] == [("Ana", "DWP"), ("Bo", "NHS")]


def test_windows_encoded_file_is_read():
    assert parse_attendees("name,organisation\nRené,Café Fife\n".encode("cp1252"))[0].name == "René"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", "empty"),
        ("name,sector\nAna,public\n", "missing organisation"),
        ("who,where\nAna,DWP\n", "missing name and organisation"),
        ("name,organisation\n", "no attendees"),
        ("name,organisation\nAna,DWP\n,NHS\n", "row 3: the name is empty"),
        ("name,organisation\nAna,DWP\nBo,NHS,extra\n", "row 3: 3 cells"),
    ],
)
def test_bad_lists_get_a_clear_message_naming_the_row(text, expected):
    with pytest.raises(SeatingError, match=expected):
        parse_attendees(text.encode())


@pytest.mark.parametrize("tables,expected", [(0, "at least one"), (5, "more tables")])
def test_impossible_table_counts_are_refused(tables, expected):
    with pytest.raises(SeatingError, match=expected):
        assign_tables(_people([2, 2]), tables)


def test_plan_is_sorted_and_downloads_formula_safe_for_excel():
    people = [Attendee('=HYPERLINK("x")', "DWP", "public"), Attendee("Bo", "NHS", "health")]
    plan = seating_plan(people, 2)
    assert list(plan.columns) == ["table", "name", "organisation", "sector"]
    assert list(plan["table"]) == [1, 2]
    data = plan_csv(plan)
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data))
    assert '\'=HYPERLINK("x")' in set(frame["name"]) and frame["table"].dtype == "int64"
