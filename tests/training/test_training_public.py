"""training: its public names, each listed once in the module defining it."""

from __future__ import annotations

import importlib

import nowrongdoor.training as training

PUBLIC = {
    "LEGAL_CHOICES",
    "SCREENING_CHOICES",
    "Catalogue",
    "Course",
    "Grade",
    "LegalScenario",
    "Module",
    "Question",
    "Quiz",
    "QuizPart",
    "ScreeningScenario",
    "generate_quiz",
    "grade",
    "legal_citation",
    "legal_scenario",
    "load_catalogue",
    "screening_choice",
    "screening_scenario",
    "shipped_course_files",
}


def test_public_names_are_unchanged_and_listed_once() -> None:
    assert len(training.__all__) == len(set(training.__all__))
    assert set(training.__all__) == PUBLIC


def test_every_public_name_is_in_its_defining_modules_list() -> None:
    for name in training.__all__:
        owner = getattr(getattr(training, name), "__module__", None)
        if owner and owner.startswith("nowrongdoor.training._"):
            assert name in importlib.import_module(owner).__all__, (name, owner)
