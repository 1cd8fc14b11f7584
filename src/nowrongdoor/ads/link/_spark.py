"""The linker on Spark (private; see :func:`nowrongdoor.ads.link_file`).

The per-ad work (parsing, scanning raw ads, masking, shingle hashing, image
hashing) is independent per ad and runs on Spark partitions in parallel. The
compact results (facts without text, four bytes per shingle, one hash per
image) are collected in input order and the graph step
(:func:`nowrongdoor.ads.link._combine.combine`: hubs, contact groups, weighed
pairs, constrained merge) runs on the driver: the same function as the
in-process engine, so both engines give the same operations.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from nowrongdoor.ads._ingest import BadRecord
from nowrongdoor.ads.link._combine import combine
from nowrongdoor.ads.link._core import AdFacts, LinkOptions, LinkResult, prepare
from nowrongdoor.ads.link._images import hash_images
from nowrongdoor.ads.link._io import ReadReport, scan_if_raw
from nowrongdoor.errors import user_file

__all__ = ["link_spark"]


def _prepare_partition(
    options: LinkOptions, rows: Iterator[tuple[str, int]]
) -> Iterator[tuple[Any, ...]]:
    recs: list[dict[str, Any]] = []
    where: list[tuple[int, bool]] = []
    extract = None
    for line, i in rows:
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ("bad", i, f"not JSON ({exc})")
            continue
        if not isinstance(rec, dict) or rec.get("id") in (None, ""):
            yield ("bad", i, "record has no id")
            continue
        rec, extract, was_raw = scan_if_raw(rec, extract)
        recs.append(rec)
        where.append((i, was_raw))
    facts, shingles = prepare(recs, options)
    for (i, was_raw), f, row in zip(where, facts, shingles, strict=True):
        yield ("ok", i, f, row.tobytes(), was_raw)


def _hash_partition(root: str | None, refs: Iterator[str]) -> Iterator[tuple[Any, ...]]:
    index = hash_images(list(refs), Path(root) if root else None)
    for ref, h in index.hashes.items():
        yield ("hash", ref, h)
    for ref, why in index.unreadable:
        yield ("unreadable", ref, why)


def link_spark(
    spark: Any,
    path: Path,
    *,
    options: LinkOptions,
    image_root: Path | None,
    report: ReadReport,
) -> LinkResult:
    """Link a JSONL file of scanned or raw ads with Spark doing the per-ad work.

    Args:
        spark: A ``SparkSession`` (local or cluster; executors need this package).
        path: Input JSONL.
        options: Thresholds.
        image_root: Where relative image paths resolve.
        report: Collects skipped lines and the number of raw ads scanned.

    Returns:
        The :class:`LinkResult`, the same as the in-process engine's.

    Raises:
        UserInputError: The input file does not exist.
    """
    user_file(path, "ads file")
    sc = spark.sparkContext
    sc.pythonExec = sys.executable  # executors run this interpreter (local mode)
    lines = sc.textFile(str(path.resolve())).zipWithIndex()
    rows = sorted(
        lines.mapPartitions(lambda it: _prepare_partition(options, it)).collect(),
        key=lambda r: r[1],
    )
    facts: list[AdFacts] = []
    sig_rows: list[bytes] = []
    seen: set[str] = set()
    for row in rows:
        if row[0] == "bad":
            report.skipped.append(BadRecord(str(path), row[1] + 1, row[2]))
            continue
        _, i, f, sig, was_raw = row
        if f.id in seen:
            report.skipped.append(BadRecord(str(path), i + 1, f"duplicate id {f.id}"))
            continue
        seen.add(f.id)
        facts.append(f)
        sig_rows.append(sig)
        report.scanned += bool(was_raw)
    shingles = [np.frombuffer(row, dtype=np.uint32) for row in sig_rows]
    phash: dict[str, int] = {}
    unreadable: list[tuple[str, str]] = []
    refs = sorted({r for f in facts for r in f.images})
    if options.use_images and refs:
        root = str(image_root) if image_root is not None else None
        out = (
            sc.parallelize(refs, max(1, min(len(refs) // 500, 64)))
            .mapPartitions(lambda it: _hash_partition(root, it))
            .collect()
        )
        for kind, ref, value in out:
            if kind == "hash":
                phash[ref] = int(value)
            else:
                unreadable.append((ref, str(value)))
        unreadable.sort()
    return combine(facts, shingles, phash, unreadable, options)
