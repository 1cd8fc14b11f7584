"""Packages whose ``__all__`` is built from their modules' own ``__all__`` lists.

Each public name is listed once, in the module that defines it; these tests pin
every package's public names and check that each is its defining module's own.
"""

from __future__ import annotations

import importlib

import pytest

#: Package -> its public names (whitespace-separated).
PUBLIC = {
    "nowrongdoor.care.models": """
        LEAD_DECISIONS ApiToken AuditEvent AuditHead Barrier Base Case CaseEvent
        Consent EncryptedJSON EncryptedText FhirEndpoint FhirExport FhirInbound
        FhirOutbound FormKey Goal Intake InvAd InvContact InvEdge InvImage InvLead
        InvOperation InvOperationNote Need Note PartnerClient PartnerClientJti
        PartnerClientToken Organization PartnerLocation PartnerPhone PartnerService
        Person PurgeTally Referral ReferralEvent RiskFlag SafetyPlan Screening
        ServiceAtLocation Task TrainingAttempt TrainingCompletion TrainingLead
        UTCDateTime User UserSession bind_cipher utcnow
    """,
    "nowrongdoor.knowledge": """
        Entry Indicator KnowledgeBase KnowledgeError LegalElement LexiconTerm
        PartnerType Pathway Resource SearchHit SectionFile Statistic Table
        UnknownEntryError data_files load_knowledge load_knowledge_from
    """,
    "nowrongdoor.reports": """
        AGE_BANDS METRIC_SPECS MetricSpec MetricTable Period ProgramMetrics
        ReferralOutcomes program_charts program_csv_tables program_metrics
        render_program_html write_program_report suppress_linked AGE_FIRST_BINS
        SURVEY_INSTRUMENT_ID SURVEY_URL Chart CountTable EntryKey GlobalKey
        ReferenceTable ReportedValue ReportingRow ReportingTable SuppressedTable
        SurveyAnalysis SurveyItem SurveyResponse analyse_survey bar_chart
        feasible_intervals line_chart load_survey_responses parse_survey_response
        render_survey_html suppress suppress_system survey_charts survey_csv_tables
        survey_items survey_questionnaire survey_reference survey_responses_from_care
        write_survey_report
    """,
    "nowrongdoor.training": """
        LEGAL_CHOICES SCREENING_CHOICES Catalogue Course Grade LegalScenario Module
        Question Quiz QuizPart ScreeningScenario generate_quiz grade legal_citation
        legal_scenario load_catalogue screening_choice screening_scenario
        shipped_course_files
    """,
}


@pytest.mark.parametrize("package", sorted(PUBLIC))
def test_public_names_are_unchanged_and_listed_once(package: str) -> None:
    names = importlib.import_module(package).__all__
    assert len(names) == len(set(names))
    assert set(names) == set(PUBLIC[package].split())


@pytest.mark.parametrize("package", sorted(PUBLIC))
def test_each_public_name_is_its_defining_modules_own(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        owner = getattr(getattr(module, name), "__module__", None)
        if owner and owner.startswith(package + "._"):
            assert name in importlib.import_module(owner).__all__, (name, owner)
