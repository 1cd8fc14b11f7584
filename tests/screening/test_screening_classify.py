"""The 22 U.S.C. 7102 decision aid: every branch, and the deck's examples."""

from __future__ import annotations

from typing import Any

import pytest

from nowrongdoor.errors import UserInputError
from nowrongdoor.screening import FACT_KEYS, classify
from nowrongdoor.screening._classify import BOOL_FACTS

KEYS = {"classification", "victim_is_minor", "mandatory_report", "rationale",
        "citations"}  # fmt: skip


def facts(**known: Any) -> dict[str, Any]:
    """Every fact false except those given (age 30, role person by default)."""
    base: dict[str, Any] = {key: False for key in BOOL_FACTS}
    base.update(age=30, role="person")
    base.update(known)
    return base


# -- the deck's examples -------------------------------------------------------


def test_deck_16_year_old_paid_for_sex_without_force_is_sex_trafficking() -> None:
    result = classify({"age": 16, "commercial_sex_act": True, "force": False})
    assert result.classification == "sex_trafficking"
    assert result.victim_is_minor
    assert result.mandatory_report
    assert any("do not need to be shown" in r for r in result.rationale)
    assert any("7102(11)(A)" in c for c in result.citations)
    assert set(result.model_dump()) == KEYS


def test_deck_buyer_of_that_act_is_a_trafficker() -> None:
    result = classify({"age": 16, "commercial_sex_act": True, "role": "buyer"})
    assert result.classification == "sex_trafficking"
    assert any("buyer" in r and "trafficker" in r for r in result.rationale)
    assert any("7102(12)" in c for c in result.citations)
    assert result.mandatory_report


def test_deck_adult_who_paid_a_smuggler_and_was_freed_is_smuggling() -> None:
    result = classify(
        {
            "age": 34,
            "transported_across_border": True,
            "consented_to_transport": True,
            "exploited_after_arrival": False,
            "commercial_sex_act": False,
            "labor_or_services": False,
        }
    )
    assert result.classification == "smuggling_not_trafficking"
    assert not result.victim_is_minor and not result.mandatory_report
    assert any("8 U.S.C. 1324" in c for c in result.citations)


# -- sex trafficking -----------------------------------------------------------


@pytest.mark.parametrize("means", ["force", "fraud", "coercion"])
def test_adult_commercial_sex_with_any_means_is_sex_trafficking(means: str) -> None:
    result = classify(facts(commercial_sex_act=True, **{means: True}))
    assert result.classification == "sex_trafficking"
    assert not result.victim_is_minor and not result.mandatory_report


def test_adult_commercial_sex_without_means_is_not_trafficking() -> None:
    result = classify(facts(commercial_sex_act=True))
    assert result.classification == "not_trafficking"
    assert any("adult without force" in r for r in result.rationale)


def test_adult_commercial_sex_with_unknown_means_needs_more_information() -> None:
    result = classify(
        facts(commercial_sex_act=True, force=None, fraud=None, coercion=False)
    )
    assert result.classification == "needs_more_information"
    text = " ".join(result.rationale)
    assert "force" in text and "fraud" in text
    assert "coercion," not in text  # known facts are not named


def test_unknown_age_with_commercial_sex_needs_age() -> None:
    result = classify(facts(age=None, commercial_sex_act=True))
    assert result.classification == "needs_more_information"
    assert any("could change the answer: age" in r for r in result.rationale)
    assert result.victim_is_minor is None  # unknown stays unknown
    assert result.mandatory_report is None


def test_unknown_age_with_force_is_sex_trafficking_anyway() -> None:
    result = classify(facts(age=None, commercial_sex_act=True, force=True))
    assert result.classification == "sex_trafficking"


def test_age_18_is_an_adult() -> None:
    assert classify(facts(age=18, commercial_sex_act=True)).classification == (
        "not_trafficking"
    )
    assert classify(facts(age=17, commercial_sex_act=True)).classification == (
        "sex_trafficking"
    )


def test_adult_buyer_without_means_is_not_a_trafficker() -> None:
    result = classify(facts(commercial_sex_act=True, role="buyer"))
    assert result.classification == "not_trafficking"
    assert any("buyer is not a trafficker" in r for r in result.rationale)


def test_adult_buyer_with_force_depends_on_knowledge() -> None:
    result = classify(facts(commercial_sex_act=True, force=True, role="buyer"))
    assert result.classification == "sex_trafficking"
    assert any("what they knew" in r for r in result.rationale)


def test_buyer_with_unknown_age_depends_on_facts() -> None:
    result = classify(facts(age=None, commercial_sex_act=True, role="buyer"))
    assert result.classification == "needs_more_information"
    assert any("buyer is a sex trafficker" in r for r in result.rationale)


def test_recruiter_of_a_victim_is_a_trafficker() -> None:
    result = classify(facts(commercial_sex_act=True, fraud=True, role="recruiter"))
    assert result.classification == "sex_trafficking"
    assert any("recruiter is a trafficker" in r for r in result.rationale)


# -- labor trafficking ---------------------------------------------------------


@pytest.mark.parametrize(
    "purpose", ["involuntary_servitude", "peonage", "debt_bondage", "slavery"]
)
def test_labor_with_means_and_purpose_is_labor_trafficking(purpose: str) -> None:
    result = classify(facts(labor_or_services=True, coercion=True, **{purpose: True}))
    assert result.classification == "labor_trafficking"
    assert any("7102(11)(B)" in c for c in result.citations)


def test_labor_without_means_is_not_trafficking() -> None:
    result = classify(facts(labor_or_services=True, debt_bondage=True))
    assert result.classification == "not_trafficking"
    assert any("without force, fraud or coercion" in r for r in result.rationale)


def test_labor_without_purpose_is_not_trafficking() -> None:
    result = classify(facts(labor_or_services=True, fraud=True))
    assert result.classification == "not_trafficking"
    assert any("purpose of involuntary servitude" in r for r in result.rationale)


def test_minor_labor_still_needs_means() -> None:
    result = classify(facts(age=15, labor_or_services=True, peonage=True))
    assert result.classification == "not_trafficking"
    assert result.victim_is_minor and not result.mandatory_report


def test_labor_with_unknown_purpose_needs_more_information() -> None:
    result = classify(
        facts(labor_or_services=True, force=True, involuntary_servitude=None)
    )
    assert result.classification == "needs_more_information"
    assert any("involuntary_servitude" in r for r in result.rationale)


def test_sex_and_labor_trafficking() -> None:
    result = classify(
        facts(commercial_sex_act=True, labor_or_services=True, force=True, slavery=True)
    )
    assert result.classification == "sex_and_labor_trafficking"
    cites = " ".join(result.citations)
    assert "7102(11)(A)" in cites and "7102(11)(B)" in cites


def test_established_form_is_reported_and_the_open_one_named() -> None:
    result = classify(
        facts(
            age=16,
            commercial_sex_act=True,
            labor_or_services=None,
            force=True,
            involuntary_servitude=True,
        )
    )
    assert result.classification == "sex_trafficking"
    assert any(
        r == "Labor trafficking may also apply; it depends on: labor_or_services."
        for r in result.rationale
    )


# -- smuggling and the rest ----------------------------------------------------


def test_transport_with_exploitation_meeting_elements_is_trafficking() -> None:
    result = classify(
        facts(
            transported_across_border=True,
            consented_to_transport=True,
            exploited_after_arrival=True,
            labor_or_services=True,
            fraud=True,
            debt_bondage=True,
        )
    )
    assert result.classification == "labor_trafficking"


def test_transport_with_unknown_exploitation_needs_more_information() -> None:
    result = classify(
        facts(
            transported_across_border=True,
            consented_to_transport=True,
            exploited_after_arrival=None,
        )
    )
    assert result.classification == "needs_more_information"
    assert any("exploited_after_arrival" in r for r in result.rationale)


def test_transport_without_consent_is_not_smuggling() -> None:
    result = classify(facts(transported_across_border=True))
    assert result.classification == "not_trafficking"
    assert any("did not agree" in r for r in result.rationale)


def test_nothing_happened_is_not_trafficking() -> None:
    result = classify(facts())
    assert result.classification == "not_trafficking"
    assert result.citations


def test_unknown_border_does_not_block_a_not_trafficking_answer() -> None:
    result = classify(facts(commercial_sex_act=True, transported_across_border=None))
    assert result.classification == "not_trafficking"
    assert any("smuggling" in r for r in result.rationale)


def test_all_unknown_needs_more_information_naming_the_facts() -> None:
    result = classify({})
    assert result.classification == "needs_more_information"
    named = result.rationale[0]
    for key in ("commercial_sex_act", "labor_or_services", "force", "age"):
        assert key in named


def test_minor_with_suspicion_but_open_facts_must_be_reported() -> None:
    result = classify(
        facts(age=14, labor_or_services=True, coercion=True, slavery=None,
              involuntary_servitude=None, peonage=None, debt_bondage=None)
    )  # fmt: skip
    assert result.classification == "needs_more_information"
    assert result.mandatory_report


def test_fact_keys_are_the_issue_keys() -> None:
    assert set(FACT_KEYS) == {
        "age", "commercial_sex_act", "labor_or_services", "force", "fraud",
        "coercion", "involuntary_servitude", "peonage", "debt_bondage", "slavery",
        "transported_across_border", "consented_to_transport",
        "exploited_after_arrival", "role",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"age": "16"}, "fact 'age'"),
        ({"age": True}, "fact 'age'"),
        ({"age": 200}, "fact 'age'"),
        ({"force": "yes"}, "fact 'force'"),
        ({"role": "pimp"}, "fact 'role'"),
        ({"forse": True}, "unknown fact 'forse'"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_bad_facts(bad: Any, message: str) -> None:
    with pytest.raises(UserInputError, match=message) as info:
        classify(bad)
    assert info.value.exit_code == 2


def test_unknown_age_is_unknown_everywhere_in_the_output() -> None:
    established = classify(facts(age=None, commercial_sex_act=True, force=True))
    assert established.classification == "sex_trafficking"
    assert established.victim_is_minor is None
    assert established.mandatory_report is None
    assert any("unknown until the age is known" in r for r in established.rationale)
    nothing = classify(facts(age=None, commercial_sex_act=False))
    assert nothing.victim_is_minor is None and nothing.mandatory_report is False
    adult = classify(facts(age=30, commercial_sex_act=True, force=True))
    assert adult.victim_is_minor is False and adult.mandatory_report is False
    minor = classify(facts(age=15, commercial_sex_act=True))
    assert minor.victim_is_minor is True and minor.mandatory_report is True


def test_the_facts_that_decide_trafficking_are_named_first() -> None:
    # an adult or a minor? the border facts only tell smuggling from no
    # offence, so the first sentence asks for the age alone
    result = classify(
        {
            "age": None,
            "commercial_sex_act": True,
            "force": False,
            "fraud": False,
            "coercion": False,
        }
    )
    assert result.classification == "needs_more_information"
    assert result.rationale[0] == "Whether it is trafficking depends on: age."
    assert "transported_across_border" in result.rationale[1]


def test_no_extra_sentence_when_every_pivotal_fact_decides_trafficking() -> None:
    result = classify(facts(age=None, commercial_sex_act=True))
    assert result.rationale[0].startswith("The known facts do not settle it.")
