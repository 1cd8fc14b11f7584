"""The shipped knowledge base: ids, sources, language and the deck's figures."""

from __future__ import annotations

import re

import pytest
import yaml

from nowrongdoor.knowledge import (
    Indicator,
    LegalElement,
    PartnerType,
    Pathway,
    Resource,
    Statistic,
    Table,
    data_files,
    load_knowledge,
)

KB = load_knowledge()
ENTRIES = list(KB)

#: Ids other areas read (see HELPERS.md); renaming one breaks them.
STABLE_IDS = [
    "definitions.human_trafficking",
    "definitions.human_smuggling",
    "definitions.csem",
    "definitions.dmst",
    "definitions.cse",
    "definitions.visible_invisible_chains",
    "legal.sex_trafficking",
    "legal.labor_trafficking",
    "legal.severe_forms",
    "legal.tvpa",
    "legal.tvpra",
    "legal.minor_key_factor",
    "legal.buyer_of_minor",
    "legal.smuggling_vs_trafficking",
    "lexicon.bottom",
    "lexicon.daddy",
    "lexicon.choosing_up",
    "lexicon.quota",
    "resources.national_hotline",
    "response.not_rescue",
    "response.screening_imperative",
    "response.create_relationship",
    "pathways.prevent",
    "pathways.survive",
    "pathways.thrive",
    "doors.hospital",
    "doors.law_enforcement",
    "doors.self_disclosed",
    "doors.teacher",
    "doors.therapist",
    "doors.returned_runaway",
    "doors.other_victim",
    "doors.family",
    "doors.no_wrong_door",
    "economics.quota_model",
    "survey.insurance",
    "survey.health_concerns",
    "survey.mental_health_concerns",
    "survey.participants",
    "roles.bottom_duties",
]


@pytest.mark.parametrize("entry_id", STABLE_IDS)
def test_stable_id_exists(entry_id: str) -> None:
    assert entry_id in KB.entries


def test_ids_are_unique_across_files() -> None:
    seen: dict[str, str] = {}
    for path in data_files():
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]:
            entry_id = item["id"]
            assert entry_id not in seen, f"{entry_id} in {path} and {seen[entry_id]}"
            seen[entry_id] = path.name
    assert len(seen) == len(KB)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_entry_has_a_source(entry) -> None:  # type: ignore[no-untyped-def]
    assert entry.source.startswith(("deck: ", "https://", "http://"))
    assert entry.deck_titles or entry.source.startswith("http")


def test_twelve_risk_groups() -> None:
    assert len(KB.section("risk_groups")) == 12


def test_indicator_kinds_and_prompts() -> None:
    indicators = KB.section("indicators")
    assert all(isinstance(e, Indicator) and e.prompt for e in indicators)
    minors = [e for e in indicators if e.id.startswith("indicators.minor_")]
    adults = [e for e in indicators if e.id.startswith("indicators.adult_")]
    assert len(minors) == 11 and all(e.population == "minor" for e in minors)
    assert adults and all(e.population == "adult" for e in adults)


def test_hotline() -> None:
    hotline = KB.get("resources.national_hotline")
    assert isinstance(hotline, Resource)
    assert (hotline.phone, hotline.sms) == ("1-888-373-7888", "233733")
    assert hotline.url == "https://humantraffickinghotline.org"


def test_not_rescue_wording() -> None:
    text = KB.get("response.not_rescue").text
    assert "not to rescue, it's to provide safety and resources" in text


def test_screening_tools_are_the_decks_three() -> None:
    tools = ["screening_labor_matrix", "screening_rhy", "screening_isma"]
    for slug in tools:
        entry = KB.get(f"resources.{slug}")
        assert isinstance(entry, Resource) and entry.url


def test_severe_forms_quotes_the_statute() -> None:
    severe = KB.get("legal.severe_forms")
    assert isinstance(severe, LegalElement) and severe.quote
    assert "has not attained 18 years of age" in severe.quote
    assert "involuntary servitude, peonage, debt bondage, or slavery" in severe.quote
    assert severe.citation == "22 U.S.C. 7102(11)"


def test_pathways_have_actions() -> None:
    names = set()
    for entry in KB.section("pathways"):
        assert isinstance(entry, Pathway) and entry.actions
        names.add(entry.pathway)
    assert names == {"prevent", "survive", "thrive"}


def test_partner_types() -> None:
    partners = KB.section("partners")
    assert all(isinstance(p, PartnerType) for p in partners)
    national = {p.id for p in partners if p.scope == "national"}
    assert len(national) == 5
    assert sum(p.scope == "local" for p in partners) >= 16


def test_quota_model_arithmetic() -> None:
    model = KB.get("economics.quota_model")
    assert isinstance(model, Statistic)
    pimps, girls, quota, days, weeks = 1, 3, 1000, 7, 52
    assert model.value == pimps * girls * quota * days * weeks == 1_092_000


def test_survey_figures_are_the_decks() -> None:
    insurance = KB.get("survey.insurance")
    assert isinstance(insurance, Table)
    medicaid = next(r for r in insurance.rows if r["coverage"] == "Medicaid")
    assert (medicaid["percent_while_trafficked"], medicaid["percent_currently"]) == (
        40.87,
        38.26,
    )
    mental = KB.get("survey.mental_health_concerns")
    assert isinstance(mental, Table)
    assert (mental.rows[0]["percent"], mental.rows[0]["number"]) == (89.08, 106)
    assert len(mental.rows) == 9
    health = KB.get("survey.health_concerns")
    assert isinstance(health, Table) and len(health.rows) == 6
    participants = KB.get("survey.participants")
    assert isinstance(participants, Table) and participants.n == 129


@pytest.mark.parametrize(
    ("entry_id", "value", "unit"),
    [
        ("statistics.industry_value", 150e9, "USD per year"),
        ("statistics.sexual_exploitation_value", 99e9, "USD per year"),
        ("statistics.average_slave_cost", 90, "USD"),
        ("statistics.runaways_approached_48h", 48, "hours"),
        ("statistics.rescued_one_percent", 1, "percent"),
        ("statistics.exploitation_two_years", 2, "years"),
        ("statistics.ncmec_runaways_2023", 28800, "runaways"),
        ("statistics.ncmec_runaways_likely_trafficked", 6, "1 in N"),
        ("statistics.street_youth", 70, "percent"),
        ("statistics.shelter_youth", 30, "percent"),
    ],
)
def test_statistics(entry_id: str, value: float, unit: str) -> None:
    stat = KB.get(entry_id)
    assert isinstance(stat, Statistic)
    assert (stat.value, stat.unit) == (value, unit)
    assert stat.references, f"{entry_id} lacks the URL the deck cites"


_BANNED = [
    (re.compile(r"child\s+pornograph", re.I), None),
    (
        re.compile(r"child\s+prostitut", re.I),
        re.compile(r"no such thing as a child prostitute", re.I),
    ),
]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_language_rules(entry) -> None:  # type: ignore[no-untyped-def]
    blob = entry.model_dump_json()
    for banned, allowed in _BANNED:
        cleaned = allowed.sub("", blob) if allowed else blob
        assert not banned.search(cleaned), f"{entry.id}: {banned.pattern!r}"


def test_sections_follow_the_deck() -> None:
    names = list(KB.sections)
    assert names[0] == "definitions" and names[-1] == "resources"
    assert names.index("lexicon") < names.index("indicators") < names.index("pathways")
    assert list(KB.entries)[0] == "definitions.human_trafficking"
