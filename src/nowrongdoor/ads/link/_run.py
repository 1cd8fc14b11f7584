"""The linker's entry points (private; exported by :mod:`nowrongdoor.ads`).

:func:`link_ads` links records in memory, :func:`link_file` links a JSONL file
and writes the outputs, :func:`explain_file` says why two ads are or are not
linked. The method is described in :mod:`nowrongdoor.ads.link`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from nowrongdoor.ads.link._combine import link_facts
from nowrongdoor.ads.link._core import LinkOptions, LinkResult
from nowrongdoor.ads.link._explain import explain_pair
from nowrongdoor.ads.link._io import (
    ReadReport,
    read_records,
    refuse_no_ads,
    write_link_outputs,
)
from nowrongdoor.ads.link._profiles import profile_operations

__all__ = ["explain_file", "link_ads", "link_file"]


def link_ads(
    records: Iterable[dict[str, Any]],
    *,
    options: LinkOptions | None = None,
    image_root: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> LinkResult:
    """Link scanned ad records into operations.

    Args:
        records: Records in the ``ads scan`` schema (``id``, ``phones``,
            ``emails``, ``handles``, ``names``, ``ages``, ``rates``,
            ``indicators`` ...) plus, when present, ``text``, ``title``,
            ``posted_at``, ``city``, ``state`` and ``images``.
        options: Thresholds (defaults: :class:`LinkOptions`).
        image_root: Directory that relative image paths resolve against.
        progress: Called with ``(stage, count)``.

    Returns:
        The :class:`LinkResult` (operation per ad, merges, hubs, skipped images).
    """
    return link_facts(
        records,
        options=options or LinkOptions(),
        image_root=image_root,
        progress=progress,
    )


def link_file(
    path: Path,
    out_dir: Path,
    *,
    options: LinkOptions | None = None,
    image_root: Path | None = None,
    graph: bool = True,
    booked_hours_per_ad: float = 3.0,
    progress: Callable[[str, int], None] | None = None,
    engine: str = "duckdb",
    spark: Any = None,
    spark_master: str | None = None,
    spark_driver_host: str = "127.0.0.1",
) -> dict[str, Any]:
    """Link a JSONL file of scanned or raw ads and write the outputs.

    Raw ads (``text`` but no ``phones``) are scanned on the fly. Writes
    ``operations.csv``, ``operations.json``, ``edges.csv`` and (unless
    ``graph`` is false) ``graph.graphml`` to ``out_dir``, atomically.

    Args:
        path: Input JSONL.
        out_dir: Output directory.
        options: Thresholds.
        image_root: Where relative image paths resolve (default: the input's
            directory).
        graph: Write the GraphML file.
        booked_hours_per_ad: Paid hours per ad in the revenue estimate.
        progress: Called with ``(stage, count)``.
        engine: ``duckdb`` (the default: everything in this process) or
            ``spark`` (per-ad work on Spark partitions, same operations).
        spark: The ``SparkSession`` for the ``spark`` engine (``None``: a
            session is started and stopped here).
        spark_master: Master URL of the session started here (``None``: local).
        spark_driver_host: Address a cluster's executors reach this driver on.

    Returns:
        The run summary (also stored in ``operations.json``).

    Raises:
        UserInputError: The input file does not exist, or it has records and
            none of them is an ad (an empty file gives empty outputs).
    """
    report = ReadReport()
    started = time.perf_counter()
    root = image_root if image_root is not None else path.parent
    if engine == "spark":
        result = _link_with_spark(
            path,
            options or LinkOptions(),
            root,
            report,
            spark,
            spark_master,
            spark_driver_host,
        )
    else:
        result = link_ads(
            read_records(path, report),
            options=options,
            image_root=root,
            progress=progress,
        )
    refuse_no_ads(path, len(result.facts), report)
    profiles = profile_operations(result, booked_hours_per_ad=booked_hours_per_ad)
    sizes: dict[str, int] = {}
    for op in result.operation:
        sizes[op] = sizes.get(op, 0) + 1
    summary: dict[str, Any] = {
        "input": str(path),
        "ads": len(result.facts),
        "engine": engine,
        "scanned_on_the_fly": report.scanned,
        "operations": sum(1 for n in sizes.values() if n >= 2),
        "singletons": sum(1 for n in sizes.values() if n == 1),
        "merges": len(result.merges),
        "merges_by_kind": _count(m.kind for m in result.merges),
        "hubs_ignored": len(result.hubs),
        "refused_by_conflict": len(result.refused),
        "model": result.model.as_dict() if result.model else None,
        "unreadable_images": len(result.unreadable_images),
        "skipped_records": [str(s) for s in report.skipped],
        "seconds": round(time.perf_counter() - started, 3),
    }
    write_link_outputs(result, profiles, out_dir, summary=summary, graph=graph)
    return summary


def explain_file(
    path: Path, id_a: str, id_b: str, *, image_root: Path | None = None
) -> list[str]:
    """Link a JSONL file and say why two of its ads are or are not linked.

    Args:
        path: Input JSONL (scanned or raw ads), as given to :func:`link_file`.
        id_a: One ad id.
        id_b: The other ad id.
        image_root: Where relative image paths resolve (default: the input's
            directory).

    Returns:
        The explanation lines (:func:`explain_pair`).

    Raises:
        UserInputError: The file does not exist, none of its records is an
            ad, or an id is not in it (the message names the file).
    """
    report = ReadReport()
    root = image_root if image_root is not None else path.parent
    result = link_ads(read_records(path, report), image_root=root)
    refuse_no_ads(path, len(result.facts), report)
    return explain_pair(result, id_a, id_b, source=str(path))


def _link_with_spark(
    path: Path,
    options: LinkOptions,
    root: Path,
    report: ReadReport,
    spark: Any,
    spark_master: str | None = None,
    spark_driver_host: str = "127.0.0.1",
) -> LinkResult:
    import tempfile

    from nowrongdoor._spark import spark_session
    from nowrongdoor.ads.link._spark import link_spark

    if spark is not None:
        return link_spark(spark, path, options=options, image_root=root, report=report)
    with tempfile.TemporaryDirectory(prefix="nwd-spark-") as tmp:
        session = spark_session(
            Path(tmp) / "warehouse",
            master=spark_master,
            driver_host=spark_driver_host,
        )
        try:
            return link_spark(
                session, path, options=options, image_root=root, report=report
            )
        finally:
            session.stop()


def _count(items: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out
