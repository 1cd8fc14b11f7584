"""Partitioned synthetic claims: streamed in chunks, deterministic, all or nothing."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from nowrongdoor.cli import app
from nowrongdoor.population import connect, score_population
from nowrongdoor.synth.claims_parts import stream_claims


def _bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_chunks_parts_and_same_seed_same_bytes(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    corpus = stream_claims(
        2_500,
        7,
        tmp_path / "a",
        chunk_members=1_000,
        lines_per_file=30_000,
        progress=lambda m, n: seen.append((m, n)),
    )
    stream_claims(2_500, 7, tmp_path / "b", chunk_members=1_000, lines_per_file=30_000)
    stream_claims(2_500, 8, tmp_path / "c", chunk_members=1_000, lines_per_file=30_000)
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    assert _bytes(tmp_path / "a") != _bytes(tmp_path / "c")
    # three chunks, reported as they finish; ~20 lines a member -> parts of 2 chunks
    assert [m for m, _ in seen] == [1_000, 2_000, 2_500]
    assert seen[-1][1] == corpus.claim_lines
    parts = sorted((tmp_path / "a" / "claims").glob("part-*.parquet"))
    assert [p.name for p in parts] == ["part-00000.parquet", "part-00001.parquet"]
    assert pq.ParquetFile(parts[0]).num_row_groups == 2
    table = ds.dataset(tmp_path / "a" / "claims").to_table()
    assert table.num_rows == corpus.claim_lines
    ids = table.column("member_id").to_pylist()
    assert len(set(ids)) == 2_500 and min(ids) == "M0000001" and max(ids) == "M0002500"
    claim_ids = table.column("claim_id").to_pylist()
    assert len(set(claim_ids)) == len(claim_ids)  # unique across chunks
    with open(tmp_path / "a" / "truth" / "ground_truth.csv", newline="") as handle:
        truth = list(csv.DictReader(handle))
    assert len(truth) == 2_500
    planted = sum(1 for r in truth if r["profile"] != "none")
    assert planted == sum(corpus.planted.values())
    assert [p.name for p in tmp_path.joinpath("a").iterdir()] in (
        ["claims", "truth"],
        ["truth", "claims"],
    )


def test_an_interrupted_run_leaves_nothing_half_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stream_claims(300, 1, out, chunk_members=100)
    before = _bytes(out)

    def stop(members: int, _lines: int) -> None:
        if members >= 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        stream_claims(300, 2, out, chunk_members=100, progress=stop)
    assert _bytes(out) == before  # the earlier complete run is untouched
    assert sorted(p.name for p in out.iterdir()) == ["claims", "truth"]


def test_the_parts_score_and_planted_members_are_found(tmp_path: Path) -> None:
    stream_claims(4_000, 3, tmp_path / "pop", chunk_members=1_500)
    engine = connect("duckdb", memory_limit="512MB", temp_dir=tmp_path / "spill")
    try:
        result = score_population(
            [tmp_path / "pop" / "claims"],
            tmp_path / "run",
            engine=engine,
            as_of=date(2025, 12, 31),
        )
    finally:
        engine.close()
    with open(tmp_path / "pop" / "truth" / "ground_truth.csv", newline="") as handle:
        planted = {
            r["member_id"]: r["profile"]
            for r in csv.DictReader(handle)
            if r["profile"] != "none"
        }
    with open(tmp_path / "run" / "worklist.csv", newline="") as handle:
        tier = {r["member_id"]: r["tier"] for r in csv.DictReader(handle)}
    assert len(planted) >= 5
    for member, profile in planted.items():
        wanted = {"identified"} if profile == "identified" else {"high", "identified"}
        assert tier.get(member) in wanted, (member, profile, tier.get(member))
    assert result.summary["members"] == 4_000


def test_cli_partitioned(tmp_path: Path, runner) -> None:
    result = runner.invoke(
        app,
        ["synth", "claims", "--format", "partitioned", "--members", "120",
         "--chunk-members", "50", "--out", str(tmp_path / "x")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote 120 members" in result.output
    assert (tmp_path / "x" / "claims" / "part-00000.parquet").is_file()
