"""Course data: teaching order, knowledge-base citations, a plan's own files."""

from __future__ import annotations

from pathlib import Path

import pytest

from nowrongdoor.errors import UserInputError
from nowrongdoor.knowledge import load_knowledge
from nowrongdoor.training import generate_quiz, load_catalogue


def test_every_cited_entry_exists() -> None:
    kb = load_knowledge()
    catalogue = load_catalogue()
    cited = [e for c in catalogue for m in c.modules for e in m.entries]
    assert cited
    assert [e for e in cited if e not in kb.entries] == []


def test_core_course_is_in_teaching_order() -> None:
    course = load_catalogue().get("awareness")
    assert [m.id for m in course.modules] == [
        "what-it-is",
        "minors",
        "who-is-at-risk",
        "recruitment",
        "industries",
        "lexicon",
        "indicators",
        "disclosure",
        "respond",
        "pathways",
        "the-law",
    ]
    assert "response.not_rescue" in course.module("respond").entries
    assert course.hours == sum(m.minutes for m in course.modules) / 60
    assert all(m.quiz for m in course.modules)


LOCAL = """
id: indiana
title: Indiana law and local partners
modules:
  - id: state-law
    title: Indiana law
    minutes: 30
    summary: Indiana's human-trafficking statutes and reporting duties.
    entries: [legal.indiana, resources.indiana_laws, resources.indiana_dcs_hotline]
    quiz:
      - {kind: legal_scenario, count: 3}
"""


def test_a_plan_adds_a_local_course_without_code(tmp_path: Path) -> None:
    path = tmp_path / "indiana.yaml"
    path.write_text(LOCAL, encoding="utf-8")
    catalogue = load_catalogue([path])
    course = catalogue.get("indiana")
    assert course.hours == 0.5
    quiz = generate_quiz(course.id, course.module("state-law"), 5)
    assert len(quiz.questions) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (LOCAL.replace("legal.indiana,", "legal.nowhere,"), "legal.nowhere"),
        (LOCAL.replace("minutes: 30", "minutes: lots"), "minutes"),
        (LOCAL.replace("id: indiana", "id: awareness"), "used twice"),
        ("id: [unclosed", "not valid YAML"),
    ],
)
def test_bad_course_file_is_one_sentence(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserInputError) as info:
        load_catalogue([path])
    assert message in str(info.value)
    assert "bad.yaml" in str(info.value)


def test_missing_course_file(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="does not exist"):
        load_catalogue([tmp_path / "nope.yaml"])
