"""Scan a corpus of ads into extraction records, atomically (private)."""

from __future__ import annotations

import heapq
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from nowrongdoor._output import atomic_path, out_folder
from nowrongdoor.ads._extract import extract
from nowrongdoor.ads._ingest import DEFAULT_MAX_CHARS, AdInput, BadRecord, iter_ads
from nowrongdoor.errors import UserInputError

__all__ = ["ScanSummary", "parquet_schema", "scan"]

Format = Literal["jsonl", "parquet"]


@dataclass
class ScanSummary:
    """What a scan did.

    Attributes:
        read: Ads read and extracted.
        written: Records written.
        bad: The records skipped, with file, line and reason.
        top: The highest-scoring records (score, record), best first.
        out: The output path.
    """

    read: int = 0
    written: int = 0
    bad: list[BadRecord] = field(default_factory=list)
    top: list[dict[str, Any]] = field(default_factory=list)
    out: Path | None = None


def _one(ad: AdInput) -> dict[str, Any]:
    return extract(ad.text, **ad.extract_kwargs())


def resolve_workers(value: str | int) -> int:
    """The number of worker processes for ``--workers`` (``auto``: one per usable core).

    Args:
        value: A positive number, or ``auto``.

    Returns:
        The number of processes (at least 1).

    Raises:
        UserInputError: anything else.
    """
    if isinstance(value, str) and value.strip().lower() == "auto":
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        return max(1, cores)
    try:
        workers = int(value)
    except ValueError:
        raise UserInputError(
            f"--workers must be a number or 'auto' (got {value!r})."
        ) from None
    if workers < 1:
        raise UserInputError(f"--workers must be at least 1 (got {workers}).")
    return workers


def _records(
    ads: Iterable[AdInput], workers: int, chunksize: int = 64
) -> Iterator[dict[str, Any]]:
    if workers <= 1:
        for ad in ads:
            yield _one(ad)
        return
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(workers, initializer=_leave_ctrl_c_to_the_parent) as pool:
        yield from pool.imap(_one, ads, chunksize=chunksize)


def _leave_ctrl_c_to_the_parent() -> None:
    """Workers ignore Ctrl-C: the parent stops them (no traceback per worker)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def parquet_schema() -> Any:
    """The Arrow schema of the Parquet output."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("phones", pa.list_(pa.string())),
            ("emails", pa.list_(pa.string())),
            ("handles", pa.list_(pa.string())),
            ("ages", pa.list_(pa.int32())),
            (
                "rates",
                pa.list_(
                    pa.struct([("amount", pa.float64()), ("minutes", pa.int32())])
                ),
            ),
            (
                "locations",
                pa.list_(pa.struct([("city", pa.string()), ("state", pa.string())])),
            ),
            ("names", pa.list_(pa.string())),
            ("descriptors", pa.list_(pa.string())),
            ("ad_kind", pa.string()),
            (
                "indicators",
                pa.list_(
                    pa.struct(
                        [
                            ("code", pa.string()),
                            ("evidence", pa.string()),
                            ("start", pa.int32()),
                            ("end", pa.int32()),
                            ("weight", pa.float64()),
                        ]
                    )
                ),
            ),
            ("score", pa.float64()),
        ]
    )


class _JsonlWriter:
    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def write(self, record: dict[str, Any]) -> None:
        self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.handle.flush()


class _ParquetWriter:
    batch_size = 8192

    def __init__(self, path: str) -> None:
        import pyarrow.parquet as pq

        self.schema = parquet_schema()
        self.writer = pq.ParquetWriter(path, self.schema)
        self.batch: list[dict[str, Any]] = []

    def write(self, record: dict[str, Any]) -> None:
        self.batch.append(record)
        if len(self.batch) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.batch:
            self.writer.write_table(
                pa.Table.from_pylist(self.batch, schema=self.schema)
            )
            self.batch = []

    def close(self) -> None:
        self._flush()
        self.writer.close()


def _nothing_read(input_path: str | Path, bad: list[BadRecord]) -> str:
    """One sentence for an input with no readable ad (random bytes, empty file)."""
    if not bad:
        return f"{input_path}: no ads in the input; nothing written."
    return (
        f"{input_path}: no readable ads ({len(bad):,} bad "
        f"record{'s' if len(bad) != 1 else ''}, the first at "
        f"{bad[0]}); nothing written."
    )


def scan(
    input_path: str | Path,
    out_path: str | Path,
    workers: int = 1,
    fmt: Format = "jsonl",
    *,
    on_progress: Callable[[int], None] | None = None,
    on_bad: Callable[[BadRecord], None] | None = None,
    profile: str | Path | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    top: int = 5,
) -> ScanSummary:
    """Extract every ad of a corpus and write one record per ad.

    The output is written to a temporary file next to ``out_path`` and renamed
    into place only when the scan finishes; an interrupted scan leaves no
    partial output. An input with no readable ad at all (random bytes, an empty
    file) is an error, not an empty output.

    Args:
        input_path: JSONL, CSV, or a folder of saved HTML pages (see ``iter_ads``).
        out_path: Output file (JSONL, or Parquet with ``fmt="parquet"``).
        workers: Processes to extract with (1 = in this process).
        fmt: ``jsonl`` or ``parquet``.
        on_progress: Called with the number of ads done so far, now and then.
        on_bad: Called with each skipped record as it is found.
        profile: Site profile for an HTML folder.
        max_chars: Ads longer than this are skipped and reported.
        top: How many of the highest-scoring records to keep in the summary.

    Returns:
        A :class:`ScanSummary`.

    Raises:
        UserInputError: bad options, or no readable ad in the input.
    """
    if fmt not in ("jsonl", "parquet"):
        raise UserInputError(f"unknown output format {fmt!r}; use jsonl or parquet.")
    if workers < 1:
        raise UserInputError(f"--workers must be at least 1 (got {workers}).")
    out = Path(out_path)
    out_folder(out.parent)
    summary = ScanSummary(out=out)

    def bad(record: BadRecord) -> None:
        summary.bad.append(record)
        if on_bad is not None:
            on_bad(record)

    ads = iter_ads(input_path, on_bad=bad, profile=profile, max_chars=max_chars)
    heap: list[tuple[float, int, dict[str, Any]]] = []
    with (
        atomic_path(out, private=True) as tmp,
        tmp.open("w", encoding="utf-8") as handle,
    ):
        writer: _JsonlWriter | _ParquetWriter = (
            _JsonlWriter(handle) if fmt == "jsonl" else _ParquetWriter(str(tmp))
        )
        for record in _records(ads, workers):
            writer.write(record)
            summary.read += 1
            summary.written += 1
            if top > 0:
                item = (float(record["score"]), -summary.read, record)
                if len(heap) < top:
                    heapq.heappush(heap, item)
                elif item[:2] > heap[0][:2]:
                    heapq.heapreplace(heap, item)
            if on_progress is not None and summary.read % 256 == 0:
                on_progress(summary.read)
        writer.close()
        if summary.read == 0:
            raise UserInputError(_nothing_read(input_path, summary.bad))
    if on_progress is not None:
        on_progress(summary.read)
    summary.top = [rec for _, _, rec in sorted(heap, key=lambda x: x[:2], reverse=True)]
    return summary
