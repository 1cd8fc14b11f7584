"""The synthetic claims generator: deterministic, realistic, valid codes."""

from __future__ import annotations

import csv
import warnings
from datetime import date
from pathlib import Path

import pyarrow.csv as pcsv
import pytest

from nowrongdoor.cli import app
from nowrongdoor.population import connect, score_population
from nowrongdoor.synth._claims_codes import (
    ADULT_CODES,
    CHILD_CODES,
    CONDITIONS,
    PROFILES,
)
from nowrongdoor.synth.claims import generate_claims


def _bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("fmt", ["csv", "parquet", "long", "fhir"])
def test_same_seed_same_bytes(tmp_path: Path, fmt: str) -> None:
    generate_claims(300, 5, tmp_path / "a", fmt=fmt)  # type: ignore[arg-type]
    generate_claims(300, 5, tmp_path / "b", fmt=fmt)  # type: ignore[arg-type]
    generate_claims(300, 6, tmp_path / "c", fmt=fmt)  # type: ignore[arg-type]
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    assert _bytes(tmp_path / "a") != _bytes(tmp_path / "c")


def test_every_generated_code_is_icd10cm() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm as icd
    codes = {c for c, _ in CHILD_CODES} | {c for c, _ in ADULT_CODES}
    for _name, pool, *_ in CONDITIONS:
        codes |= set(pool)
    for _name, _rate, _ages, pools in PROFILES:
        for pool in pools:
            codes |= set(pool)
    bad = sorted(c for c in codes if not icd.is_valid_item(c))
    assert bad == []


def test_realistic_shape_and_planted_profiles_are_found(tmp_path: Path) -> None:
    corpus = generate_claims(20_000, 3, tmp_path / "pop")
    claims = pcsv.read_csv(tmp_path / "pop" / "claims.csv")
    assert claims.num_rows == corpus.claim_lines
    per_member = corpus.claim_lines / corpus.members
    assert 10 < per_member < 40  # two years of Medicaid-like utilisation
    ages = [int(r["age"]) for r in _truth(tmp_path / "pop")]
    assert min(ages) >= 0 and max(ages) <= 64
    assert 0.3 < sum(a < 18 for a in ages) / len(ages) < 0.5
    # realistic base rates: exploited members are rare, planted high risk ~1%
    assert 1 <= corpus.planted["identified"] <= 20
    assert 0.001 < sum(corpus.planted.values()) / corpus.members < 0.02
    engine = connect("duckdb")
    try:
        score_population(
            [tmp_path / "pop" / "claims.csv"],
            tmp_path / "out",
            engine=engine,
            as_of=date(2025, 12, 31),
        )
    finally:
        engine.close()
    tiers = {
        r["member_id"]: r["tier"]
        for r in csv.DictReader(open(tmp_path / "out" / "worklist.csv"))
    }
    truth = _truth(tmp_path / "pop")
    for row in truth:
        if row["profile"] == "identified":
            assert tiers.get(row["member_id"]) == "identified", row
        elif row["profile"].startswith("high_risk"):
            assert tiers.get(row["member_id"]) in ("identified", "high"), row
    flagged = len(tiers) / corpus.members
    assert 0.01 < flagged < 0.15


def _truth(root: Path) -> list[dict[str, str]]:
    with open(root / "truth" / "ground_truth.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cli(tmp_path: Path, runner) -> None:
    result = runner.invoke(
        app,
        [
            "synth",
            "claims",
            "--members",
            "50",
            "--seed",
            "1",
            "--out",
            str(tmp_path / "x"),
            "--format",
            "fhir",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "wrote 50 members" in result.output
    assert (tmp_path / "x" / "Patient.ndjson").read_text().count("\n") == 50
    bad = runner.invoke(
        app, ["synth", "claims", "--out", str(tmp_path / "y"), "--format", "xml"]
    )
    assert bad.exit_code == 2 and "--format 'xml'" in bad.output


def test_an_interrupted_claims_run_leaves_no_claims_without_truth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nowrongdoor.synth import claims as claims_module

    def stop(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(claims_module, "_truth_table", stop)
    with pytest.raises(KeyboardInterrupt):
        claims_module.generate_claims(30, 0, tmp_path / "c")
    assert list((tmp_path / "c").iterdir()) == []
