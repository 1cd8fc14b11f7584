"""Every confirmed maltreatment code (T74.-) recorded as unconfirmed,
provisional or differential in FHIR is read as its suspected counterpart (T76.-)
when the shipped ICD-10-CM tabular list has one; the mapping is derived from
that list, not written by hand. Ruled-out suspicions (Z04.7-, Z04.8-) never
identify anyone.

Rules: ICD-10-CM Official Guidelines for Coding and Reporting FY2026, I.C.19.f
(confirmed abuse T74.-, suspected T76.-, a suspicion ruled out Z04.71/Z04.72/
Z04.81/Z04.82); FHIR R4 Condition.verificationStatus.
"""

from __future__ import annotations

import json
import warnings
from datetime import date
from pathlib import Path

import pytest
from _pop_helpers import read_csv, write_csv
from test_pop_fhir_suspected import _condition, _score

from nowrongdoor.population import connect, score_population
from nowrongdoor.population._fhir import suspected_code, suspected_counterparts


def test_the_mapping_is_the_tabular_lists_pairs() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm as icd

    pairs = suspected_counterparts()
    t74 = [c for c in icd.get_descendants("T74")]
    assert len(t74) > 60
    for dotted in t74:
        plain = dotted.replace(".", "")
        twin = "T76" + dotted[3:]
        if not icd.is_valid_item(twin):
            # T74.4 shaken infant syndrome has no suspected code in ICD-10-CM
            assert plain not in pairs, plain
            assert dotted.startswith("T74.4")
            continue
        assert pairs[plain] == twin.replace(".", "")
        # the same condition, confirmed vs suspected, and the same 7th characters
        assert icd.get_description(dotted).replace("confirmed", "suspected") == (
            icd.get_description(twin)
        )
    assert icd.get_seven_chr_def("T74") == icd.get_seven_chr_def("T76")
    t76 = {"T76", *(c.replace(".", "") for c in icd.get_descendants("T76"))}
    assert set(pairs.values()) == t76  # every suspected code has its confirmed one
    assert not any(k.startswith("T744") for k in pairs)
    assert suspected_code("T74.02XA") == "T7602XA"
    assert suspected_code("t74.a2xd") == "T76A2XD"
    assert suspected_code("T74.92XS") == "T7692XS"
    assert suspected_code("T74.4XXA") is None
    assert suspected_code("T76.02XA") is None
    assert suspected_code("Z04.81") is None


def test_unconfirmed_child_abuse_counts_as_suspected_child_abuse(
    tmp_path: Path,
) -> None:
    """child_abuse_history takes child abuse "confirmed, suspected or in
    history", so an unconfirmed T74.x2 code counts there as its T76.x2 code."""
    lines = [
        {"resourceType": "Patient", "id": "K1", "birthDate": "2012-04-04"},
        {"resourceType": "Patient", "id": "K2", "birthDate": "2012-04-04"},
        {"resourceType": "Patient", "id": "A1", "birthDate": "1990-04-04"},
        _condition("c1", "K1", ["T74.22XA"], "unconfirmed", "2025-02-02"),
        _condition("c2", "K1", ["Z62.892"], None, "2025-02-02"),
        _condition("c3", "K2", ["T74.4XXA"], "provisional", "2025-02-02"),
        _condition("c4", "A1", ["T74.11XA"], "differential", "2025-02-02"),
    ]
    path, result = _score(tmp_path, lines)
    worklist = {r["member_id"]: r for r in read_csv(tmp_path / "out" / "worklist.csv")}
    assert set(worklist) == {"K1"}
    reasons = json.loads(worklist["K1"]["reasons"])
    abuse = [r for r in reasons if r["indicator"] == "child_abuse_history"]
    assert [(r["code"], r["points"]) for r in abuse] == [("T76.22XA", 10)]
    assert "T74.22XA" in abuse[0]["note"] and "I.C.19.f" in abuse[0]["note"]
    assert worklist["K1"]["tier"] == "high"  # 12 (runaway minor) + 10
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    rejects = {r["row"]: r["reason"] for r in rejects}
    # no T76.4: shaken infant syndrome stays unscored, and the reason says why
    assert rejects == {
        "6": "Condition.verificationStatus is 'provisional' (not confirmed); not "
        "scored (ICD-10-CM has no suspected counterpart of T74.4XXA)"
    }


def _claims(tmp: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    return write_csv(
        tmp / "claims.csv",
        ("member_id", "birth_date", "claim_id", "service_date", "dx1", "dx2"),
        [
            (m, b, f"c{i}", "2025-03-01", d1, d2)
            for i, (m, b, d1, d2, _) in enumerate(rows)
        ],
    )


RULED_OUT = [
    # member, birth, dx1, dx2, expected tier
    ("R1", "2010-01-01", "Z04.81", "", "none"),  # a minor: 2 x 2 = 4
    ("R2", "2010-01-01", "Z04.82", "Z04.72", "none"),
    ("R3", "1990-01-01", "Z04.81", "T74.51XS", "identified"),  # old confirmed history
    ("R4", "1990-01-01", "Z04.71", "Z04.81", "none"),
    ("R5", "2010-01-01", "T76.52XA", "Z04.81", "high"),
    ("R6", "2010-01-01", "Z04.81", "Z62.892", "high"),  # 12 + 4: still not identified
]


@pytest.mark.parametrize("engine_name", ["duckdb"])
def test_ruled_out_suspicions_never_identify(tmp_path: Path, engine_name: str) -> None:
    src = _claims(tmp_path, RULED_OUT)
    engine = connect(engine_name)  # type: ignore[arg-type]
    try:
        score_population(
            [src], tmp_path / "out", engine=engine, as_of=date(2025, 6, 30)
        )
    finally:
        engine.close()
    worklist = {r["member_id"]: r for r in read_csv(tmp_path / "out" / "worklist.csv")}
    for member, _, _, _, tier in RULED_OUT:
        assert worklist.get(member, {"tier": "none"})["tier"] == tier, member
    # explainable: the identifying reason is the sequela code, first, and the
    # ruled-out examination is listed beside it at its own 2 points
    r3 = json.loads(worklist["R3"]["reasons"])
    assert [(r["indicator"], r["code"], r["points"]) for r in r3] == [
        ("trafficking_confirmed", "T74.51XS", 50),
        ("trafficking_exam", "Z04.81", 2),
    ]
    assert worklist["R5"]["pathway"] == "survive"
    assert worklist["R6"]["pathway"] == "prevent"
