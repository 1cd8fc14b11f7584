"""Tiers, points and reasons on hand-built members (DuckDB)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from _pop_helpers import WIDE_HEADER, read_csv, write_csv

from _user_errors import user_error
from nowrongdoor.errors import UserInputError
from nowrongdoor.population import connect, score_population

AS_OF = date(2025, 6, 30)

ROWS = [
    # identified: a confirmed-trafficking code, adult
    ("A1", "1990-02-01", "F", "c1", "2025-01-10", "23", "T74.61XA", "", ""),
    # high: runaway minor (6 x 2.0 = 12), plus an old SUD claim outside the window
    ("H1", "2010-07-01", "F", "c2", "2025-03-01", "23", "z62.892", "", ""),
    ("H1", "2010-07-01", "F", "c3", "2021-01-01", "11", "F12.20", "", ""),
    # elevated: adult SUD + SMI = 3 + 3
    ("E1", "1980-01-01", "M", "c4", "2024-12-01", "11", "F1020", "F20.9", "I10"),
    # none: adult with SUD only (3 points) and a nicotine code (not counted)
    ("N1", "1975-05-05", "M", "c5", "2025-02-02", "11", "F11.20", "F17.210", ""),
    # none: pregnancy counts for minors only
    ("N2", "1995-05-05", "F", "c6", "2025-02-02", "11", "Z32.01", "O03.9", ""),
    # minor with pregnancy + STI: (3 + 4) x 2 = 14 => high
    ("H2", "2009-01-01", "F", "c7", "2025-04-04", "11", "Z32.01", "", ""),
    ("H2", "2009-01-01", "F", "c8", "2025-04-20", "11", "A54.00", "", ""),
    # a claim after the as-of date is ignored
    ("N3", "1990-01-01", "F", "c9", "2025-07-15", "11", "T74.51XA", "", ""),
    # the latest qualifying code is the reason; same-day ties go to the lower code
    ("E2", "2001-01-01", "F", "c10", "2024-01-01", "11", "F11.20", "", ""),
    ("E2", "2001-01-01", "F", "c11", "2025-05-05", "11", "F15.20", "F12.20", ""),
    ("E2", "2001-01-01", "F", "c12", "2025-05-05", "11", "Z59.01", "", ""),
]


def _score(tmp_path: Path, rows=ROWS, **kwargs):
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, rows)
    engine = connect("duckdb")
    try:
        result = score_population(
            [src],
            tmp_path / "out",
            engine=engine,
            as_of=kwargs.pop("as_of", AS_OF),
            **kwargs,
        )
    finally:
        engine.close()
    worklist = {r["member_id"]: r for r in read_csv(tmp_path / "out" / "worklist.csv")}
    return result, worklist


def test_every_tier_on_hand_built_members(tmp_path: Path) -> None:
    result, wl = _score(tmp_path)
    assert wl["A1"]["tier"] == "identified" and wl["A1"]["pathway"] == "survive"
    assert wl["H1"]["tier"] == "high" and wl["H1"]["pathway"] == "prevent"
    assert wl["H1"]["score"] == "12"
    assert wl["E1"]["tier"] == "elevated" and wl["E1"]["pathway"] == "monitor"
    assert wl["E1"]["score"] == "6"
    assert wl["H2"]["tier"] == "high" and wl["H2"]["score"] == "14"
    for member in ("N1", "N2", "N3"):
        assert member not in wl
    assert list(wl) == ["A1", "H2", "H1", "E2", "E1"]  # tier, then score desc
    assert result.summary["tiers"] == {
        "identified": "<11",
        "high": "<11",
        "elevated": "<11",
        "none": "<11",
    }


def test_reasons_name_indicator_code_date_and_points(tmp_path: Path) -> None:
    _, wl = _score(tmp_path)
    h1 = json.loads(wl["H1"]["reasons"])
    assert h1 == [
        {
            "indicator": "runaway",
            "code": "Z62.892",
            "date": "2025-03-01",
            "points": 12,
            "sensitivity": "standard",
        }
    ]
    e2 = json.loads(wl["E2"]["reasons"])
    # young adult (24): 4 x 1.25 = 5, 3 x 1.25 = 3.75 -> 4
    assert [(r["indicator"], r["code"], r["date"], r["points"]) for r in e2] == [
        ("homelessness", "Z59.01", "2025-05-05", 5),
        ("substance_use", "F12.20", "2025-05-05", 4),
    ]
    assert wl["E2"]["score"] == "9"
    assert wl["A1"]["age"] == "35"


def test_as_of_moves_the_window(tmp_path: Path) -> None:
    _, later = _score(tmp_path, as_of=date(2025, 8, 1))
    assert later["N3"]["tier"] == "identified"
    _, early = _score(tmp_path, as_of=date(2021, 6, 1))
    assert set(early) == set()  # H1 was 10 then; SUD alone: 3 x 1.5 = 4.5 -> 5 < 6


def test_default_as_of_is_the_latest_service_date(tmp_path: Path) -> None:
    result, _ = _score(tmp_path, as_of=None)
    assert result.as_of == date(2025, 7, 15)


def test_withheld_labels_hide_indicator_code_and_date(tmp_path: Path) -> None:
    _, wl = _score(tmp_path, withhold=["42-cfr-part-2"])
    reasons = json.loads(wl["E1"]["reasons"])
    withheld = [r for r in reasons if r["indicator"] == "withheld"]
    assert withheld == [
        {
            "indicator": "withheld",
            "code": None,
            "date": None,
            "points": 3,
            "sensitivity": "withheld",
        }
    ]
    assert wl["E1"]["score"] == "6"
    assert "F10" not in (tmp_path / "out" / "risk_assessments.ndjson").read_text()


def test_unknown_withhold_label_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="unknown sensitivity label 'sud'"):
        _score(tmp_path, withhold=["sud"])


def test_more_value_set_codes_than_can_be_ranked_is_a_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The best reason is picked by packing the code's rank below the date's
    digits; a rank that does not fit would mix them up, so it is refused."""
    from nowrongdoor.population import _steps

    monkeypatch.setattr(_steps, "RANK_LIMIT", 100)
    with pytest.raises(UserInputError, match="at most 99 can be ranked"):
        _score(tmp_path)


@pytest.mark.parametrize(
    "written", ["T74.61XA", "T7461XA", "t74.61xa", " T74.61XA", "T74 .61XA", "t7461Xa"]
)
def test_a_code_scores_alike_however_it_is_written(
    tmp_path: Path, written: str
) -> None:
    """Codes are looked up as written (dotted or undotted); the rest are
    normalised and looked up again: every form gives the same worklist row."""
    rows = [
        ("A1", "1990-02-01", "F", "c1", "2025-01-10", "23", written, "", ""),
        ("A2", "1990-02-01", "F", "c2", "2025-01-10", "23", "t74.6x", "", ""),
    ]
    result, wl = _score(tmp_path, rows=rows)
    assert list(wl) == ["A1"] and wl["A1"]["tier"] == "identified"
    assert json.loads(wl["A1"]["reasons"])[0]["code"] == "T74.61XA"
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    assert [r["reason"] for r in rejects] == ["dx1: 't74.6x' is not an ICD-10-CM code"]
    assert result.rejects == 1


def test_a_bad_scoring_model_names_the_field_or_line(tmp_path: Path) -> None:
    """Not '6 validation errors for ScoringModel': the first field, or the
    YAML line."""
    from nowrongdoor.population import load_scoring_model

    path = tmp_path / "model.yaml"
    path.write_text("version: 1\n")
    assert (
        user_error(load_scoring_model, path)
        == f"scoring model {path} is invalid: name: Field required"
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: 1\n  b: 2\n")
    assert user_error(load_scoring_model, broken) == (
        f"scoring model {broken} is invalid: line 2: mapping values are not "
        "allowed here"
    )
