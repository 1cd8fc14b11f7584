"""Fellegi-Sunter model of ad pairs: comparisons, EM, match weights (private).

Every candidate pair of ads gets one level per comparison (contacts, distinctive
text, photo, name, place, posting time). A level's weight is
``log2(m / u)``: ``m`` the probability of the level among pairs of one
operation, ``u`` among pairs of different operations; level 0 of each
comparison is *null* (a side has no data) and weighs nothing. A pair's match
weight is the sum over comparisons (the log2 Bayes factor).

``u`` is estimated from random pairs of the input (almost all of them are
different operations), ``m`` by expectation-maximisation over the candidate
pairs with ``u`` fixed (the way Splink trains), both shrunk towards fixed priors
by pseudo-counts so that a tiny corpus falls back on the priors rather than on
noise. See docs/linking.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["COMPARISONS", "Comparison", "FSModel", "fit_model"]


@dataclass(frozen=True)
class Comparison:
    """One comparison: its levels (level 0 is null) and prior m and u.

    Attributes:
        name: Column name in edges.csv.
        levels: Label of every level, null first.
        m0: Prior probability of each non-null level among matches.
        u0: Prior probability of each non-null level among non-matches.
    """

    name: str
    levels: tuple[str, ...]
    m0: tuple[float, ...]
    u0: tuple[float, ...]


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "contact",
        ("null", "different contacts", "share only a hub key", "share a contact"),
        (0.15, 0.05, 0.80),
        (0.995, 0.004, 0.001),
    ),
    Comparison(
        "text",
        ("null", "< 0.15", "0.15-0.3", "0.3-0.5", "0.5-0.7", ">= 0.7"),
        (0.2, 0.1, 0.15, 0.2, 0.35),
        (0.99, 0.008, 0.0015, 0.0004, 0.0001),
    ),
    Comparison(
        "photo",
        (
            "null",
            "no shared photo",
            "common photo only",
            "rare photo, 3+ bits",
            "rare photo, <= 2 bits",
        ),  # fmt: skip
        (0.4, 0.05, 0.25, 0.3),
        (0.995, 0.004, 0.0007, 0.0003),
    ),
    Comparison(
        "name",
        ("null", "different names", "same name"),
        (0.3, 0.7),
        (0.96, 0.04),
    ),
    Comparison(
        "place",
        (
            "null",
            "other state within 6 hours",
            "other state",
            "same state",
            "same city",
        ),  # fmt: skip
        (0.01, 0.15, 0.2, 0.64),
        (0.01, 0.8, 0.12, 0.07),
    ),
    Comparison(
        "time",
        ("null", "> 120 days", "31-120 days", "8-30 days", "<= 7 days"),
        (0.05, 0.15, 0.3, 0.5),
        (0.6, 0.25, 0.1, 0.05),
    ),
)

#: Pseudo-pairs behind the prior of u (random pairs) and of m (EM).
U_PSEUDO = 200.0
M_PSEUDO = 50.0


@dataclass
class FSModel:
    """Estimated m and u of every comparison level, and the match prior.

    Attributes:
        m: One array per comparison (index = level; level 0 unused).
        u: Same for u.
        prior: Estimated share of matches among the candidate pairs.
        random_pairs: Random pairs behind u.
        candidate_pairs: Candidate pairs behind m.
        iterations: EM iterations run.
    """

    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float = 0.5
    random_pairs: int = 0
    candidate_pairs: int = 0
    iterations: int = 0
    weights: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.weights = []
        for m, u in zip(self.m, self.u, strict=True):
            w = np.log2(np.maximum(m, 1e-12) / np.maximum(u, 1e-12))
            w[0] = 0.0
            self.weights.append(w)

    def match_weight(self, levels: Sequence[int]) -> float:
        """Sum of the level weights (log2 Bayes factor) of one pair."""
        return float(sum(self.weights[c][lv] for c, lv in enumerate(levels)))

    def match_weights(self, levels: np.ndarray) -> np.ndarray:
        """Match weight of every row of a ``(pairs, comparisons)`` level matrix."""
        out = np.zeros(len(levels))
        for c, w in enumerate(self.weights):
            out += w[levels[:, c]]
        return out

    def describe(self, levels: Sequence[int]) -> list[str]:
        """One line per comparison: level label and its weight."""
        lines = []
        for c, lv in enumerate(levels):
            comp = COMPARISONS[c]
            lines.append(
                f"{comp.name}: {comp.levels[lv]} ({self.weights[c][lv]:+.1f} bits)"
            )
        return lines

    def as_dict(self) -> dict[str, object]:
        """The fitted parameters for operations.json."""
        return {
            "prior": round(self.prior, 4),
            "random_pairs": self.random_pairs,
            "candidate_pairs": self.candidate_pairs,
            "em_iterations": self.iterations,
            "comparisons": {
                comp.name: {
                    comp.levels[lv]: {
                        "m": round(float(self.m[c][lv]), 5),
                        "u": round(float(self.u[c][lv]), 5),
                        "log2_bayes_factor": round(float(self.weights[c][lv]), 2),
                    }
                    for lv in range(1, len(comp.levels))
                }
                for c, comp in enumerate(COMPARISONS)
            },
        }


def _shrunk(
    counts: np.ndarray, total: float, prior: Sequence[float], k: float
) -> np.ndarray:
    p = np.concatenate(([0.0], np.asarray(prior, dtype=float)))
    return (counts + k * p) / (total + k)


def fit_model(
    candidates: np.ndarray, random_levels: np.ndarray, *, max_iter: int = 25
) -> FSModel:
    """Estimate u from random pairs and m by EM over the candidate pairs.

    Args:
        candidates: ``(pairs, comparisons)`` levels of the candidate pairs.
        random_levels: Same for random pairs of the input.
        max_iter: EM iterations at most (stops earlier when m settles).

    Returns:
        The fitted :class:`FSModel`.
    """
    n_comp = len(COMPARISONS)
    u: list[np.ndarray] = []
    for c, comp in enumerate(COMPARISONS):
        col = random_levels[:, c] if len(random_levels) else np.zeros(0, np.int64)
        col = col[col > 0]
        counts = np.bincount(col, minlength=len(comp.levels)).astype(float)
        counts[0] = 0.0
        u.append(_shrunk(counts, float(len(col)), comp.u0, U_PSEUDO))
    m = [
        np.concatenate(([0.0], np.asarray(comp.m0, dtype=float)))
        for comp in COMPARISONS
    ]
    prior = 0.5
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - reported in the model
        if not len(candidates):
            break
        lm = np.zeros(len(candidates))
        lu = np.zeros(len(candidates))
        for c in range(n_comp):
            lv = candidates[:, c]
            nonnull = lv > 0
            lm += np.where(nonnull, np.log(np.maximum(m[c][lv], 1e-12)), 0.0)
            lu += np.where(nonnull, np.log(np.maximum(u[c][lv], 1e-12)), 0.0)
        a = math.log(prior) + lm
        b = math.log(1 - prior) + lu
        p = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        new_m = []
        for c, comp in enumerate(COMPARISONS):
            lv = candidates[:, c]
            counts = np.bincount(lv, weights=p, minlength=len(comp.levels))
            counts[0] = 0.0
            total = float(p[lv > 0].sum())
            new_m.append(_shrunk(counts, total, comp.m0, M_PSEUDO))
        prior = float(np.clip(p.mean(), 1e-4, 1 - 1e-4))
        delta = max(float(np.abs(x - y).max()) for x, y in zip(new_m, m, strict=True))
        m = new_m
        if delta < 1e-4:
            break
    return FSModel(
        m=m,
        u=u,
        prior=prior,
        random_pairs=len(random_levels),
        candidate_pairs=len(candidates),
        iterations=it,
    )
