"""Trafficking indicators with evidence spans, weights and sources (private).

The pattern-based indicators and their weights and sources are data
(``ads/data/indicators.yaml``); the computed ones (claimed ages, prices, the
knowledge base's lexicon) are functions here. Built-ins are registered in one
registry, and callers may register more.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from nowrongdoor.text import CaselessPattern, branch_name, dispatch_pattern, lower_text

__all__ = [
    "IndicatorDef",
    "IndicatorHit",
    "REFERENCE_HOURLY_RATE",
    "definitions",
    "has_benign_context",
    "recruitment_hits",
    "score",
]

#: Reference hourly rate (USD); a price under 40% of it is an outlier.
REFERENCE_HOURLY_RATE = 150.0
OUTLIER_SHARE = 0.4
#: One recruitment cue family alone weighs at most this much.
SINGLE_CUE_CAP = 0.15


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    """One indicator code as defined in ``indicators.yaml``."""

    code: str
    weight: float
    description: str
    sources: tuple[str, ...]
    pattern: re.Pattern[str] | None
    minor_weight: float | None = None
    keywords: tuple[str, ...] = ()
    caseless: CaselessPattern | None = None


@dataclass(frozen=True, slots=True)
class IndicatorHit:
    """One indicator found in an ad, with its evidence span in the original text."""

    code: str
    evidence: str
    start: int
    end: int
    weight: float

    def as_dict(self) -> dict[str, Any]:
        """The output record form."""
        return {
            "code": self.code,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
            "weight": self.weight,
        }


@dataclass(frozen=True, slots=True)
class _Benign:
    factor: float
    pattern: CaselessPattern


def _join(patterns: list[str]) -> CaselessPattern:
    # One word-boundary check in front of the alternation: branches are tried
    # only where a word starts, which is several times faster than a
    # look-behind inside every branch. The branches are grouped by their first
    # character (same matches, fewer branches tried at each word start).
    body = dispatch_pattern([("p", p) for p in patterns], re.IGNORECASE)
    if body is None:
        body = "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")"
    return CaselessPattern(r"(?<!\w)" + body + r"(?!\w)")


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    """``ads/data/indicators.yaml``, read once."""
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("nowrongdoor.ads")
        .joinpath("data/indicators.yaml")
        .read_text(encoding="utf-8")
    )
    return raw


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, IndicatorDef], _Benign]:
    raw = _raw()
    defs: dict[str, IndicatorDef] = {}
    for code, body in raw["indicators"].items():
        patterns = body.get("patterns") or []
        caseless = _join(patterns) if patterns else None
        defs[code] = IndicatorDef(
            code=code,
            weight=float(body["weight"]),
            description=str(body["description"]),
            sources=tuple(body.get("sources") or ()),
            pattern=caseless.regex if caseless else None,
            minor_weight=body.get("minor_weight"),
            keywords=tuple(str(k).lower() for k in body.get("keywords") or ()),
            caseless=caseless,
        )
    benign = raw["benign_context"]
    return defs, _Benign(float(benign["factor"]), _join(benign["patterns"]))


@lru_cache(maxsize=1)
def _recruitment() -> tuple[CaselessPattern, dict[str, float]]:
    """The recruitment cue families in one alternation, and each family's weight."""
    raw = _raw()
    families = raw["indicators"]["recruitment"]["families"]
    dispatched = dispatch_pattern(
        [(name, p) for name, body in families.items() for p in body["patterns"]],
        re.IGNORECASE,
    )
    if dispatched is None:
        branches = [
            f"(?P<{name}>" + "|".join(f"(?:{p})" for p in body["patterns"]) + ")"
            for name, body in families.items()
        ]
        dispatched = "(?:" + "|".join(branches) + ")"
    pattern = CaselessPattern(r"(?<!\w)" + dispatched + r"(?!\w)")
    return pattern, {name: float(body["weight"]) for name, body in families.items()}


def recruitment_hits(
    text: str,
    to_original: Callable[[int, int], tuple[int, int]],
    original: str,
    lower: str | None = None,
) -> list[IndicatorHit]:
    """Recruitment cues of a job offer, one hit per cue found.

    Every hit carries the weight of all cue families found together,
    ``1 - prod(1 - family weight)``, capped at the code's weight: one family
    alone ("top pay", "housing provided") weighs at most ``SINGLE_CUE_CAP``,
    several (high pay, travel and housing provided, contact by a messaging app
    only) are a strong signal. ``lower`` is ``nowrongdoor.text.lower_text(text)``
    if the caller has it.
    """
    if lower is None:
        lower = lower_text(text)
    keywords = _load()[0]["recruitment"].keywords
    if not any(map((lower or text.lower()).__contains__, keywords)):
        return []
    pattern, weights = _recruitment()
    found = [
        (branch_name(m.lastgroup or ""), m.start(), m.end())
        for m in pattern.finditer_spans(text, lower)
    ]
    if not found:
        return []
    families = {f for f, _, _ in found}
    remaining = 1.0
    # In a fixed order: the product of floats (and so the rounded weight)
    # must not depend on the set's order, which changes with the hash seed.
    for family in sorted(families):
        remaining *= 1.0 - weights[family]
    cap = _load()[0]["recruitment"].weight if len(families) > 1 else SINGLE_CUE_CAP
    weight = round(min(cap, 1.0 - remaining), 4)
    hits: list[IndicatorHit] = []
    for _family, start, end in found:
        o_start, o_end = to_original(start, end)
        hits.append(
            IndicatorHit("recruitment", original[o_start:o_end], o_start, o_end, weight)
        )
    return hits


def definitions() -> dict[str, IndicatorDef]:
    """Every indicator code with its weight, description and sources."""
    return dict(_load()[0])


def pattern_hits(
    text: str,
    to_original: Callable[[int, int], tuple[int, int]],
    original: str,
    lower: str | None = None,
) -> list[IndicatorHit]:
    """Pattern-based indicators in normalised text, mapped to the original.

    ``lower`` is ``nowrongdoor.text.lower_text(text)`` if the caller has it.
    """
    hits: list[IndicatorHit] = []
    if lower is None:
        lower = lower_text(text)
    folded = lower if lower is not None else text.lower()
    for definition in _load()[0].values():
        if definition.caseless is None or not definition.caseless.may_match(lower):
            continue
        if definition.keywords and not any(
            map(folded.__contains__, definition.keywords)
        ):
            continue
        # Only spans are read: an exact pattern runs once, on the lower-cased text.
        for m in definition.caseless.finditer_spans(text, lower):
            start, end = to_original(m.start(), m.end())
            hits.append(
                IndicatorHit(
                    definition.code, original[start:end], start, end, definition.weight
                )
            )
    return hits


def benign_context(text: str, lower: str | None = None) -> re.Match[str] | None:
    """The first ordinary-business cue in the text (licence number, for sale...).

    ``lower`` is ``nowrongdoor.text.lower_text(text)`` if the caller has it.
    """
    return _load()[1].pattern.search(
        text, lower if lower is not None else lower_text(text)
    )


def has_benign_context(text: str, lower: str | None = None) -> bool:
    """Whether :func:`benign_context` finds a cue (one pass on ``lower`` when given)."""
    return _load()[1].pattern.exists(
        text, lower if lower is not None else lower_text(text)
    )


def score(hits: list[IndicatorHit], benign: bool) -> float:
    """Combine indicator weights into one score in [0, 1).

    Each code counts once, with its strongest hit; weights combine as independent
    evidence, ``1 - prod(1 - w)``. An ordinary-business cue halves the result.
    """
    best: dict[str, float] = {}
    for hit in hits:
        best[hit.code] = max(best.get(hit.code, 0.0), hit.weight)
    remaining = 1.0
    for weight in best.values():
        remaining *= 1.0 - weight
    value = 1.0 - remaining
    if benign:
        value *= _load()[1].factor
    return round(value, 4)


def weight_of(code: str, *, minor: bool = False) -> float:
    """The weight of a code (the minor weight for a claimed age under 18)."""
    definition = _load()[0][code]
    if minor and definition.minor_weight is not None:
        return float(definition.minor_weight)
    return definition.weight


def hourly(amount: float, minutes: int | None) -> float | None:
    """The hourly equivalent of a rate, for durations of 15 minutes to 2 hours."""
    if minutes is None or not 15 <= minutes <= 120:
        return None
    return amount * 60.0 / minutes


def is_price_outlier(
    amount: float, minutes: int | None, reference: float = REFERENCE_HOURLY_RATE
) -> bool:
    """True when the hourly equivalent is under 40% of the reference rate."""
    per_hour = hourly(amount, minutes)
    return per_hour is not None and per_hour < OUTLIER_SHARE * reference
