"""Built-in presets: the synthetic generator's TAF and DE-SynPUF layouts of the same
members score to the same worklist as our own layout, on DuckDB and on Spark."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nowrongdoor.cli import app
from nowrongdoor.errors import UserInputError
from nowrongdoor.population import connect, score_population
from nowrongdoor.population._inputs import discover
from nowrongdoor.population._maps import load_preset
from nowrongdoor.synth.claims import generate_claims

AS_OF = date(2025, 12, 31)
OUTPUTS = ("worklist.csv", "worklist.parquet", "risk_assessments.ndjson")


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("layouts")
    for fmt in ("csv", "taf", "synpuf"):
        generate_claims(700, 31, root / fmt, fmt=fmt)  # type: ignore[arg-type]
    return {fmt: root / fmt for fmt in ("csv", "taf", "synpuf")}


def _score(src: Path, out: Path, preset: str | None, engine="duckdb", spark=None):
    backend = connect(engine, spark=spark)
    try:
        return score_population(
            [src],
            out,
            engine=backend,
            as_of=AS_OF,
            column_map=load_preset(preset) if preset else None,
        )
    finally:
        backend.close()


def test_taf_layout_files(layouts: dict[str, Path]) -> None:
    files = {f.path.name: f for f in discover([layouts["taf"]], load_preset("taf"))}
    assert set(files) == {
        "taf_ip_base.csv",
        "taf_lt_base.csv",
        "taf_ot_base.csv",
        "taf_de_base.csv",
    }
    assert files["taf_de_base.csv"].kind == "members"
    ip = files["taf_ip_base.csv"]
    assert ip.kind == "wide"
    assert ip.dx[:3] == ("ADMTG_DGNS_CD", "DGNS_CD_1", "DGNS_CD_2")
    assert ip.dx[-1] == "DGNS_CD_12" and len(ip.dx) == 13
    assert files["taf_ot_base.csv"].dx == ("DGNS_CD_1", "DGNS_CD_2")
    assert dict(ip.roles)["member_id"] == "MSIS_ID"


@pytest.mark.parametrize("preset", ["taf", "synpuf"])
def test_preset_layout_scores_like_our_layout(
    layouts: dict[str, Path], tmp_path: Path, preset: str
) -> None:
    ours = _score(layouts["csv"], tmp_path / "ours", None)
    theirs = _score(layouts[preset], tmp_path / preset, preset)
    assert ours.flagged > 5
    assert theirs.rejects == 0
    for name in OUTPUTS:
        assert (tmp_path / "ours" / name).read_bytes() == (
            tmp_path / preset / name
        ).read_bytes(), name


def test_preset_on_our_layout_names_the_missing_column(
    layouts: dict[str, Path], tmp_path: Path, runner
) -> None:
    with pytest.raises(UserInputError) as err:
        _score(layouts["csv"] / "claims.csv", tmp_path / "o", "taf")
    assert "has no member id column (map 'CMS T-MSIS Analytic Files (TAF)' " in str(
        err.value
    )
    result = runner.invoke(
        app,
        ["population", "score", str(layouts["csv"]), "--out", str(tmp_path / "o"),
         "--preset", "nope"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--preset 'nope' is not one of taf, synpuf" in result.output


@pytest.mark.spark
def test_taf_preset_on_spark_matches_our_layout_on_duckdb(
    layouts: dict[str, Path], tmp_path: Path, spark
) -> None:
    """One Spark run: the TAF files (DDMONYYYY dates, undotted codes, 13/5/2
    diagnosis columns, separate DE base file) through the preset on Spark."""
    _score(layouts["csv"], tmp_path / "ours", None)
    _score(layouts["taf"], tmp_path / "spark", "taf", "spark", spark)
    for name in OUTPUTS:
        assert (tmp_path / "ours" / name).read_bytes() == (
            tmp_path / "spark" / name
        ).read_bytes(), name
