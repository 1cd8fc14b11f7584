"""Cluster-quality metrics for linking (private): pairwise P/R/F1 and ARI."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

__all__ = ["adjusted_rand_index", "pairwise_scores", "recall_at_k"]


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering against the truth.

    A pair of ads is positive when both are in one cluster. Precision is the
    share of predicted same-cluster pairs that are same-operation pairs in the
    truth; recall the share of true pairs that were predicted.

    Args:
        truth: True label of every item.
        predicted: Predicted label of every item (same order).

    Returns:
        ``precision``, ``recall`` and ``f1`` (1.0 when there is nothing to find).
    """
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")
    both = sum(_pairs(c) for c in Counter(zip(truth, predicted, strict=True)).values())
    pred = sum(_pairs(c) for c in Counter(predicted).values())
    true = sum(_pairs(c) for c in Counter(truth).values())
    precision = both / pred if pred else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def adjusted_rand_index(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Adjusted Rand index (Hubert and Arabie) of two labelings of the same items."""
    n = len(truth)
    if n != len(predicted):
        raise ValueError("truth and predicted differ in length")
    if n < 2:
        return 1.0
    index = sum(_pairs(c) for c in Counter(zip(truth, predicted, strict=True)).values())
    a = sum(_pairs(c) for c in Counter(truth).values())
    b = sum(_pairs(c) for c in Counter(predicted).values())
    expected = a * b / _pairs(n)
    maximum = (a + b) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def recall_at_k(
    ranked: dict[str, Sequence[str]], relevant: dict[str, Sequence[str]], k: int
) -> float:
    """Share of cases with a relevant item among their first ``k`` ranked items.

    Only cases with at least one relevant item count.
    """
    cases = [c for c, items in relevant.items() if items]
    if not cases:
        return 1.0
    hits = sum(1 for c in cases if set(ranked.get(c, [])[:k]) & set(relevant[c]))
    return hits / len(cases)
