"""Rank ads for each missing-person poster (private; see ``ads.match``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from nowrongdoor.ads.link._core import LinkResult
from nowrongdoor.ads.link._images import hash_images
from nowrongdoor.ads.match._model import (
    M_PROBABILITIES,
    AdView,
    _norm,
    _phonetic,
    compare,
    estimate_u,
    parse_descriptors,
)
from nowrongdoor.ads.match._posters import Poster, parse_height, parse_weight

__all__ = ["Match", "ad_views", "rank_matches"]


@dataclass(frozen=True)
class Match:
    """One ranked ad for one poster.

    Attributes:
        case_id: Poster case id.
        rank: 1 for the best ad.
        ad_id: The ad.
        operation: The ad's operation.
        score: Fellegi-Sunter match weight (sum of log2 Bayes factors).
        probability: Posterior match probability under the prior.
        evidence: Field -> (level, detail, log2 Bayes factor).
        fields_used: Fields both sides had.
        fields_missing: Fields left out because one side lacked them.
    """

    case_id: str
    rank: int
    ad_id: str
    operation: str
    score: float
    probability: float
    evidence: dict[str, tuple[str, str, float]]
    fields_used: tuple[str, ...]
    fields_missing: tuple[str, ...]

    def evidence_text(self) -> str:
        """One line: ``field=level (detail) +bits; ...``."""
        return "; ".join(
            f"{f}={lvl} ({detail}) {bf:+.1f}"
            for f, (lvl, detail, bf) in self.evidence.items()
        )


def _day(ts: str) -> date | None:
    try:
        return date.fromisoformat(ts[:10])
    except ValueError:
        return None


def ad_views(result: LinkResult, image_hashes: dict[str, int]) -> list[AdView]:
    """The matcher's view of every linked ad, with operation names and route."""
    op_names: dict[str, set[str]] = {}
    op_places: dict[str, set[tuple[str, str]]] = {}
    for f, op in zip(result.facts, result.operation, strict=True):
        op_names.setdefault(op, set()).update(f.names)
        if f.state:
            op_places.setdefault(op, set()).add((f.city.lower(), f.state))
    views: list[AdView] = []
    for i, (f, op) in enumerate(zip(result.facts, result.operation, strict=True)):
        d = parse_descriptors(f.descriptors)
        views.append(
            AdView(
                index=i,
                ad_id=f.id,
                operation=op,
                day=_day(f.posted_at),
                city=f.city,
                state=f.state,
                names=f.names,
                ages=f.ages,
                height_in=parse_height(d.get("height_in") or d.get("height")),
                weight_lb=parse_weight(d.get("weight_lb") or d.get("weight")),
                hair=d.get("hair", ""),
                eyes=d.get("eyes", ""),
                photo_hashes=tuple(
                    image_hashes[r] for r in f.images if r in image_hashes
                ),
                op_names=tuple(sorted(op_names.get(op, ()))),
                op_places=frozenset(op_places.get(op, ())),
            )
        )
    return views


class _Blocks:
    """Indexes that pick candidate ads for a poster (blocking)."""

    def __init__(self, ads: Sequence[AdView]) -> None:
        self.by_key: dict[str, set[int]] = {}
        self.by_state: dict[str, set[int]] = {}
        hashes: list[int] = []
        owners: list[int] = []
        for a in ads:
            for raw in a.names or a.op_names:
                for key in self._name_keys(raw):
                    self.by_key.setdefault(key, set()).add(a.index)
            for _, state in a.op_places:
                self.by_state.setdefault(state, set()).add(a.index)
            for h in a.photo_hashes:
                hashes.append(h)
                owners.append(a.index)
        self.hashes = np.array(hashes, dtype=np.uint64)
        self.owners = np.array(owners, dtype=np.int64)

    @staticmethod
    def _name_keys(raw: str) -> list[str]:
        n = _norm(raw)
        if len(n) < 2:
            return []
        meta, nysiis = _phonetic(n)
        return [f"n:{n}", f"p:{n[:3]}", f"m:{meta}", f"y:{nysiis}"]

    def candidates(
        self, p: Poster, photo: int | None, ads: Sequence[AdView]
    ) -> set[int]:
        out: set[int] = set()
        for name in (*p.first_names, *p.names):
            for key in self._name_keys(name):
                out |= self.by_key.get(key, set())
        if photo is not None and len(self.hashes):
            d = np.bitwise_count(self.hashes ^ np.uint64(photo))
            out.update(self.owners[d <= 12].tolist())
        for i in self.by_state.get(p.state, set()):
            a = ads[i]
            if p.missing_date and a.day and a.day < p.missing_date:
                continue
            true = p.age_on(a.day) if a.day else None
            if a.ages and true is not None and min(a.ages) <= max(21.0, true + 4):
                out.add(i)
        return out


def rank_matches(
    posters: Sequence[Poster],
    ads: Sequence[AdView],
    *,
    top: int = 10,
    poster_hash: Callable[[Poster], int | None],
    expected_ads_per_person: float = 10.0,
) -> list[Match]:
    """Score candidate ads for every poster and keep the best ``top``.

    Args:
        posters: The posters.
        ads: The ads (from :func:`ad_views`).
        top: Ads kept per poster.
        poster_hash: Poster -> photo pHash (``None`` without a usable photo).
        expected_ads_per_person: Prior: ads one person appears in; the prior
            match probability of a pair is this over the number of ads.

    Returns:
        Matches ordered by case and rank.
    """
    u = estimate_u(posters, ads, poster_hash)
    bf = {
        f: {lvl: math.log2(m / u[f][lvl]) for lvl, m in levels.items()}
        for f, levels in M_PROBABILITIES.items()
    }
    prior = min(0.5, expected_ads_per_person / max(1, len(ads)))
    prior_bits = math.log2(prior / (1 - prior))
    blocks = _Blocks(ads)
    out: list[Match] = []
    for p in posters:
        photo = poster_hash(p)
        scored: list[
            tuple[float, int, dict[str, tuple[str, str, float]], list[str]]
        ] = []
        for i in blocks.candidates(p, photo, ads):
            cmp = compare(p, ads[i], photo)
            evidence = {
                f: (lvl, detail, bf[f][lvl])
                for f, got in cmp.items()
                if got is not None
                for lvl, detail in [got]
            }
            weight = sum(e[2] for e in evidence.values())
            missing = [f for f, got in cmp.items() if got is None]
            scored.append((weight, i, evidence, missing))
        scored.sort(key=lambda s: (-s[0], ads[s[1]].ad_id))
        for rank, (weight, i, evidence, missing) in enumerate(scored[:top], start=1):
            prob = 1 / (1 + 2 ** -(weight + prior_bits))
            out.append(
                Match(
                    case_id=p.case_id,
                    rank=rank,
                    ad_id=ads[i].ad_id,
                    operation=ads[i].operation,
                    score=round(weight, 3),
                    probability=round(prob, 4),
                    evidence=evidence,
                    fields_used=tuple(evidence),
                    fields_missing=tuple(missing),
                )
            )
    return out


def poster_hashes(
    posters: Sequence[Poster],
) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """pHash of every poster photo; unreadable photos are reported."""
    refs = [str(p.photo) for p in posters if p.photo is not None]
    index = hash_images(refs, None)
    return index.hashes, index.unreadable


def as_row(m: Match) -> dict[str, Any]:
    """A matches.csv row."""
    return {
        "case_id": m.case_id,
        "rank": m.rank,
        "ad_id": m.ad_id,
        "operation": m.operation,
        "score": m.score,
        "evidence": m.evidence_text(),
        "probability": m.probability,
        "fields_used": " ".join(m.fields_used),
        "fields_missing": " ".join(m.fields_missing),
    }


def image_hashes_for(result: LinkResult, root: Path | None) -> dict[str, int]:
    """Ad image hashes: the linker's, or computed now when it skipped images."""
    if result.image_hashes:
        return result.image_hashes
    refs = [r for f in result.facts for r in f.images]
    return hash_images(refs, root).hashes if refs else {}
