"""Value sets reviewed against the ICD-10-CM tabular notes and the Official Guidelines.

Each rule below quotes where it comes from. The rules read the code descriptions,
category notes and inclusion notes that simple-icd-10-cm ships (the tabular list),
so a code whose own description looks harmless (Z04.81 does not say "ruled out")
is still caught through its category's note. The checker is tested on value sets
built to break each rule, so these tests can fail.
"""

from __future__ import annotations

import json
import re
import warnings
from datetime import date
from pathlib import Path

import pytest
from _pop_helpers import WIDE_HEADER, read_csv, write_csv

from nowrongdoor.population import (
    ScoringModel,
    ValueSet,
    connect,
    load_scoring_model,
    load_value_sets,
    score_population,
)
from nowrongdoor.population._valuesets import display_code

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import simple_icd_10_cm as icd

VALUE_SETS = load_value_sets()
MODEL = load_scoring_model()
AS_OF = date(2025, 6, 30)

#: ICD-10-CM Official Guidelines FY2026 I.C.19.f and I.C.21.c.3; the Z04 note.
RULED_OUT = "Z04 category note; Official Guidelines I.C.19.f and I.C.21.c.3"
#: ICD-10-CM Official Guidelines FY2026 I.C.19.f: suspected is coded T76.-.
SUSPECTED = "Official Guidelines I.C.19.f (suspected abuse or exploitation, T76.-)"
#: ICD-10-CM tabular list: T74/T76 fifth character 1 = adult, 2 = child.
ADULT_CHILD = "ICD-10-CM tabular T74/T76 (adult and child subcategories)"
#: Y07 category note in the tabular list.
Y07_NOTE = "Y07 note: codes from this category are for confirmed abuse (T74.-) only"
#: Issue 14 / the deck: pregnancy loss is not an indicator.
LOSS = "Deck 'Indicators with Minors' (pregnancy, abortions); not pregnancy loss"

_LOSS_WORDS = re.compile(
    r"spontaneous abortion|ectopic|molar|hydatidiform|abnormal products of conception"
    r"|missed abortion",
    re.IGNORECASE,
)


def _dotted(code: str) -> str:
    return display_code(code)


def _lineage(code: str) -> list[str]:
    """The code and its ancestors below chapter and block level."""
    dotted = _dotted(code)
    return [
        c
        for c in [dotted, *icd.get_ancestors(dotted)]
        if "-" not in c and not c.isdigit()
    ]


def _texts(code: str) -> list[str]:
    """Descriptions, inclusion notes and notes of the code and its ancestors."""
    out: list[str] = []
    for c in _lineage(code):
        out.append(icd.get_description(c))
        for got in (icd.get_includes(c), icd.get_notes(c), icd.get_inclusion_term(c)):
            out.extend([got] if isinstance(got, str) else got)
    return out


def _descriptions(code: str) -> list[str]:
    return [icd.get_description(c) for c in _lineage(code)]


def contradictions(vs: ValueSet, model: ScoringModel) -> list[str]:
    """Every code of ``vs`` that contradicts the set's meaning, with the rule cited."""
    problems: list[str] = []
    weight = model.indicators[vs.id]
    top = max(b.multiplier for b in model.age_bands)
    alone = weight.weight * top
    for code in vs.expand():
        texts = _texts(code)
        descs = _descriptions(code)
        ruled_out = any(re.search(r"ruled[- ]out", t, re.IGNORECASE) for t in texts)
        if ruled_out and (vs.role != "signal" or alone >= model.tiers.elevated):
            problems.append(
                f"{vs.id}: {code} is for a suspicion ruled out ({RULED_OUT}): only a "
                "low-weight signal that alone stays below every tier"
            )
        if any(re.search(r",\s*suspected\b", d) for d in descs) and vs.identifies:
            problems.append(
                f"{vs.id}: {code} is suspected, not confirmed ({SUSPECTED})"
            )
        if any(re.search(r"exploitation, confirmed", d) for d in descs) and (
            not vs.identifies
        ):
            problems.append(f"{vs.id}: {code} is confirmed exploitation ({SUSPECTED})")
        if vs.id == "child_abuse_history":
            adult = [d for d in descs if "adult and child" not in d.lower()]
            if any(re.search(r"\badult\b", d, re.IGNORECASE) for d in adult):
                problems.append(f"{vs.id}: {code} is an adult code ({ADULT_CHILD})")
            if not any(re.search(r"child|infant", d, re.IGNORECASE) for d in descs):
                problems.append(f"{vs.id}: {code} is not about a child ({ADULT_CHILD})")
        if code.startswith("Y07"):
            problems.append(f"{vs.id}: {code} is a perpetrator code ({Y07_NOTE})")
        if vs.id == "pregnancy" and any(_LOSS_WORDS.search(d) for d in descs):
            problems.append(f"{vs.id}: {code} is a pregnancy loss ({LOSS})")
    return problems


def test_the_encoded_notes_are_in_the_tabular_list() -> None:
    # The rules rest on these texts; if a release drops them, the rules must be
    # reviewed again.
    assert any("ruled-out" in t for t in icd.get_includes("Z04"))
    assert "ruled" not in icd.get_description("Z04.81").lower()
    assert "confirmed abuse (T74.-)" in icd.get_notes("Y07")
    assert icd.get_description("T76.51").endswith("suspected")
    assert icd.get_description("T74.11").startswith("Adult")
    assert icd.get_description("T74.12").startswith("Child")


@pytest.mark.parametrize("vs", VALUE_SETS, ids=lambda v: v.id)
def test_no_shipped_code_contradicts_its_set(vs: ValueSet) -> None:
    assert contradictions(vs, MODEL) == []


def _bad(vs_id: str, role: str, **codes: list[str]) -> ValueSet:
    base = next(v for v in VALUE_SETS if v.id == vs_id)
    data = base.model_dump()
    data.update(role=role, codes=(), prefixes=(), exclude=(), leaves_out=())
    data.update(codes)
    return ValueSet.model_validate(data)


@pytest.mark.parametrize(
    ("vs_id", "role", "codes", "rule"),
    [
        ("trafficking_exam", "identifies", {"codes": ["Z04.81"]}, RULED_OUT),
        ("trafficking_exam", "suspects", {"codes": ["Z04.82"]}, RULED_OUT),
        ("trafficking_suspected", "identifies", {"prefixes": ["T76.51"]}, SUSPECTED),
        ("trafficking_confirmed", "signal", {"prefixes": ["T74.61"]}, SUSPECTED),
        ("child_abuse_history", "signal", {"prefixes": ["T74.11"]}, ADULT_CHILD),
        ("child_abuse_history", "signal", {"prefixes": ["T76.21"]}, ADULT_CHILD),
        ("child_abuse_history", "signal", {"codes": ["Z91.41"]}, ADULT_CHILD),
        ("child_abuse_history", "signal", {"codes": ["Y07.6"]}, Y07_NOTE),
        ("pregnancy", "signal", {"prefixes": ["O03"]}, LOSS),
        ("pregnancy", "signal", {"prefixes": ["O00"]}, LOSS),
        ("pregnancy", "signal", {"prefixes": ["O08"]}, LOSS),
        ("pregnancy", "signal", {"codes": ["O09.11"]}, LOSS),
    ],
)
def test_the_checker_catches_each_contradiction(vs_id, role, codes, rule) -> None:
    problems = contradictions(_bad(vs_id, role, **codes), MODEL)
    assert any(rule in p for p in problems), problems


def test_ruled_out_weight_too_high_is_caught() -> None:
    data = MODEL.model_dump()
    data["indicators"]["trafficking_exam"]["weight"] = 40
    heavy = ScoringModel.model_validate(data)
    exam = next(v for v in VALUE_SETS if v.id == "trafficking_exam")
    assert contradictions(exam, heavy)


@pytest.mark.parametrize("vs", VALUE_SETS, ids=lambda v: v.id)
def test_left_out_codes_are_real_and_really_left_out(vs: ValueSet) -> None:
    matched = set(vs.expand())
    for item in vs.leaves_out:
        assert icd.is_valid_item(item.code), f"{vs.id}: {item.code}"
        assert item.code.replace(".", "") not in matched, f"{vs.id}: {item.code}"
        assert len(item.reason) > 15
    for code in vs.exclude:
        assert code in {i.code for i in vs.leaves_out}, f"{vs.id}: {code} has no reason"


def test_y07_6_is_decided_with_a_reason() -> None:
    owners = [v.id for v in VALUE_SETS if "Y076" in v.expand()]
    reasons = [i.reason for v in VALUE_SETS for i in v.leaves_out if i.code == "Y07.6"]
    assert owners == [] and reasons and "confirmed abuse" in reasons[0]


def test_pregnancy_set_has_pregnancy_and_termination_but_no_loss() -> None:
    preg = set(next(v for v in VALUE_SETS if v.id == "pregnancy").expand())
    assert {"Z3201", "Z331", "Z332", "Z340", "O0961", "O04", "O07"} <= preg
    for loss in ("O00", "O001", "O01", "O02", "O021", "O03", "O039", "O08", "O0911"):
        assert loss not in preg


# --- the "Must show" items on members scored by the pipeline ---------------


def _worklist(tmp_path: Path, rows) -> dict[str, dict[str, str]]:
    src = write_csv(tmp_path / "claims.csv", WIDE_HEADER, rows)
    engine = connect("duckdb")
    try:
        score_population([src], tmp_path / "out", engine=engine, as_of=AS_OF)
    finally:
        engine.close()
    return {r["member_id"]: r for r in read_csv(tmp_path / "out" / "worklist.csv")}


def _row(member: str, birth: str, *codes: str):
    padded = [*codes, "", "", ""][:3]
    return (member, birth, "F", f"c-{member}", "2025-03-01", "11", *padded)


def test_ruled_out_exam_members_are_never_identified(tmp_path: Path) -> None:
    wl = _worklist(
        tmp_path,
        [
            _row("X1", "2010-01-01", "Z04.81"),  # adolescent
            _row("X2", "1990-01-01", "Z04.82"),  # adult
            _row("X3", "2010-01-01", "Z04.81", "Z04.82"),
            # with other risk it adds its low weight: runaway minor 12 + 4
            _row("X4", "2010-01-01", "Z04.81", "Z62.892"),
        ],
    )
    assert "X1" not in wl and "X2" not in wl and "X3" not in wl
    assert wl["X4"]["tier"] == "high" and wl["X4"]["score"] == "16"


def test_suspected_only_members_are_high_on_survive_review(tmp_path: Path) -> None:
    wl = _worklist(
        tmp_path,
        [
            _row("S1", "1990-01-01", "T76.51XA"),
            _row("S2", "2010-01-01", "T76.52XA"),
            _row("S3", "1985-01-01", "T76.61XD"),
            _row("C1", "1990-01-01", "T74.51XA", "T76.51XA"),  # confirmed wins
        ],
    )
    for member in ("S1", "S2", "S3"):
        assert wl[member]["tier"] == "high", member
        assert wl[member]["pathway"] == "survive", member
    assert wl["C1"]["tier"] == "identified"


def test_minor_with_only_pregnancy_loss_is_not_on_the_worklist(tmp_path: Path) -> None:
    wl = _worklist(
        tmp_path,
        [
            _row("L1", "2009-01-01", "O03.9"),
            _row("L2", "2009-01-01", "O00.101"),
            _row("L3", "2009-01-01", "O08.0", "O02.1"),
            _row("P1", "2009-01-01", "Z33.1"),  # pregnancy itself: 3 x 2 = 6
            _row("T1", "2009-01-01", "Z33.2"),  # elective termination
        ],
    )
    assert "L1" not in wl and "L2" not in wl and "L3" not in wl
    assert wl["P1"]["tier"] == "elevated" and wl["T1"]["tier"] == "elevated"


def test_adult_abuse_codes_never_count_as_child_abuse_history(tmp_path: Path) -> None:
    wl = _worklist(
        tmp_path,
        [
            # adult partner violence + SUD: only the SUD counts (3) -> not listed
            _row("A1", "1990-01-01", "T74.11XA", "F11.20"),
            _row("A2", "1990-01-01", "T76.21XA", "T74.31XA", "F11.20"),
            # child abuse code on an adult's record (history): 5 + 3 = 8 elevated
            _row("K1", "1990-01-01", "T74.12XS", "F11.20"),
            _row("K2", "1990-01-01", "Z62.810", "F11.20"),
        ],
    )
    assert "A1" not in wl and "A2" not in wl
    for member in ("K1", "K2"):
        reasons = json.loads(wl[member]["reasons"])
        assert "child_abuse_history" in {r["indicator"] for r in reasons}


@pytest.mark.parametrize("vs", VALUE_SETS, ids=lambda v: v.id)
def test_every_set_says_what_it_leaves_out(vs: ValueSet) -> None:
    assert vs.leaves_out, f"{vs.id} records nothing it deliberately leaves out"
