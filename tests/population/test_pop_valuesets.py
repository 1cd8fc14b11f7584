"""Value sets: real ICD-10-CM codes, one file per indicator, cited and labelled."""

from __future__ import annotations

import warnings
from importlib import resources

import pytest
import yaml

from nowrongdoor.population import (
    SENSITIVITY_LABELS,
    icd10cm_codes,
    load_scoring_model,
    load_value_sets,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import simple_icd_10_cm as icd

VALUE_SETS = load_value_sets()


@pytest.mark.parametrize("vs", VALUE_SETS, ids=lambda v: v.id)
def test_every_code_prefix_and_exclusion_is_real_icd10cm(vs) -> None:
    listed = [*vs.codes, *vs.prefixes, *vs.exclude]
    assert listed, vs.id
    for code in listed:
        assert icd.is_valid_item(code), f"{vs.id}: {code} is not in ICD-10-CM"
        assert not icd.is_chapter(code), code
    expanded = vs.expand()
    assert expanded
    known = set(icd10cm_codes())
    assert set(expanded) <= known


@pytest.mark.parametrize("vs", VALUE_SETS, ids=lambda v: v.id)
def test_each_value_set_cites_a_source_and_carries_a_label(vs) -> None:
    assert any("ICD-10-CM" in c for c in vs.citations)
    assert len(vs.rationale) > 30
    assert vs.sensitivity in SENSITIVITY_LABELS
    assert vs.reviewed.year >= 2026


def test_code_list_and_expansion_match_the_icd10cm_api() -> None:
    api = {
        c
        for c in icd.get_all_codes(with_dots=False)
        if icd.is_category_or_subcategory(c) or icd.is_extended_subcategory(c)
    }
    assert set(icd10cm_codes()) == api
    for vs in VALUE_SETS:
        want = {icd.remove_dot(c) for c in vs.codes}
        for p in vs.prefixes:
            want |= {icd.remove_dot(c) for c in [p, *icd.get_descendants(p)]}
        for x in vs.exclude:
            want -= {icd.remove_dot(c) for c in [x, *icd.get_descendants(x)]}
        assert set(vs.expand()) == {c.upper() for c in want}, vs.id


def test_one_file_per_indicator_named_after_it() -> None:
    root = resources.files("nowrongdoor.population").joinpath("data", "valuesets")
    names = sorted(p.name for p in root.iterdir() if p.name.endswith(".yaml"))
    for name in names:
        data = yaml.safe_load(root.joinpath(name).read_text(encoding="utf-8"))
        assert name == f"{data['id']}.yaml"
    assert len(names) == len(VALUE_SETS) == 15


def test_value_sets_do_not_overlap_and_match_the_model() -> None:
    owner: dict[str, str] = {}
    for vs in VALUE_SETS:
        for code in vs.expand():
            assert code not in owner, f"{code} in {owner.get(code)} and {vs.id}"
            owner[code] = vs.id
    assert {v.id for v in VALUE_SETS} == set(load_scoring_model().indicators)


def test_sensitive_categories_are_labelled() -> None:
    by_id = {v.id: v for v in VALUE_SETS}
    assert by_id["substance_use"].sensitivity == "42-cfr-part-2"
    assert by_id["sti"].sensitivity == "hiv-sti"
    assert by_id["serious_mental_illness"].sensitivity == "mental-health"
    assert by_id["pregnancy"].sensitivity == "reproductive-health"


def test_ranges_from_the_issue() -> None:
    by_id = {v.id: set(v.expand()) for v in VALUE_SETS}
    assert "F17210" not in by_id["substance_use"]  # nicotine is excluded
    assert {"F1020", "F19982"} <= by_id["substance_use"]
    for code in ("T7451XA", "T7452XD", "T7461XS", "T7462XA"):
        assert code in by_id["trafficking_confirmed"]
    for code in ("T7651XA", "T7662XS"):
        assert code in by_id["trafficking_suspected"]
    assert "Z62813" in by_id["trafficking_history"]
    assert "Z62813" not in by_id["child_abuse_history"]
    assert {"Z62810", "T7422XA", "T7612XA"} <= by_id["child_abuse_history"]
    assert {"B20", "Z202", "A5400"} <= by_id["sti"]
    assert {"X710XXA", "X838XXA", "T1491XA", "R45851"} <= by_id["self_harm"]
    assert by_id["runaway"] == {"Z62892"}


def test_identifying_indicators_are_confirmed_or_history_only() -> None:
    identifying = {v.id for v in VALUE_SETS if v.identifies}
    assert identifying == {"trafficking_confirmed", "trafficking_history"}
    assert {v.id for v in VALUE_SETS if v.suspects} == {"trafficking_suspected"}


def test_model_weights_cite_known_evidence() -> None:
    model = load_scoring_model()
    for name, weight in model.indicators.items():
        assert weight.evidence, name
        assert set(weight.evidence) <= set(model.evidence)
    assert {"varma2015", "greenbaum2018", "deck"} <= set(model.evidence)
    bands = {b.name: b.multiplier for b in model.age_bands}
    assert bands["adolescent"] > bands["adult"] and bands["child"] > bands["adult"]
