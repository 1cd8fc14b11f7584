"""Synthetic claims at a state's scale: wide Parquet parts in bounded memory.

``stream_claims`` draws the population in chunks of members (each chunk from its
own random stream, ``(seed, chunk)``), writes each chunk's claim lines as row
groups of ``claims/part-NNNNN.parquet`` (a new part every ``lines_per_file``
lines) and its ground truth as rows of ``truth/ground_truth.csv``, so memory is
bounded by the chunk, not the population: 10^8 claim lines (about 5 million
members) are written with the same few hundred MB as 10^6. Everything is written
under a hidden folder in ``out`` and moved into place at the end, so an
interrupted run (Ctrl-C, an error) leaves no half-written output. The same seed
and chunk size give the same bytes. Nothing here describes a real person.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from nowrongdoor._output import atomic_into
from nowrongdoor.synth.claims import ClaimsCorpus, _draw, _truth_table, _wide_table

__all__ = ["CHUNK_MEMBERS", "LINES_PER_FILE", "stream_claims"]

#: Members drawn at a time (about 1 million claim lines, ~0.4 GB at peak).
CHUNK_MEMBERS = 50_000
#: Claim lines per Parquet part (one row group per chunk inside it).
LINES_PER_FILE = 10_000_000


def stream_claims(
    members: int,
    seed: int,
    out: Path,
    *,
    chunk_members: int = CHUNK_MEMBERS,
    lines_per_file: int = LINES_PER_FILE,
    end: date = date(2025, 12, 31),
    days: int = 730,
    claims_per_year: float = 9.0,
    progress: Callable[[int, int], None] | None = None,
) -> ClaimsCorpus:
    """Write a synthetic population as partitioned wide Parquet, chunk by chunk.

    Args:
        members: Number of members.
        seed: Random seed; with the same ``chunk_members`` it gives the same bytes.
        out: Output directory (created); ``claims/`` and ``truth/`` in it are
            replaced when the run completes.
        chunk_members: Members drawn and written at a time (bounds the memory).
        lines_per_file: Claim lines after which a new ``part-NNNNN.parquet``
            starts.
        end: Last service date of the window.
        days: Window length in days.
        claims_per_year: Mean claim lines per member per year.
        progress: Called with (members written, claim lines written) after each
            chunk.

    Returns:
        Counts and file names (relative to ``out``).

    Raises:
        ValueError: ``members`` or ``chunk_members`` is below 1.
    """
    import numpy as np
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    if members < 1 or chunk_members < 1:
        raise ValueError("members and chunk_members must be at least 1")
    # Written into a work folder inside out; claims/ and truth/ replace the old
    # ones at the end, so an interruption leaves no partial corpus.
    with atomic_into(Path(out)) as work:
        (work / "claims").mkdir()
        (work / "truth").mkdir()
        width = max(7, len(str(members)))
        files: list[str] = []
        writer: Any = None
        truth: Any = None
        in_file = lines = diagnoses = 0
        planted: dict[str, int] = {}
        for chunk, first in enumerate(range(0, members, chunk_members)):
            n = min(chunk_members, members - first)
            drawn, drawn_planted = _draw(
                n,
                np.random.default_rng([seed, chunk]),
                end,
                days,
                claims_per_year,
                lambda _text: None,
            )
            ids = np.array(
                [f"M{i:0{width}d}" for i in range(first + 1, first + n + 1)],
                dtype=object,
            )
            count = int(drawn.member_of.size)
            claim_ids = np.array(
                [f"C{i:012d}" for i in range(lines + 1, lines + count + 1)],
                dtype=object,
            )
            dates = (drawn.first_day + drawn.svc.astype("timedelta64[D]")).astype(
                "datetime64[D]"
            )
            table = _wide_table(
                ids,
                drawn.birth,
                np.where(drawn.female, "F", "M"),
                drawn.member_of,
                claim_ids,
                dates,
                drawn.pos,
                drawn.dx,
                drawn.vocab,
            )
            if writer is None or in_file >= lines_per_file:
                if writer is not None:
                    writer.close()
                name = f"claims/part-{len(files):05d}.parquet"
                writer = pq.ParquetWriter(work / name, table.schema)
                files.append(name)
                in_file = 0
            writer.write_table(table, row_group_size=1_000_000)
            people = _truth_table(ids, drawn.age, drawn.profile, drawn.planted_codes)
            if truth is None:
                truth = pcsv.CSVWriter(
                    work / "truth" / "ground_truth.csv",
                    people.schema,
                    write_options=pcsv.WriteOptions(quoting_style="none"),
                )
            truth.write_table(people)
            in_file += count
            lines += count
            diagnoses += int((drawn.dx >= 0).sum())
            for profile, k in drawn_planted.items():
                planted[profile] = planted.get(profile, 0) + k
            del drawn, table, people, claim_ids, ids, dates
            if progress is not None:
                progress(first + n, lines)
        writer.close()
        truth.close()
        (work / "truth" / "generator.json").write_text(
            json.dumps(
                {
                    "generator": "nowrongdoor synth claims",
                    "seed": seed,
                    "members": members,
                    "format": "partitioned",
                    "chunk_members": chunk_members,
                    "lines_per_file": lines_per_file,
                    "synthetic": True,
                },
                indent=2,
                sort_keys=True,
            )
            + "\n",
            encoding="utf-8",
        )
    return ClaimsCorpus(
        members=members,
        claim_lines=lines,
        diagnoses=diagnoses,
        planted=planted,
        files=(*files, "truth/ground_truth.csv", "truth/generator.json"),
    )
