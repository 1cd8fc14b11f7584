"""Compare: ``phonenumbers.PhoneNumberMatcher`` against the ads extractor's phones.

    env PYTHONPATH=src .venv/bin/python benchmarks/ads_phonenumbers_matcher.py \\
        tests/data/ads_obfuscated.jsonl

For every gold file given (``{"id", "text", "gold": {"phones": [...]}}`` per
line) it prints phone precision and recall of the library's matcher (region US,
leniency POSSIBLE and VALID), run on the raw text and on the extractor's
de-obfuscated text (``nowrongdoor.text.numeric_view``), beside the extractor's
own (``nowrongdoor.ads.extract``). docs/evaluation.md gives the figures: the
matcher is why the extractor does not simply call it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import phonenumbers
from phonenumbers import Leniency

from nowrongdoor.ads import extract
from nowrongdoor.text import normalize, numeric_view


def _matcher(leniency: int, view: Callable[[str], str]) -> Callable[[str], set[str]]:
    def find(text: str) -> set[str]:
        return {
            phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            for m in phonenumbers.PhoneNumberMatcher(
                view(text), "US", leniency=leniency
            )
        }

    return find


def _score(rows: list[dict], find: Callable[[str], set[str]]) -> str:
    tp = fp = fn = 0
    for row in rows:
        gold = set(row["gold"]["phones"])
        got = find(row["text"])
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return f"P {precision:.3f} R {recall:.3f} (tp {tp}, fp {fp}, fn {fn})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="+", type=Path)
    args = parser.parse_args()

    def raw(text: str) -> str:
        return text

    def view(text: str) -> str:
        return numeric_view(normalize(text)).text

    finders: list[tuple[str, Callable[[str], set[str]]]] = [
        ("PhoneNumberMatcher POSSIBLE, raw text", _matcher(Leniency.POSSIBLE, raw)),
        ("PhoneNumberMatcher VALID, raw text", _matcher(Leniency.VALID, raw)),
        (
            "PhoneNumberMatcher POSSIBLE, numeric view",
            _matcher(Leniency.POSSIBLE, view),
        ),
        ("PhoneNumberMatcher VALID, numeric view", _matcher(Leniency.VALID, view)),
        (
            "nowrongdoor.ads.extract",
            lambda t: set(extract(t, use_lexicon=False)["phones"]),
        ),
    ]
    for path in args.gold:
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        rows = [r for r in rows if "phones" in r.get("gold", {})]
        print(f"{path} ({len(rows)} ads)")
        for name, find in finders:
            print(f"  {name:43s} {_score(rows, find)}")


if __name__ == "__main__":
    main()
