"""Precision, recall and F1 of extraction against a gold file (private).

Gold records are ``{"id", "text", "gold": {same keys as the output}}`` (optional
``title``, ``city``, ``state``, ``poster_age`` are passed to the extractor).
Fields are compared as sets of values per ad (micro-averaged over the file); a
field missing from an ad's gold is not scored for that ad (a set labelled for
ages only scores ages). Indicators are compared by code per ad (an ad has the
code or not).

An ad whose gold has a ``class`` (``benign``: not an offer of commercial sex;
``escort``: an offer without trafficking indicators; ``risky``: with them) is
also classified from its record: ``risky`` when the score reaches
``risky_score``, else ``escort`` when the ad kind is escort or massage, else
``benign``. The report gives the confusion of gold and predicted classes and
the rank order: the share of (risky, benign) pairs in which the risky ad scores
higher (ties count half). An ad whose gold has a ``kind`` (escort, massage, job,
classified) adds to the confusion of gold and predicted ad kinds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nowrongdoor.ads._extract import FIELD_KEYS, extract
from nowrongdoor.ads._ingest import AdInput, BadRecord, iter_ads
from nowrongdoor.errors import UserInputError

__all__ = [
    "CLASSES",
    "predicted_class",
    "FIELDS",
    "Counts",
    "EvaluationReport",
    "evaluate",
    "evaluate_records",
]

#: Gold classes of an ad.
CLASSES = ("benign", "escort", "risky")

#: Fields scored as sets of values (the extractor's list fields).
FIELDS = FIELD_KEYS


@dataclass
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """Counts and scores, rounded."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class EvaluationReport:
    """Per-field and per-indicator scores, and the score separation."""

    ads: int = 0
    fields: dict[str, Counts] = field(default_factory=dict)
    indicators: dict[str, Counts] = field(default_factory=dict)
    benign_high: int = 0
    benign: int = 0
    flagged_scores: list[float] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: Ads with at least one gold phone, and of those the ones found exactly.
    phone_ads: int = 0
    phone_exact: int = 0
    #: confusion[gold][predicted] over ads with a gold class.
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    #: kind_confusion[gold kind][predicted ad_kind] over ads with a gold kind.
    kind_confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    class_scores: dict[str, list[float]] = field(default_factory=dict)

    @property
    def phone_exact_share(self) -> float:
        """Share of ads with a gold phone whose phones were found exactly."""
        return self.phone_exact / self.phone_ads if self.phone_ads else 1.0

    @property
    def rank_order(self) -> float | None:
        """Share of (risky, benign) pairs with the risky ad scoring higher."""
        risky = self.class_scores.get("risky", [])
        benign = self.class_scores.get("benign", [])
        if not risky or not benign:
            return None
        right = 0.0
        for r in risky:
            for b in benign:
                right += 1.0 if r > b else 0.5 if r == b else 0.0
        return right / (len(risky) * len(benign))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        rank = self.rank_order
        return {
            "ads": self.ads,
            "fields": {k: v.as_dict() for k, v in self.fields.items()},
            "indicators": {k: v.as_dict() for k, v in sorted(self.indicators.items())},
            "phone_ads": self.phone_ads,
            "phone_exact": self.phone_exact,
            "invented_phones": self.fields["phones"].fp
            if "phones" in self.fields
            else 0,
            "benign_ads": self.benign,
            "benign_scoring_at_least_0.5": self.benign_high,
            "class_confusion": self.confusion,
            "kind_confusion": self.kind_confusion,
            "rank_order": None if rank is None else round(rank, 4),
            "bad_records": [str(b) for b in self.bad],
        }


def _key(name: str, value: Any) -> Any:
    if name == "rates":
        minutes = value.get("minutes")
        return (float(value["amount"]), None if minutes is None else int(minutes))
    if name == "locations":
        city = value.get("city")
        return ((city or "").lower() or None, (value.get("state") or "").upper())
    if name == "ages":
        return int(value)
    return str(value).lower()


def _as_set(name: str, values: Iterable[Any]) -> set[Any]:
    return {_key(name, v) for v in values or ()}


def _gold_set(ad: AdInput, name: str, values: Any) -> set[Any]:
    """``_as_set`` of a gold field, or one sentence naming the record and field."""
    try:
        if values is None:
            return set()
        if not isinstance(values, list):
            raise TypeError
        if name == "indicators":
            return {i["code"] for i in values}
        return _as_set(name, values)
    except (TypeError, ValueError, KeyError, AttributeError):
        shape = {
            "indicators": "objects with a 'code'",
            "rates": "objects with an 'amount'",
            "locations": "objects with a 'city' and 'state'",
            "ages": "whole numbers",
        }.get(name, "values")
        raise UserInputError(
            f"{ad.source}: gold {name!r} must be a list of {shape}, not {values!r:.80}."
        ) from None


def predicted_class(record: dict[str, Any], risky_score: float = 0.2) -> str:
    """The class of an extracted record: ``risky``, ``escort`` or ``benign``."""
    if float(record.get("score", 0.0)) >= risky_score:
        return "risky"
    if record.get("ad_kind") in ("escort", "massage"):
        return "escort"
    return "benign"


def evaluate_records(
    ads: Iterable[AdInput],
    predict: Callable[[AdInput], dict[str, Any]] | None = None,
    *,
    high_score: float = 0.5,
    risky_score: float = 0.2,
    keep_errors: int = 0,
) -> EvaluationReport:
    """Score predictions against the ``gold`` of each ad.

    Args:
        ads: Ads whose ``extra["gold"]`` holds the expected record.
        predict: Turns an ad into a record; :func:`extract` by default.
        high_score: Score at or above which an ad counts as flagged.
        risky_score: Score at or above which an ad is predicted ``risky``.
        keep_errors: Keep up to this many per-ad differences in ``errors``.

    Returns:
        An :class:`EvaluationReport`.
    """
    report = EvaluationReport(
        fields={name: Counts() for name in FIELDS},
    )
    for ad in ads:
        gold = ad.extra.get("gold")
        if not isinstance(gold, dict):
            raise UserInputError(f"{ad.source}: the record has no 'gold' object.")
        record = predict(ad) if predict else extract(ad.text, **ad.extract_kwargs())
        report.ads += 1
        differences: dict[str, Any] = {}
        gold_class = gold.get("class")
        if gold_class is not None:
            if gold_class not in CLASSES:
                raise UserInputError(
                    f"{ad.source}: gold class {gold_class!r} is not one of "
                    f"{', '.join(CLASSES)}."
                )
            got_class = predicted_class(record, risky_score)
            row = report.confusion.setdefault(gold_class, dict.fromkeys(CLASSES, 0))
            row[got_class] += 1
            report.class_scores.setdefault(gold_class, []).append(
                float(record["score"])
            )
            if got_class != gold_class:
                differences["class"] = {"gold": gold_class, "predicted": got_class}
        gold_kind = gold.get("kind")
        if gold_kind is not None:
            kinds = report.kind_confusion.setdefault(str(gold_kind), {})
            got_kind = str(record.get("ad_kind"))
            kinds[got_kind] = kinds.get(got_kind, 0) + 1
        if gold.get("phones"):
            report.phone_ads += 1
            if _gold_set(ad, "phones", gold["phones"]) == _as_set(
                "phones", record.get("phones", [])
            ):
                report.phone_exact += 1
        for name in FIELDS:
            if name not in gold:
                continue
            want = _gold_set(ad, name, gold.get(name, []))
            got = _as_set(name, record.get(name, []))
            counts = report.fields[name]
            counts.tp += len(want & got)
            counts.fp += len(got - want)
            counts.fn += len(want - got)
            if want != got:
                differences[name] = {
                    "missed": sorted(map(str, want - got)),
                    "extra": sorted(map(str, got - want)),
                }
        if "indicators" in gold:
            want_codes = _gold_set(ad, "indicators", gold.get("indicators", []))
            got_codes = {i["code"] for i in record.get("indicators", [])}
            for code in want_codes | got_codes:
                counts = report.indicators.setdefault(code, Counts())
                if code in want_codes and code in got_codes:
                    counts.tp += 1
                elif code in got_codes:
                    counts.fp += 1
                else:
                    counts.fn += 1
            if want_codes != got_codes:
                differences["indicators"] = {
                    "missed": sorted(want_codes - got_codes),
                    "extra": sorted(got_codes - want_codes),
                }
        benign = (
            gold_class == "benign"
            if gold_class is not None
            else "indicators" in gold and not gold["indicators"]
        )
        if benign:
            report.benign += 1
            if record["score"] >= high_score:
                report.benign_high += 1
        if differences and len(report.errors) < keep_errors:
            report.errors.append({"id": ad.id, "text": ad.text, **differences})
    return report


def evaluate(
    gold_path: str | Path,
    *,
    high_score: float = 0.5,
    risky_score: float = 0.2,
    keep_errors: int = 0,
) -> EvaluationReport:
    """Evaluate the extractor on a gold JSONL file.

    Args:
        gold_path: JSONL of ``{"id", "text", "gold": {...}}`` records.
        high_score: Score at or above which an ad counts as flagged.
        risky_score: Score at or above which an ad is predicted ``risky``.
        keep_errors: Keep up to this many per-ad differences.

    Returns:
        An :class:`EvaluationReport` (bad lines are reported in ``bad``).
    """
    bad: list[BadRecord] = []
    report = evaluate_records(
        iter_ads(gold_path, on_bad=bad.append),
        high_score=high_score,
        risky_score=risky_score,
        keep_errors=keep_errors,
    )
    report.bad = bad
    if report.ads == 0:
        raise UserInputError(f"{gold_path}: no readable gold records.")
    return report


def dumps(report: EvaluationReport) -> str:
    """The report as indented JSON."""
    return json.dumps(report.as_dict(), indent=2)
