"""Input formats, row-level rejects and clear errors for bad files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from _pop_helpers import WIDE_HEADER, read_csv, write_csv

from nowrongdoor.cli import app
from nowrongdoor.errors import UserInputError
from nowrongdoor.population import connect, score_population


def _run(tmp_path: Path, inputs: list[Path], as_of: date | None = date(2025, 6, 30)):
    engine = connect("duckdb")
    try:
        return score_population(inputs, tmp_path / "out", engine=engine, as_of=as_of)
    finally:
        engine.close()


def test_bad_rows_are_rejected_with_file_row_and_reason(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "claims.csv",
        WIDE_HEADER,
        [
            ("M1", "2010-01-01", "F", "c1", "2025-01-01", "11", "Z62.892", "", ""),
            ("M1", "2010-01-01", "F", "c2", "2025-02-30", "11", "Z62.892", "", ""),
            ("M2", "01/02/1990", "M", "c3", "2025-01-01", "11", "I10", "", ""),
            ("M3", "1990-01-01", "M", "c4", "2025-01-01", "11", "I10", "XYZ.123", ""),
            ("", "1990-01-01", "M", "c5", "2025-01-01", "11", "I10", "", ""),
            ("M4", "1990-01-01", "M", "c6", "2025", "11", "I10", "", ""),
        ],
    )
    result = _run(tmp_path, [src])
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    got = [(r["file"], r["row"], r["reason"]) for r in rejects]
    assert got == [
        (str(src), "2", "service_date '2025-02-30' is not a valid YYYY-MM-DD date"),
        (
            str(src),
            "3",
            "birth_date '01/02/1990' is not a valid YYYY-MM-DD date: it is "
            "DD/MM/YYYY or MM/DD/YYYY, which the value cannot tell (no part above "
            "12); declare the order the export uses in a column map: [formats] "
            'date = ["DD/MM/YYYY"] or ["MM/DD/YYYY"]',
        ),
        (str(src), "4", "dx2: 'XYZ.123' is not an ICD-10-CM code"),
        (str(src), "5", "member_id is empty"),
        (str(src), "6", "service_date '2025' is not a valid YYYY-MM-DD date"),
    ]
    assert result.summary["rejects"] == {
        "total": 5,
        "by_check": {
            "birth_date invalid": 1,
            "diagnosis code unknown": 1,
            "member_id empty": 1,
            "service_date invalid": 2,
        },
    }
    # the valid row of M1 still counts: a runaway minor is "high"
    assert read_csv(tmp_path / "out" / "worklist.csv")[0]["member_id"] == "M1"


def test_long_format_with_members_file_and_orphans(tmp_path: Path) -> None:
    members = write_csv(
        tmp_path / "members.csv",
        ("member_id", "birth_date", "sex"),
        [("M1", "2011-03-03", "F"), ("M2", "1990-13-01", "M")],
    )
    claims = write_csv(
        tmp_path / "claims_long.csv",
        ("MEMBER_ID", "Claim_ID", "service_date", "dx_code"),
        [
            ("M1", "c1", "2025-01-01", "z62892"),
            ("M2", "c2", "2025-01-01", "F10.20"),
            ("M9", "c3", "2025-01-01", "F10.20"),
            ("M1", "c4", "2025-01-01", ""),
        ],
    )
    result = _run(tmp_path, [members, claims])
    reasons = [r["reason"] for r in read_csv(tmp_path / "out" / "rejects.csv")]
    assert reasons == [
        "member_id 'M2' has no valid member record",
        "member_id 'M9' has no valid member record",
        "dx_code is empty",
        "birth_date '1990-13-01' is not a valid YYYY-MM-DD date",
    ]
    assert result.flagged == 1


def test_missing_column_is_one_sentence_naming_column_and_file(
    tmp_path: Path, runner
) -> None:
    src = write_csv(
        tmp_path / "claims.csv",
        ("member_id", "birth_date", "claim_id", "dx1"),
        [("M1", "2010-01-01", "c1", "I10")],
    )
    with pytest.raises(UserInputError) as err:
        _run(tmp_path, [src])
    assert str(err.value) == (
        f"wide claims file {src} has no column 'service_date' (needed: member_id, "
        "birth_date, claim_id, service_date, dx1)"
    )
    result = runner.invoke(
        app, ["population", "score", str(src), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "no column 'service_date'" in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_long_claims_without_members_file_is_refused(tmp_path: Path) -> None:
    claims = write_csv(
        tmp_path / "claims_long.csv",
        ("member_id", "claim_id", "service_date", "dx_code"),
        [("M1", "c1", "2025-01-01", "I10")],
    )
    with pytest.raises(UserInputError, match="need a members file"):
        _run(tmp_path, [claims])


def test_fhir_bad_lines_become_rejects_and_other_types_are_counted(
    tmp_path: Path,
) -> None:
    lines = [
        {"resourceType": "Patient", "id": "P1", "birthDate": "2009-04-04"},
        {"resourceType": "Coverage", "id": "cov1"},
        {
            "resourceType": "Condition",
            "id": "x1",
            "subject": {"reference": "Patient/P1"},
            "onsetDateTime": "2025-02-02T10:00:00Z",
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1"}]},
        },
        {
            "resourceType": "Condition",
            "id": "x2",
            "subject": {"reference": "Patient/P1"},
            "recordedDate": "2025-02-02",
            "code": {
                "coding": [
                    {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "Z62.892"}
                ]
            },
        },
        {"resourceType": "Claim", "id": "cl1", "patient": {"reference": "Group/1"}},
        {
            "resourceType": "Claim",
            "id": "cl2",
            "patient": {"reference": "Patient/P1"},
            "item": [{"sequence": 1, "servicedDate": "2025-03-03"}],
            "diagnosis": [
                {
                    "sequence": 1,
                    "diagnosisCodeableConcept": {
                        "coding": [
                            {
                                "system": "urn:oid:2.16.840.1.113883.6.90",
                                "code": "Z6221",
                            }
                        ]
                    },
                }
            ],
        },
    ]
    text = "\n".join(json.dumps(x) for x in lines) + "\n{not json\n"
    (tmp_path / "bulk.ndjson").write_text(text, encoding="utf-8")
    result = _run(tmp_path, [tmp_path / "bulk.ndjson"])
    reasons = [
        (r["row"], r["reason"]) for r in read_csv(tmp_path / "out" / "rejects.csv")
    ]
    assert reasons == [
        ("3", "Condition.code has no ICD-10-CM coding"),
        ("5", "Claim.patient is not a Patient reference"),
        ("7", "line is not valid JSON"),
    ]
    assert result.summary["fhir_resources_ignored"] == {"Coverage": 1}
    worklist = read_csv(tmp_path / "out" / "worklist.csv")
    assert [(r["member_id"], r["score"]) for r in worklist] == [("P1", "22")]
    reasons = {r["indicator"]: r["date"] for r in json.loads(worklist[0]["reasons"])}
    assert reasons == {"runaway": "2025-02-02", "child_welfare": "2025-03-03"}


def test_missing_input_and_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="does not exist"):
        _run(tmp_path, [tmp_path / "nope.csv"])
    (tmp_path / "claims.xlsx").write_text("x")
    with pytest.raises(UserInputError, match="is not .csv, .parquet or .ndjson"):
        _run(tmp_path, [tmp_path / "claims.xlsx"])


def _typed_parquet(path: Path, service_dates: list[date]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = len(service_dates)
    pq.write_table(
        pa.table(
            {
                "member_id": [f"M{i}" for i in range(n)],
                "birth_date": pa.array([date(2010, 1, 1)] * n, pa.date32()),
                "claim_id": [f"c{i}" for i in range(n)],
                "service_date": pa.array(service_dates, pa.date32()),
                "dx1": ["Z62.892"] * n,
            }
        ),
        path,
    )
    return path


def test_typed_parquet_dates_are_range_checked_with_or_without_statistics(
    tmp_path: Path,
) -> None:
    from nowrongdoor.population._inputs import _dates_in_range, discover

    inside = _typed_parquet(
        tmp_path / "inside.parquet", [date(2025, 1, 1), date(2025, 2, 1)]
    )
    outside = _typed_parquet(
        tmp_path / "outside.parquet", [date(2025, 1, 1), date(1850, 3, 1)]
    )
    f_in, f_out = discover([inside, outside])
    # statistics prove the first file in range (check skipped), not the second
    assert _dates_in_range(f_in, "service_date")
    assert not _dates_in_range(f_out, "service_date")
    (tmp_path / "a").mkdir()
    result = _run(tmp_path / "a", [inside])
    assert result.rejects == 0 and result.flagged == 2
    (tmp_path / "b").mkdir()
    result = _run(tmp_path / "b", [outside])
    rejects = read_csv(tmp_path / "b" / "out" / "rejects.csv")
    assert [(r["row"], r["reason"]) for r in rejects] == [
        ("2", "service_date '1850-03-01' is not a valid YYYY-MM-DD date")
    ]
    assert result.flagged == 1


def test_members_files_with_date_and_timestamp_birth_dates_read_together(
    tmp_path: Path,
) -> None:
    """Birth dates of all files are grouped together, but a DATE and a TIMESTAMP
    column cannot share one union: each type is grouped apart."""
    from datetime import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(
        pa.table(
            {
                "member_id": ["M1"],
                "birth_date": pa.array([date(2010, 1, 1)], pa.date32()),
            }
        ),
        tmp_path / "m1.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "member_id": ["M2"],
                "birth_date": pa.array([datetime(2011, 1, 1)], pa.timestamp("us")),
            }
        ),
        tmp_path / "m2.parquet",
    )
    claims = write_csv(
        tmp_path / "c.csv",
        ("member_id", "claim_id", "service_date", "dx_code"),
        [("M1", "c1", "2025-01-01", "Z62.892"), ("M2", "c2", "2025-01-01", "T74.51XA")],
    )
    result = _run(tmp_path, [tmp_path / "m1.parquet", tmp_path / "m2.parquet", claims])
    assert result.rejects == 0
    rows = read_csv(tmp_path / "out" / "worklist.csv")
    assert [(r["member_id"], r["age"], r["tier"]) for r in rows] == [
        ("M2", "14", "identified"),
        ("M1", "15", "high"),
    ]


def _condition(cid: str, code: str, **status: str) -> dict:
    """A Condition for P1 on 2025-02-02 with optional clinical/verification status."""
    res: dict = {
        "resourceType": "Condition",
        "id": cid,
        "subject": {"reference": "Patient/P1"},
        "onsetDateTime": "2025-02-02",
        "code": {
            "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code}]
        },
    }
    systems = {
        "verificationStatus": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
        "clinicalStatus": "http://terminology.hl7.org/CodeSystem/condition-clinical",
    }
    for element, value in status.items():
        res[element] = {"coding": [{"system": systems[element], "code": value}]}
    return res


def test_fhir_conditions_refuted_in_error_or_provisional_are_not_scored(
    tmp_path: Path,
) -> None:
    # FHIR R4 Condition.verificationStatus is a modifier element: a refuted,
    # entered-in-error or unconfirmed/provisional/differential Condition is no
    # confirmed diagnosis. A resolved one was confirmed: its history counts
    # (confirmed exploitation or its history identifies the member). An
    # unconfirmed T74.5-/T74.6- is a suspicion and counts as its T76 code
    # (test_pop_fhir_suspected.py); other unconfirmed codes are not scored.
    lines = [
        {"resourceType": "Patient", "id": "P1", "birthDate": "1990-04-04"},
        _condition("c1", "T74.51XA", verificationStatus="refuted"),
        _condition("c2", "T74.51XA", verificationStatus="entered-in-error"),
        _condition("c3", "F11.20", verificationStatus="provisional"),
        _condition("c4", "F11.20", verificationStatus="differential"),
        _condition("c5", "F11.20", verificationStatus="unconfirmed"),
        _condition("c6", "T74.51XA", clinicalStatus="resolved"),
        _condition(
            "c7", "T76.51XA", verificationStatus="confirmed", clinicalStatus="active"
        ),
    ]
    path = tmp_path / "bulk.ndjson"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    result = _run(tmp_path, [path])
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    assert [(r["row"], r["reason"]) for r in rejects] == [
        ("2", "Condition.verificationStatus is 'refuted' (ruled out); not scored"),
        (
            "3",
            "Condition.verificationStatus is 'entered-in-error' (not valid); "
            "not scored",
        ),
        (
            "4",
            "Condition.verificationStatus is 'provisional' (not confirmed); not scored",
        ),
        (
            "5",
            "Condition.verificationStatus is 'differential' (not confirmed); "
            "not scored",
        ),
        (
            "6",
            "Condition.verificationStatus is 'unconfirmed' (not confirmed); not scored",
        ),
    ]
    assert result.summary["rejects"]["by_check"] == {"fhir condition status": 5}
    worklist = read_csv(tmp_path / "out" / "worklist.csv")
    assert [(r["member_id"], r["tier"]) for r in worklist] == [("P1", "identified")]
    reasons = json.loads(worklist[0]["reasons"])
    assert [r["code"] for r in reasons] == ["T74.51XA", "T76.51XA"]
    assert not any("note" in r for r in reasons)


def test_as_of_before_every_service_date_stops_the_run(tmp_path: Path) -> None:
    claims = write_csv(
        tmp_path / "claims.csv",
        WIDE_HEADER,
        [
            ("M1", "1990-01-02", "F", "C1", "2025-02-01", "11", "T74.51XA", "", ""),
            ("M2", "2009-05-01", "F", "C2", "2025-03-01", "11", "I10", "", ""),
        ],
    )
    with pytest.raises(UserInputError) as caught:
        _run(tmp_path, [claims], as_of=date(2020, 1, 1))
    assert str(caught.value) == (
        "--as-of 2020-01-01 is before every service date in "
        f"{claims} (the earliest is 2025-02-01): nothing would be scored"
    )
    # an as-of inside the data still scores what lies on or before it
    result = _run(tmp_path, [claims], as_of=date(2025, 2, 15))
    assert result.summary["tiers"]["identified"] == "<11"


def test_an_empty_birth_date_is_named_as_empty(tmp_path: Path) -> None:
    members = write_csv(
        tmp_path / "members.csv",
        ("member_id", "birth_date"),
        [("M1", "1990-01-02"), ("M2", "")],
    )
    claims = write_csv(
        tmp_path / "claims.csv",
        ("member_id", "claim_id", "service_date", "dx_code"),
        # not identified: an identified member stays on the worklist, age
        # unknown (test_pop_age_unknown.py)
        [("M1", "C1", "2025-02-01", "I10"), ("M2", "C2", "2025-02-01", "Z62.892")],
    )
    _run(tmp_path, [members, claims])
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    assert [(r["file"], r["row"], r["reason"]) for r in rejects] == [
        (str(claims), "2", "member_id 'M2' has no valid member record"),
        (str(members), "2", "birth_date is empty"),
    ]
