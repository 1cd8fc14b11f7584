"""The same members as wide claims, long claims and FHIR NDJSON score identically;
DuckDB and Spark produce identical worklists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nowrongdoor.population import connect, score_population
from nowrongdoor.synth.claims import generate_claims

AS_OF = date(2025, 12, 31)
FORMATS = ("csv", "long", "fhir", "parquet")


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("synth")
    out = {}
    for fmt in FORMATS:
        generate_claims(600, 11, root / fmt, fmt=fmt)  # type: ignore[arg-type]
        out[fmt] = root / fmt
    return out


def _score(src: Path, out: Path, engine_name: str = "duckdb", spark=None):
    engine = connect(engine_name, spark=spark)  # type: ignore[arg-type]
    try:
        return score_population([src], out, engine=engine, as_of=AS_OF)
    finally:
        engine.close()


def test_claims_and_fhir_score_identically(
    population: dict[str, Path], tmp_path: Path
) -> None:
    worklists = {}
    summaries = {}
    for fmt in FORMATS:
        result = _score(population[fmt], tmp_path / fmt)
        worklists[fmt] = (tmp_path / fmt / "worklist.csv").read_bytes()
        summaries[fmt] = {k: result.summary[k] for k in ("tiers", "indicators")}
        assert result.rejects == 0, fmt
    assert worklists["csv"].count(b"\n") > 10
    assert len({w for w in worklists.values()}) == 1
    assert all(s == summaries["csv"] for s in summaries.values())


MESSY = [
    ("M1", "2010-01-01", "F", "c1", "2025-01-01", "11", " z62.892 ", "f", ""),
    ("M1", "2010-01-01", "F", "c2", "2025", "11", "F10.20", "", ""),
    ("M2", "1999-02-29", "F", "c3", "2025-01-01T08:00:00", "11", "T7451XA", "", ""),
    ("M3", "1990-01-01", "F", "c4", "2025-01-01", "11", "F1.0.20", "B20", ""),
    ("M3", "1990-01-01", "F", "c5", "2025-01-01", "11", "F17.210", "", ""),
    ("M4", "2012-12-12", "F", "c6", "2025-01-01 08:00", "11", "Z62.21", "r45.851", ""),
    # no valid birth date and not identified: rejected (M2, identified, stays)
    ("M5", "2001-13-01", "F", "c7", "2025-01-01", "11", "Z62.892", "", ""),
]


@pytest.mark.spark
def test_duckdb_and_spark_give_identical_outputs(
    population: dict[str, Path], tmp_path: Path, spark
) -> None:
    """One Spark run (session start-up dominates): synthetic claims plus messy rows
    that trip the known Spark/DuckDB differences (strip, split, date casts)."""
    from _pop_helpers import WIDE_HEADER, write_csv

    src = tmp_path / "in"
    src.mkdir()
    # Parquet (per-column unpivot) and CSV (in-place unpivot) in the same run.
    (src / "claims.parquet").write_bytes(
        (population["parquet"] / "claims.parquet").read_bytes()
    )
    write_csv(src / "messy.csv", WIDE_HEADER, MESSY)
    duck = _score(src, tmp_path / "duck")
    sparked = _score(src, tmp_path / "spark", "spark", spark)
    for name in (
        "worklist.csv",
        "worklist.parquet",
        "rejects.csv",
        "risk_assessments.ndjson",
    ):
        assert (tmp_path / "duck" / name).read_bytes() == (
            tmp_path / "spark" / name
        ).read_bytes(), name
    assert {**duck.summary, "engine": "spark"} == sparked.summary
    rejects = (tmp_path / "duck" / "rejects.csv").read_text()
    assert "dx2: 'f' is not an ICD-10-CM code" in rejects
    assert "service_date '2025' is not" in rejects
    assert "birth_date '1999-02-29' is not" in rejects
    assert "birth_date '2001-13-01' is not" in rejects
    worklist = (tmp_path / "duck" / "worklist.csv").read_text()
    # identified with no valid birth date: on the worklist, age unknown
    assert "M2,,identified,50,survive" in worklist
    assert "M5," not in worklist
    assert "M4,13,high,18,prevent" in worklist
    assert "M1,15,high,12,prevent" in worklist
