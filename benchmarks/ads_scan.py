"""Benchmark: ad extraction vs a phonenumbers + keyword-list baseline.

    .venv/bin/python benchmarks/ads_scan.py                 # 1,000,000 ads
    .venv/bin/python benchmarks/ads_scan.py --n 200000      # a smaller run
    .venv/bin/python benchmarks/ads_scan.py --n 20000 --before /tmp/old/src
                                    # also an older source tree, same run
    .venv/bin/python benchmarks/ads_scan.py --n 30000 --rounds 5
                                    # pipelines take turns, 6,000 ads at a time

Both pipelines read the same generated ads (``nowrongdoor.synth.ads``, same
seed; generation time is not counted) in separate processes, so each one's peak
memory is its own. Throughput is ads per CPU-second of the process (ads/s per
core), which stays meaningful on a shared machine; wall time is printed too.
With ``--rounds R`` the ads are cut into R parts and the pipelines take turns
on each part (ours, baseline, before, then the next part), so a change in the
machine's load during the run falls on all of them alike; the figures are sums
over the rounds.

* ours: ``nowrongdoor.ads.extract`` (normalisation, de-obfuscation, phones,
  emails, handles, ages, rates, places, names, descriptors, indicators, score).
* baseline: ``phonenumbers.PhoneNumberMatcher(text, "US")`` plus a plain
  lower-case keyword list for the indicator phrases.

Recall is measured against the generator's truth: phones on all ads and on the
obfuscated subset (number words, leet, emoji and other disguised styles), and
indicator codes found by text patterns.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

BATCH = 5_000

#: The baseline's plain keyword list: phrase -> indicator code.
KEYWORDS: dict[str, str] = {
    "young": "youth",
    "fresh": "youth",
    "new girl": "youth",
    "barely legal": "youth",
    "teen": "youth",
    "new in town": "movement",
    "just arrived": "movement",
    "visiting": "movement",
    "on tour": "movement",
    "this week only": "movement",
    "ask for": "third_party",
    "my girl": "third_party",
    "text us": "third_party",
    "2 girls": "multiple_providers",
    "sisters": "multiple_providers",
    "duo": "multiple_providers",
    "no cops": "law_enforcement_avoidance",
    "no le": "law_enforcement_avoidance",
    "no police": "law_enforcement_avoidance",
    "no black": "restricted_clientele",
    "no aa": "restricted_clientele",
    "white gentlemen only": "restricted_clientele",
    "incall": "hotel_incall",
    "in-call": "hotel_incall",
    "inn calls": "hotel_incall",
    "hotel": "hotel_incall",
    "24/7": "always_available",
    "24 hours": "always_available",
    "all night": "always_available",
    "cash only": "cash_only",
    "cash up front": "cash_only",
}
#: Codes found from text patterns (both pipelines are scored on these).
PATTERN_CODES = frozenset(KEYWORDS.values())


def _batches(n: int, seed: int) -> Iterator[list[dict[str, Any]]]:
    from nowrongdoor.synth.ads import generate_gold_ads

    batch: list[dict[str, Any]] = []
    for record in generate_gold_ads(n, seed=seed):
        batch.append(record)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _ours() -> Any:
    from nowrongdoor.ads import extract

    def run(text: str) -> tuple[list[str], set[str]]:
        record = extract(text)
        return record["phones"], {i["code"] for i in record["indicators"]}

    return run


def _baseline() -> Any:
    import phonenumbers

    fmt = phonenumbers.PhoneNumberFormat.E164

    def run(text: str) -> tuple[list[str], set[str]]:
        phones = [
            phonenumbers.format_number(m.number, fmt)
            for m in phonenumbers.PhoneNumberMatcher(text, "US")
        ]
        lower = text.lower()
        return phones, {code for kw, code in KEYWORDS.items() if kw in lower}

    return run


def worker(pipeline: str, n: int, seed: int, skip: int = 0) -> dict[str, Any]:
    """Run one pipeline over ``n`` generated ads (after the first ``skip``)."""
    from nowrongdoor.synth.ads import OBFUSCATED_STYLES

    run = _ours() if pipeline == "ours" else _baseline()
    run("warm up: call 903 312 1887, new in town")
    cpu = 0.0
    wall = 0.0
    counts = {
        "ads": 0,
        "phones": 0,
        "phones_found": 0,
        "obf": 0,
        "obf_found": 0,
        "codes": 0,
        "codes_found": 0,
        "codes_extra": 0,
    }
    seen = 0
    for batch in _batches(skip + n, seed):
        seen += len(batch)
        if seen <= skip:
            continue
        if seen - len(batch) < skip:
            batch = batch[skip - (seen - len(batch)) :]
        t_cpu, t_wall = time.process_time(), time.perf_counter()
        results = [run(record["text"]) for record in batch]
        cpu += time.process_time() - t_cpu
        wall += time.perf_counter() - t_wall
        for record, (phones, codes) in zip(batch, results, strict=True):
            counts["ads"] += 1
            want = set(record["gold"]["phones"])
            found = len(want & set(phones))
            counts["phones"] += len(want)
            counts["phones_found"] += found
            if record["meta"]["phone_style"] in OBFUSCATED_STYLES:
                counts["obf"] += len(want)
                counts["obf_found"] += found
            gold_codes = {i["code"] for i in record["gold"]["indicators"]}
            gold_codes &= PATTERN_CODES
            codes &= PATTERN_CODES
            counts["codes"] += len(gold_codes)
            counts["codes_found"] += len(gold_codes & codes)
            counts["codes_extra"] += len(codes - gold_codes)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "pipeline": pipeline,
        "cpu_s": cpu,
        "wall_s": wall,
        "peak_mb": peak_kb / 1024,
        **counts,
    }


def _spawn(
    pipeline: str, n: int, seed: int, src: str | None = None, skip: int = 0
) -> dict[str, Any]:
    env = None
    if src is not None:
        env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            pipeline,
            "--n",
            str(n),
            "--seed",
            str(seed),
            "--skip",
            str(skip),
        ],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="ads to generate")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="cut the ads into this many parts; the pipelines take turns on each",
    )
    parser.add_argument(
        "--worker", choices=["ours", "baseline"], help=argparse.SUPPRESS
    )
    parser.add_argument("--skip", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--before",
        metavar="SRC",
        help="also run 'ours' from this source tree (e.g. an older checkout's src)",
    )
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.n, args.seed, args.skip)))
        return
    if args.rounds < 1 or args.rounds > args.n:
        parser.error(f"--rounds must be between 1 and --n (got {args.rounds})")
    contenders: dict[str, str | None] = {"ours": None, "baseline": None}
    if args.before:
        contenders["before"] = args.before
    results: dict[str, dict[str, Any]] = {}
    cuts = [args.n * r // args.rounds for r in range(args.rounds + 1)]
    for start, stop in zip(cuts, cuts[1:], strict=False):
        for name, src in contenders.items():
            pipeline = "baseline" if name == "baseline" else "ours"
            part = _spawn(pipeline, stop - start, args.seed, src, skip=start)
            if name not in results:
                results[name] = part
                continue
            total = results[name]
            for key, value in part.items():
                if key == "peak_mb":
                    total[key] = max(total[key], value)
                elif isinstance(value, int | float):
                    total[key] += value
    if args.before:
        before = results["before"]
        print(
            f"ours from {args.before}: {before['ads'] / before['cpu_s']:,.0f} ads/s "
            f"per core; phone recall {before['phones_found'] / before['phones']:.4f}"
        )
    ours, base = results["ours"], results["baseline"]

    def rate(r: dict[str, Any]) -> float:
        return r["ads"] / r["cpu_s"] if r["cpu_s"] else 0.0

    def recall(r: dict[str, Any], found: str, total: str) -> float:
        return r[found] / r[total] if r[total] else 0.0

    rows = [
        ("ads", f"{ours['ads']:,}", f"{base['ads']:,}", ""),
        (
            "ads/s per core (CPU time)",
            f"{rate(ours):,.0f}",
            f"{rate(base):,.0f}",
            _ratio(rate(ours), rate(base)),
        ),
        (
            "wall seconds (shared machine)",
            f"{ours['wall_s']:.1f}",
            f"{base['wall_s']:.1f}",
            _ratio(ours["wall_s"], base["wall_s"]),
        ),
        (
            "peak memory MB",
            f"{ours['peak_mb']:.0f}",
            f"{base['peak_mb']:.0f}",
            _ratio(ours["peak_mb"], base["peak_mb"]),
        ),
        (
            "phone recall, all ads",
            f"{recall(ours, 'phones_found', 'phones'):.4f}",
            f"{recall(base, 'phones_found', 'phones'):.4f}",
            "",
        ),
        (
            f"phone recall, obfuscated ({ours['obf']:,} phones)",
            f"{recall(ours, 'obf_found', 'obf'):.4f}",
            f"{recall(base, 'obf_found', 'obf'):.4f}",
            "",
        ),
        (
            "indicator recall (text codes)",
            f"{recall(ours, 'codes_found', 'codes'):.4f}",
            f"{recall(base, 'codes_found', 'codes'):.4f}",
            "",
        ),
        (
            "indicator false codes",
            f"{ours['codes_extra']:,}",
            f"{base['codes_extra']:,}",
            "",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'ours':>12}  {'baseline':>12}  {'ours/base':>9}")
    for name, a, b, ratio in rows:
        print(f"{name:{width}}  {a:>12}  {b:>12}  {ratio:>9}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
