"""Operation profiles (private; see :mod:`nowrongdoor.ads.link`).

Revenue method (an order of magnitude for triage, not a finding):

1. Each rate is turned into a price per hour (``amount * 60 / minutes``; a rate
   without a duration is taken as hourly). An ad's hourly rate is its one-hour
   rate if it states one, else the median of its normalised rates; the
   operation's hourly rate is the median over its ads.
2. Each ad is assumed to sell ``booked_hours_per_ad`` hours (default 3) at the
   ad's hourly rate (the operation's median when the ad states none):
   ``estimated_total = sum over ads``.
3. ``per_day`` divides that by the days between the first and last ad
   (inclusive) and ``annualised = per_day * 364`` (the deck's 7 days x 52 weeks).
4. The deck's quota model (knowledge base ``economics.quota_model``: one
   controller, three people, a $1,000 daily quota each, 7 days, 52 weeks =
   $1,092,000 a year) is given for reference, scaled to the operation's number of
   distinct advertised names: ``quota_model_equivalent = names * 1,092,000 / 3``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from nowrongdoor.ads.link._core import AdFacts, LinkResult

__all__ = ["QUOTA_MODEL_PEOPLE", "hourly_rate", "profile_operations"]

#: People in the deck's quota model (three people, $1,000 a day each).
QUOTA_MODEL_PEOPLE = 3
#: Working days a year in the deck's quota model (7 days x 52 weeks).
QUOTA_MODEL_DAYS = 364


def hourly_rate(rates: Sequence[tuple[float, int | None]]) -> float | None:
    """The ad's price per hour, or ``None`` when it states no usable rate."""
    hourly = [a for a, m in rates if m == 60 and a > 0]
    if hourly:
        return float(hourly[0])
    norm = [a * 60 / m if m else a for a, m in rates if a > 0 and (m is None or m > 0)]
    return float(statistics.median(norm)) if norm else None


def _quota_total() -> float | None:
    from nowrongdoor.knowledge import load_knowledge

    try:
        entry = load_knowledge().get("economics.quota_model")
    except KeyError:
        return None
    value = getattr(entry, "value", None)
    return float(value) if value else None


def _day(ts: str) -> date | None:
    try:
        return date.fromisoformat(ts[:10])
    except ValueError:
        return None


def _route(ads: Sequence[AdFacts]) -> list[dict[str, Any]]:
    legs: list[dict[str, Any]] = []
    for f in sorted(ads, key=lambda f: f.posted_at):
        if not f.city and not f.state:
            continue
        if legs and legs[-1]["city"] == f.city and legs[-1]["state"] == f.state:
            legs[-1]["last"] = f.posted_at
            legs[-1]["ads"] += 1
        else:
            legs.append(
                {
                    "city": f.city,
                    "state": f.state,
                    "first": f.posted_at,
                    "last": f.posted_at,
                    "ads": 1,
                }  # fmt: skip
            )
    return legs


def _controller_signals(ads: Sequence[AdFacts]) -> list[str]:
    signals: list[str] = []
    names_by_contact: dict[str, set[str]] = {}
    for f in ads:
        for c in (*f.phones, *f.emails, *f.handles):
            names_by_contact.setdefault(c, set()).update(n.lower() for n in f.names)
    for contact, names in sorted(names_by_contact.items()):
        if len(names) >= 2:
            signals.append(
                f"one contact ({contact}) advertises {len(names)} different names"
            )
    codes = Counter(c for f in ads for c in set(f.indicators))
    n = len(ads)
    if codes["third_party"] >= max(1, n // 4):
        signals.append(
            f"written by a third party in {codes['third_party']} of {n} ads "
            "(ask for, my girl, we/us)"
        )
    if codes["multiple_providers"]:
        n_multi = codes["multiple_providers"]
        signals.append(
            f"several people offered in {n_multi} ad{'s' if n_multi > 1 else ''}"
        )
    cities = {(f.city, f.state) for f in ads if f.city}
    if len(cities) >= 3:
        signals.append(f"moved through {len(cities)} cities")
    return signals


def profile_operations(
    result: LinkResult,
    *,
    min_ads: int = 2,
    booked_hours_per_ad: float = 3.0,
) -> list[dict[str, Any]]:
    """Profiles of the operations with at least ``min_ads`` ads.

    Args:
        result: The linker's result.
        min_ads: Smallest operation profiled (singletons are in operations.csv).
        booked_hours_per_ad: Paid hours assumed per ad for the revenue estimate.

    Returns:
        One dict per operation, largest first: ads, contacts, names, cities,
        first/last seen, route, indicator mix, claimed ages, revenue estimate,
        controller signals and the merges that built it.
    """
    members: dict[str, list[int]] = {}
    for i, op in enumerate(result.operation):
        members.setdefault(op, []).append(i)
    merge_kinds: dict[str, Counter[str]] = {}
    for m in result.merges:
        merge_kinds.setdefault(result.operation[m.a], Counter())[m.kind] += 1
    quota = _quota_total()
    profiles: list[dict[str, Any]] = []
    for op, idx in members.items():
        if len(idx) < min_ads:
            continue
        ads = [result.facts[i] for i in idx]
        posted = sorted(f.posted_at for f in ads if f.posted_at)
        names = sorted({n for f in ads for n in f.names}, key=str.lower)
        rates = [hourly_rate(f.rates) for f in ads]
        known = [r for r in rates if r is not None]
        median = float(statistics.median(known)) if known else None
        total = (
            sum((r if r is not None else median) for r in rates) * booked_hours_per_ad
            if median is not None
            else None
        )
        d0, d1 = (_day(posted[0]), _day(posted[-1])) if posted else (None, None)
        span = (d1 - d0).days + 1 if d0 and d1 else None
        per_day = total / span if total is not None and span else None
        revenue: dict[str, Any] = {
            "hourly_rate_median": median,
            "ads_with_rates": len(known),
            "booked_hours_per_ad": booked_hours_per_ad,
            "estimated_total": round(total, 2) if total is not None else None,
            "days_active": span,
            "per_day": round(per_day, 2) if per_day is not None else None,
            "annualised": round(per_day * QUOTA_MODEL_DAYS, 2)
            if per_day is not None
            else None,
        }
        if quota is not None:
            people = max(1, len({n.lower() for n in names}))
            revenue["quota_model_equivalent"] = round(
                quota * people / QUOTA_MODEL_PEOPLE, 2
            )
        profiles.append(
            {
                "operation": op,
                "ads": len(idx),
                "ad_ids": [f.id for f in ads],
                "phones": sorted({p for f in ads for p in f.phones}),
                "emails": sorted({e for f in ads for e in f.emails}),
                "handles": sorted({h for f in ads for h in f.handles}),
                "names": names,
                "cities": sorted({f"{f.city}, {f.state}" for f in ads if f.city}),
                "first_seen": posted[0] if posted else None,
                "last_seen": posted[-1] if posted else None,
                "route": _route(ads),
                "indicator_mix": _by_count(
                    Counter(c for f in ads for c in set(f.indicators))
                ),
                "claimed_ages": sorted({a for f in ads for a in f.ages}),
                "revenue": revenue,
                "controller_signals": _controller_signals(ads),
                "merges": dict(merge_kinds.get(op, Counter())),
            }
        )
    profiles.sort(key=lambda p: (-p["ads"], p["operation"]))
    return profiles


def _by_count(counts: Counter[str]) -> dict[str, int]:
    """``counts`` most common first, ties by name: the same order in every run
    (``Counter.most_common`` keeps ties in insertion order, which for codes
    gathered through a set depends on the interpreter's hash seed)."""
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
