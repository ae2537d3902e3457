"""Seating plan: spread an attendee list across tables so organisations and sectors mix.

Names stay with the organiser: they come in as an uploaded CSV and go out as
a DataFrame and a downloaded file, and are never written to the database
nor linked to any answer.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from eventkit.outputs.codebook import Column
from eventkit.outputs.exports import csv_bytes

MAX_ATTENDEES = 5000
MAX_BYTES = 2_000_000
_HEADERS = {
    "name": {"name", "full name", "fullname", "attendee", "attendee name", "participant"},
    "organisation": {
        "organisation",
        "organization",
        "org",
        "organisation name",
        "organization name",
        "agency",
        "employer",
        "company",
    },
    "sector": {"sector", "sector type", "type"},
}
_ORG_WEIGHT = 1000  # two colleagues at one table cost more than any sector clash
OUTPUT_COLUMNS = (
    Column("table", "int", "Table number"),
    Column("name", "str", "Name"),
    Column("organisation", "str", "Organisation"),
    Column("sector", "str", "Sector"),
)


TEMPLATE_CSV = "name,organisation,sector\r\n"
_SAMPLE_ORGS = (
    ("Jobcentre Plus", "public"),
    ("Jobcentre Plus", "public"),
    ("Jobcentre Plus", "public"),
    ("Fife Council Welfare Reform", "public"),
    ("Fife Council Welfare Reform", "public"),
    ("Fife Council Housing", "public"),
    ("NHS Fife", "health"),
    ("NHS Fife", "health"),
    ("Citizens Advice and Rights Fife", "third sector"),
    ("Citizens Advice and Rights Fife", "third sector"),
    ("Fife Gingerbread", "third sector"),
    ("Frontline Fife", "third sector"),
    ("Foodbank", "third sector"),
    ("Fife College", "education"),
    ("University researcher", "academic"),
    ("Kingdom Housing", "housing"),
)
_SAMPLE_NAMES = ("Alex", "Sam", "Jo", "Chris", "Pat", "Morgan", "Robin", "Jamie", "Kim", "Lee", "Ali", "Casey")


class SeatingError(ValueError):
    """An attendee list that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Attendee:
    name: str
    organisation: str
    sector: str = ""


def parse_attendees(data: bytes | str) -> list[Attendee]:
    """Read an attendee list CSV (columns name, organisation, optional sector).

    Headers may differ in case and spacing ("Organization" works too), a
    byte-order mark and Excel's semicolons are fine. Raises SeatingError
    naming the spreadsheet row (header = row 1) for each bad row.
    """
    text = _decode(data)
    if not text.strip():
        raise SeatingError("The file is empty. It needs a header row: name, organisation, sector.")
    rows = list(csv.reader(io.StringIO(text), dialect=_dialect(text)))
    columns = _columns(rows[0])
    people, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines at the end of a spreadsheet
        if len(row) > len(rows[0]):
            problems.append(f"row {number}: {len(row)} cells but the header has {len(rows[0])} (a stray comma?)")
            continue
        cell = {key: " ".join(row[i].split()) if i < len(row) else "" for key, i in columns.items()}
        if not cell["name"]:
            problems.append(f"row {number}: the name is empty")
            continue
        people.append(Attendee(cell["name"], cell["organisation"], cell.get("sector", "")))
    if problems:
        raise SeatingError(
            "Please fix the attendee list: "
            + "; ".join(problems[:10])
            + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
            + "."
        )
    if not people:
        raise SeatingError("The file has a header row but no attendees.")
    if len(people) > MAX_ATTENDEES:
        raise SeatingError(f"That is {len(people):,} attendees; the limit is {MAX_ATTENDEES:,}.")
    return people


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if len(data) > MAX_BYTES:
        raise SeatingError("That file is too large for an attendee list (over 2 MB).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # older Excel on Windows


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, raw in enumerate(header):
        label = " ".join(raw.replace("\ufeff", "").replace("_", " ").split()).lower()
        for key, names in _HEADERS.items():
            if label in names and key not in found:
                found[key] = i
    missing = [k for k in ("name", "organisation") if k not in found]
    if missing:
        seen = ", ".join(repr(h.strip()) for h in header) or "nothing"
        raise SeatingError(
            f"The header row needs columns name and organisation (sector is optional); "
            f"it is missing {' and '.join(missing)}. Found: {seen}."
        )
    return found


def sample_csv(people: int = 24) -> str:
    """A made-up attendee list (fictional people) to try the planner with."""
    rows = ["name,organisation,sector"]
    for i in range(people):
        org, sector = _SAMPLE_ORGS[i % len(_SAMPLE_ORGS)]
        rows.append(f"{_SAMPLE_NAMES[i % len(_SAMPLE_NAMES)]} {chr(65 + i % 26)}. (example),{org},{sector}")
    return "\n".join(rows) + "\n"


def table_sizes(people: int, tables: int) -> list[int]:
    """How many seats each table gets: as even as possible (sizes differ by at most 1)."""
    base, extra = divmod(people, tables)
    return [base + (1 if t < extra else 0) for t in range(tables)]


def assign_tables(people: list[Attendee], tables: int, seed: int = 0) -> list[int]:
    """A table number (1-based) for each attendee, in the input order.

    Organisations are dealt out largest first, each person to the table
    with the most free seats among those with fewest colleagues already
    (which keeps colleagues apart whenever that is possible), then pairs are
    swapped while that reduces clashes of organisation and then of sector.
    The same list, table count and seed always give the same plan.
    """
    if tables < 1:
        raise SeatingError("Choose at least one table.")
    if tables > len(people):
        raise SeatingError(f"There are more tables ({tables}) than attendees ({len(people)}).")
    rng = random.Random(seed)
    keys = [_org_key(p, i) for i, p in enumerate(people)]
    sectors = [p.sector.lower() for p in people]
    free = table_sizes(len(people), tables)
    seat = [-1] * len(people)
    orgs: list[Counter[str]] = [Counter() for _ in range(tables)]
    sec_at: list[Counter[str]] = [Counter() for _ in range(tables)]
    for i in _dealing_order(keys, rng):
        t = min(
            (t for t in range(tables) if free[t] > 0),
            key=lambda t: (orgs[t][keys[i]], -free[t], sec_at[t][sectors[i]] if sectors[i] else 0, rng.random()),
        )
        seat[i], free[t] = t, free[t] - 1
        orgs[t][keys[i]] += 1
        sec_at[t][sectors[i]] += 1
    _improve_by_swaps(seat, keys, sectors, orgs, sec_at)
    return [t + 1 for t in seat]


def _org_key(person: Attendee, index: int) -> str:
    org = person.organisation.strip().lower()
    return org if org else f"\0solo{index}"  # no organisation given: nobody to keep apart from


def _dealing_order(keys: list[str], rng: random.Random) -> list[int]:
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    order = list(groups.values())
    rng.shuffle(order)
    order.sort(key=len, reverse=True)  # stable: equal sizes keep the shuffled order
    return [i for group in order for i in group]


def _improve_by_swaps(seat, keys, sectors, orgs, sec_at) -> None:
    def cost(i: int, t: int, leaving: int) -> int:
        # Clashes person i would have at table t; `leaving` is the person moving out of t.
        same_org = orgs[t][keys[i]] - (keys[leaving] == keys[i])
        same_sector = (sec_at[t][sectors[i]] - (sectors[leaving] == sectors[i])) if sectors[i] else 0
        return _ORG_WEIGHT * same_org + same_sector

    improved = True
    while improved:
        improved = False
        for i in range(len(seat)):
            for j in range(i + 1, len(seat)):
                a, b = seat[i], seat[j]
                if a == b:
                    continue
                before = cost(i, a, i) + cost(j, b, j)
                after = cost(i, b, j) + cost(j, a, i)
                if after < before:
                    _move(i, a, b, keys, sectors, orgs, sec_at)
                    _move(j, b, a, keys, sectors, orgs, sec_at)
                    seat[i], seat[j] = b, a
                    improved = True


def _move(i, src, dst, keys, sectors, orgs, sec_at) -> None:
    orgs[src][keys[i]] -= 1
    orgs[dst][keys[i]] += 1
    sec_at[src][sectors[i]] -= 1
    sec_at[dst][sectors[i]] += 1


def seating_plan(people: list[Attendee], tables: int, seed: int = 0) -> pd.DataFrame:
    """The plan as a table: table, name, organisation, sector; sorted by table."""
    numbers = assign_tables(people, tables, seed)
    frame = pd.DataFrame(
        {
            "table": numbers,
            "name": [p.name for p in people],
            "organisation": [p.organisation for p in people],
            "sector": [p.sector for p in people],
        }
    )
    return frame.sort_values(["table", "organisation", "name"], kind="stable").reset_index(drop=True)


def crowded_organisations(people: list[Attendee], tables: int) -> list[tuple[str, int]]:
    """Organisations with more people than tables: the only ones that must share a table."""
    counts = Counter(p.organisation.strip() for p in people if p.organisation.strip())
    return [(org, n) for org, n in counts.most_common() if n > tables]


def plan_summary(plan: pd.DataFrame) -> pd.DataFrame:
    """Per table: people, different organisations and sectors, and the largest same-organisation group."""
    grouped = plan.groupby("table")
    return pd.DataFrame(
        {
            "people": grouped.size(),
            "organisations": grouped["organisation"].nunique(),
            "sectors": grouped["sector"].nunique(),
            "most from one organisation": grouped["organisation"].agg(_largest_group),
        }
    ).reset_index()


def _largest_group(orgs: pd.Series) -> int:
    named = orgs[orgs.str.strip() != ""].str.lower()
    return int(named.value_counts().max()) if len(named) else 0


def plan_csv(plan: pd.DataFrame) -> bytes:
    """The plan as a CSV for Excel (UTF-8 with BOM, formula-safe cells)."""
    return csv_bytes(plan.to_dict("records"), OUTPUT_COLUMNS)
