"""Benchmark: Splink (DuckDB) against ``ads link`` on the same scanned ads.

Issue 12 asked for the linkage to run on Splink unless Splink is measured unfit.
This script measures it: on a generated corpus (``nowrongdoor synth ads``, easy
or ``--hard``) it links the generator's scanned records

* with ``ads link`` of this checkout (in process), and
* with Splink 5 on DuckDB, fed the linker's own preprocessing (the same masked
  word 3-gram shingles, the same MinHash LSH band keys for blocking, the same
  contacts), with a Fellegi-Sunter model over contacts (phone, e-mail, handle
  intersect), text (Jaccard of the shingle sets at 0.7 / 0.5 / 0.3 / 0.1),
  name, city and posting week; ``lambda`` from a deterministic phone rule,
  ``u`` by random sampling, ``m`` by EM on two blocking rules (first phone;
  city and week); clusters are Splink's connected components of the pairs at
  match probability >= 0.5, 0.9, 0.99 and 0.999.

Two Splink variants: ``all shingles`` (the text as it is) and ``rare
shingles``, where shingles used by more than ``--rare-ads`` ads are dropped
before Splink sees them (the down-weighting of boilerplate Splink can be given
from outside: its term-frequency adjustment works on whole column values, not
on parts of a text).

Prints pairwise precision / recall / F1, ARI and seconds per system, one run.

Usage::

    python benchmarks/ads_splink.py --operations 460 --seed 1 --hard
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from nowrongdoor.ads import LinkOptions, adjusted_rand_index, link_ads, pairwise_scores
from nowrongdoor.ads.link._core import prepare
from nowrongdoor.ads.link._text import EMPTY, lsh_params, minhash
from nowrongdoor.synth.ads import HARD, generate_ads


def _scores(truth: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    ids = sorted(truth)
    t = [truth[i] for i in ids]
    p = [pred.get(i, f"single:{i}") for i in ids]
    return {**pairwise_scores(t, p), "ari": adjusted_rand_index(t, p)}


def _band_keys(shingles: list[np.ndarray], threshold: float) -> list[list[str]]:
    """The MinHash LSH band keys of every ad (the linker's bands and rows)."""
    sigs = minhash(shingles, 128, seed=1)
    bands, rows = lsh_params(max(0.05, threshold - 0.07), 128)
    out: list[list[str]] = [[] for _ in shingles]
    for i, row in enumerate(sigs):
        if row[0] == EMPTY:
            continue
        out[i] = [
            f"{b}:{hash(row[b * rows : (b + 1) * rows].tobytes()) & 0xFFFFFFFFFFFF:x}"
            for b in range(bands)
        ]
    return out


def _week(posted: str) -> str:
    try:
        y, w, _ = datetime.fromisoformat(posted).isocalendar()
    except ValueError:
        return ""
    return f"{y}-{w:02d}"


def _frame(records: list[dict[str, Any]], rare_ads: int | None) -> Any:
    import pandas as pd

    facts, shingles = prepare(records, LinkOptions())
    if rare_ads is not None:
        df = Counter(int(h) for s in shingles for h in s.tolist())
        shingles = [
            np.array([h for h in s.tolist() if df[int(h)] <= rare_ads], dtype=np.uint32)
            for s in shingles
        ]
    lsh = _band_keys(shingles, LinkOptions().text_threshold)
    rows = []
    for f, s, keys in zip(facts, shingles, lsh, strict=True):
        rows.append(
            {
                "unique_id": f.id,
                "phones": list(f.phones) or None,
                "emails": list(f.emails) or None,
                "handles": list(f.handles) or None,
                "names": [n.lower() for n in f.names] or None,
                "city": f.city.lower() or None,
                "week": _week(f.posted_at) or None,
                "shingles": [int(h) for h in s.tolist()] or None,
                "lsh": keys or None,
            }
        )
    return pd.DataFrame(rows)


def _jaccard_levels(col: str, cuts: tuple[float, ...]) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    jac = (
        f"len(list_intersect({col}_l, {col}_r))::double / "
        f"len(list_distinct(list_concat({col}_l, {col}_r)))"
    )
    levels: list[Any] = [cll.NullLevel(col)]
    for c in cuts:
        levels.append(
            cll.CustomLevel(f"{jac} >= {c}", label_for_charts=f"Jaccard >= {c}")
        )
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(comparison_levels=levels, output_column_name=col)


def _splink(
    records: list[dict[str, Any]], rare_ads: int | None, thresholds: tuple[float, ...]
) -> tuple[dict[float, dict[str, str]], tuple[float, float], dict[str, Any]]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t, c = time.perf_counter(), time.process_time()
    frame = _frame(records, rare_ads)
    db = DuckDBAPI()
    table = db.register(frame, dataset_display_name="ads")
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("phones", arrays_to_explode=["phones"]),
            block_on("emails", arrays_to_explode=["emails"]),
            block_on("handles", arrays_to_explode=["handles"]),
            block_on("lsh", arrays_to_explode=["lsh"]),
        ],
        comparisons=[
            cl.ArrayIntersectAtSizes("phones", [1]),
            cl.ArrayIntersectAtSizes("emails", [1]),
            cl.ArrayIntersectAtSizes("handles", [1]),
            _jaccard_levels("shingles", (0.7, 0.5, 0.3, 0.1)),
            cl.ArrayIntersectAtSizes("names", [1]),
            cl.ExactMatch("city"),
            cl.ExactMatch("week"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(table, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("phones", arrays_to_explode=["phones"])], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    # EM cannot block on exploded arrays: the first phone, then city and week.
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("phones[1]"), record_sample_proportion=1.0
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("city", "week"), record_sample_proportion=1.0
    )
    pairs = linker.inference.predict(threshold_match_probability=min(thresholds))
    out: dict[float, dict[str, str]] = {}
    for th in thresholds:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            pairs, threshold_match_probability=th
        ).as_pandas_dataframe()
        out[th] = {
            str(u): f"c{c}"
            for u, c in zip(clusters["unique_id"], clusters["cluster_id"], strict=True)
        }
    secs = (time.perf_counter() - t, time.process_time() - c)
    n_pairs = int(pairs.as_pandas_dataframe().shape[0])
    return out, secs, {"pairs_over_lowest_threshold": n_pairs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--operations", type=int, default=460)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hard", action="store_true", help="The --hard corpus.")
    ap.add_argument("--images", action="store_true", help="Also write images.")
    ap.add_argument("--corpus", type=Path, default=None, help="Reuse this corpus.")
    ap.add_argument("--rare-ads", type=int, default=20)
    args = ap.parse_args()

    corpus = args.corpus
    if corpus is None:
        corpus = Path(tempfile.mkdtemp(prefix="nwd_ads_splink_")) / "corpus"
        t = time.perf_counter()
        info = generate_ads(
            args.operations,
            args.seed,
            corpus,
            hard=HARD if args.hard else None,
            images=args.images,
        )
        print(
            f"corpus: {info.ads} ads, {info.operations} operations "
            f"({time.perf_counter() - t:.1f} s to generate)"
        )
    lines = (corpus / "scanned_truth.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(x) for x in lines if x.strip()]
    truth = json.loads((corpus / "truth.json").read_text())["operations"]

    rows: list[tuple[str, dict[str, float], tuple[float, float]]] = []
    t, c = time.perf_counter(), time.process_time()
    ours = link_ads(records, image_root=corpus)
    secs = (time.perf_counter() - t, time.process_time() - c)
    pred = {f.id: op for f, op in zip(ours.facts, ours.operation, strict=True)}
    rows.append(("ads link (ours)", _scores(truth, pred), secs))
    for label, rare in (("all shingles", None), ("rare shingles", args.rare_ads)):
        out, secs, info = _splink(records, rare, (0.5, 0.9, 0.99, 0.999))
        for th, clusters in out.items():
            rows.append((f"Splink, {label}, p >= {th}", _scores(truth, clusters), secs))
        print(f"Splink {label}: {info}")
    print(f"\n{len(records)} ads; pairwise P/R/F1, ARI, wall and CPU seconds")
    print(
        f"{'system':40} {'P':>6} {'R':>6} {'F1':>6} {'ARI':>6} {'wall':>7} {'CPU':>7}"
    )
    for name, s, (wall, cpu) in rows:
        print(
            f"{name:40} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['ari']:6.3f} {wall:7.1f} {cpu:7.1f}"
        )


if __name__ == "__main__":
    main()
