"""Scoring: every instrument's cut-off boundary, categories, pathways, safety."""

from __future__ import annotations

from typing import Any

import pytest

from nowrongdoor.errors import UserInputError
from nowrongdoor.screening import get_instrument, list_instruments, score

SCREENS = ("cst6", "qyit", "raft")
CHECKLISTS = ("minor-indicators", "adult-indicators")
CUTOFFS = {
    "cst6": 2,
    "qyit": 1,
    "raft": 1,
    "minor-indicators": 1,
    "adult-indicators": 1,
}


def _answers(instrument_id: str, yes: int) -> dict[str, Any]:
    """``yes`` items answered true (from the end), every other item false."""
    items = [item.linkId for item in get_instrument(instrument_id).items]
    # Answer from the end so the first (often non-disclosure) items stay false;
    # the pathway is tested separately.
    chosen = set(items[len(items) - yes :]) if yes else set()
    return {link_id: link_id in chosen for link_id in items}


def test_shipped_instruments_and_cutoffs() -> None:
    infos = {info.id: info for info in list_instruments()}
    assert set(infos) == set(CUTOFFS)
    for instrument_id, cutoff in CUTOFFS.items():
        assert infos[instrument_id].cutoff == cutoff
    assert infos["cst6"].item_count == 6
    assert infos["qyit"].item_count == 4
    assert infos["raft"].item_count == 4
    assert (infos["cst6"].sensitivity, infos["cst6"].specificity) == (84.4, 57.5)
    assert (infos["qyit"].sensitivity, infos["qyit"].specificity) == (86.7, 76.5)
    assert infos["raft"].specificity is None  # not verified here: left empty
    for instrument_id in CHECKLISTS:
        assert not infos[instrument_id].validated
        assert "not a validated instrument" in infos[instrument_id].title


@pytest.mark.parametrize("instrument_id", list(CUTOFFS))
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_cutoff_boundary(instrument_id: str, offset: int) -> None:
    cutoff = CUTOFFS[instrument_id]
    yes = cutoff + offset
    result = score(instrument_id, _answers(instrument_id, yes))
    assert result.score == yes
    assert result.positive is (yes >= cutoff)
    assert result.category == ("positive" if yes >= cutoff else "negative")
    assert len(result.fired_items) == yes
    assert result.cutoff == cutoff


def test_fired_items_in_instrument_order() -> None:
    result = score(
        "cst6",
        {
            "substance-use": False,
            "ran-away": True,
            "police-contact": False,
            "sti-history": True,
            "many-partners": False,
            "violence-history": True,
        },
    )
    assert result.fired_items == ["ran-away", "sti-history", "violence-history"]
    assert result.score == 3


def test_skipped_items_make_a_negative_incomplete_when_they_could_reach_cutoff() -> (
    None
):
    answers = _answers("cst6", 1)
    answers["substance-use"] = None
    result = score("cst6", answers)
    assert result.category == "incomplete"
    assert not result.positive
    assert result.skipped_items == ["substance-use"]
    assert result.answers["substance-use"] is None


def test_skipped_items_that_cannot_reach_cutoff_stay_negative() -> None:
    answers = _answers("cst6", 0)
    answers["substance-use"] = None
    result = score("cst6", answers)
    assert result.category == "negative"


def test_positive_despite_skips() -> None:
    answers = _answers("qyit", 1)
    answers["unsafe-work"] = None
    result = score("qyit", answers)
    assert result.positive and result.category == "positive"


def test_checklist_unmentioned_items_are_not_checked() -> None:
    result = score("adult-indicators", {})
    assert result.category == "incomplete"
    assert len(result.skipped_items) == result.max_score


def test_pathway_prevent_vs_survive_thrive() -> None:
    base = {k: False for k in ("unsafe-work", "afraid-to-leave", "exchanged-sex",
                               "tricked-into-work")}  # fmt: skip
    risk = score("raft", {**base, "unsafe-work": True})
    assert risk.recommended_pathway == "prevent"
    disclosed = score("raft", {**base, "afraid-to-leave": True})
    assert disclosed.recommended_pathway == "survive_thrive"
    negative = score("raft", base)
    assert negative.recommended_pathway is None


def test_exchanging_sex_is_a_disclosure_for_a_minor_only() -> None:
    base = {k: False for k in ("unsafe-work", "afraid-to-leave", "exchanged-sex",
                               "tricked-into-work")}  # fmt: skip
    adult = score("qyit", {**base, "exchanged-sex": True}, age=19)
    assert adult.recommended_pathway == "prevent"
    minor = score(
        "qyit", {**base, "exchanged-sex": True}, age=17, override_population=True
    )
    assert minor.recommended_pathway == "survive_thrive"
    assert minor.minor and minor.safety is not None
    assert minor.safety.mandatory_report


def test_minor_checklist_transactional_sex_points_to_survive_thrive() -> None:
    result = score("minor-indicators", {"minor_transactional_sex": True})
    assert result.positive
    assert result.recommended_pathway == "survive_thrive"
    assert not result.validated


def test_safety_for_positive_minor_has_indiana_contacts_and_kb_guidance() -> None:
    from nowrongdoor.knowledge import load_knowledge

    kb = load_knowledge()
    result = score("cst6", _answers("cst6", 2))
    safety = result.safety
    assert safety is not None
    assert safety.mandatory_report
    assert safety.guidance == kb.get("response.not_rescue").text
    assert "not to rescue" in safety.guidance
    assert safety.hotline.phone == "1-888-373-7888"
    assert safety.state == "IN" and safety.state_name == "Indiana"
    phones = [contact.phone for contact in safety.reporting_contacts]
    assert "1-800-800-5556" in phones
    assert safety.reporting_source is not None
    assert safety.reporting_source.startswith("https://www.in.gov/dcs")


def test_safety_for_negative_minor_without_mandatory_report() -> None:
    result = score("cst6", _answers("cst6", 0))
    assert result.safety is not None
    assert not result.safety.mandatory_report
    assert result.safety.reporting_contacts


def test_no_safety_block_for_negative_adult() -> None:
    result = score("raft", _answers("raft", 0))
    assert result.safety is None


def test_positive_adult_gets_safety_but_no_report() -> None:
    result = score("raft", _answers("raft", 1))
    assert result.safety is not None
    assert not result.safety.mandatory_report
    assert result.safety.reporting_contacts == ()


def test_state_without_contacts_says_so() -> None:
    result = score("cst6", _answers("cst6", 3), state="ZZ")
    assert result.safety is not None
    assert result.safety.mandatory_report
    assert result.safety.reporting_contacts == ()
    assert "ZZ" in result.safety.note


def test_adding_a_state_is_a_data_change(tmp_path) -> None:
    from nowrongdoor.screening._safety import load_reporting_file

    path = tmp_path / "contacts.yaml"
    path.write_text(
        "states:\n"
        "  OH:\n"
        "    name: Ohio\n"
        "    who_must_report: Professionals named in state law.\n"
        "    contacts:\n"
        "      - {name: County children services, phone: 855-642-4453}\n"
        "    source: https://example.org/oh\n"
        "    checked: '2026-11-28'\n",
        encoding="utf-8",
    )
    states = load_reporting_file(path)
    assert states["OH"].contacts[0].phone == "855-642-4453"
    path.write_text(
        "states:\n  ohio:\n    name: Ohio\n    who_must_report: x\n"
        "    contacts: [{name: a, phone: '1'}]\n    source: https://e.org\n"
        "    checked: x\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="2-letter"):
        load_reporting_file(path)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"unsafe-work": True, "bogus": False}, "unknown item 'bogus'"),
        (
            {
                "unsafe-work": "yes",
                "afraid-to-leave": False,
                "exchanged-sex": False,
                "tricked-into-work": False,
            },
            "must be true, false or null",
        ),  # fmt: skip
        (
            {
                "unsafe-work": 1,
                "afraid-to-leave": False,
                "exchanged-sex": False,
                "tricked-into-work": False,
            },
            "must be true, false or null",
        ),  # fmt: skip
        ({"unsafe-work": True}, "required item 'afraid-to-leave'"),
        (["unsafe-work"], "must be a JSON object"),
    ],
)
def test_bad_answers(answers: Any, message: str) -> None:
    with pytest.raises(UserInputError, match=message) as info:
        score("qyit", answers)
    assert info.value.exit_code == 2


def test_unknown_instrument() -> None:
    with pytest.raises(UserInputError, match="unknown instrument 'phq9'") as info:
        score("phq9", {})
    assert info.value.exit_code == 2
    assert "qyit" in str(info.value)


def test_bad_age() -> None:
    with pytest.raises(UserInputError, match="age"):
        score("qyit", _answers("qyit", 0), age=-3)


def test_predictive_values_reproduce_a_published_ppv_and_npv() -> None:
    from nowrongdoor.screening._models import Published

    # Hurst et al. 2021 report PPV 20.2% and NPV 96.1% for 84.6% / 53.2% at
    # a prevalence of 12.3%; Bayes' rule must give the same.
    hurst = Published(
        citation="Hurst 2021",
        study_population="n=212",
        sensitivity=84.6,
        specificity=53.2,
        prevalence=12.3,
    )
    assert hurst.predictive_values() == (20.2, 96.1)
    cst6 = get_instrument("cst6").rules.published
    assert cst6.predictive_values() == (19.9, 96.7)
    assert get_instrument("raft").rules.published.predictive_values() is None


def test_minor_checklist_reports_only_on_abuse_items() -> None:
    risk = score("minor-indicators", {"minor_mental_health": True})
    assert risk.positive and risk.safety is not None
    assert not risk.safety.mandatory_report
    assert "does not trigger a report" in risk.safety.note
    abuse = score("minor-indicators", {"minor_abuse_history": True})
    assert abuse.safety is not None and abuse.safety.mandatory_report
    assert "Report now" in abuse.safety.note
