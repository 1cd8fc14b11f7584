"""Generated quizzes: keys from the engines, citations, randomisation, grading."""

from __future__ import annotations

import re

import pytest

from nowrongdoor.knowledge import LexiconTerm, load_knowledge
from nowrongdoor.screening import classify, score
from nowrongdoor.training import (
    LEGAL_CHOICES,
    SCREENING_CHOICES,
    generate_quiz,
    grade,
    load_catalogue,
    screening_choice,
)
from nowrongdoor.training._quiz import _related

CATALOGUE = load_catalogue()
MODULES = [(c, m) for c in CATALOGUE for m in c.quiz_modules]
SEEDS = range(40)


def _quizzes():
    for course, module in MODULES:
        for seed in SEEDS:
            yield generate_quiz(course.id, module, seed)


def test_every_legal_key_is_the_decision_aid_answer() -> None:
    labels = [label for label, _ in LEGAL_CHOICES]
    seen: set[str] = set()
    checked = 0
    for quiz in _quizzes():
        for q in quiz.questions:
            if q.kind != "legal_scenario":
                continue
            assert q.facts is not None
            expected = classify(q.facts).classification
            assert labels[q.key] == expected, q.stem
            assert q.choices[q.key] == dict(LEGAL_CHOICES)[expected]
            seen.add(expected)
            checked += 1
    assert checked >= 400
    # the generator reaches every answer, so no answer can be learnt by habit
    assert seen == set(labels)


def test_every_screening_key_is_the_screening_engine_answer() -> None:
    keys = [k for k, _ in SCREENING_CHOICES]
    seen: set[str] = set()
    for quiz in _quizzes():
        for q in quiz.questions:
            if q.kind != "screening_scenario":
                continue
            assert q.facts is not None
            result = score(
                q.facts["instrument"], q.facts["answers"], age=q.facts["age"]
            )
            assert keys[q.key] == screening_choice(result), q.stem
            seen.add(keys[q.key])
    assert seen == set(keys)


def test_every_lexicon_key_is_the_terms_meaning_with_same_category_distractors() -> (
    None
):
    kb = load_knowledge()
    for quiz in _quizzes():
        for q in quiz.questions:
            if q.kind != "lexicon":
                continue
            term = kb.get(q.cites)
            assert isinstance(term, LexiconTerm)
            assert q.explanation.startswith(f"{term.term}: {term.text}")
            # the key is this term's own meaning, with the term itself hidden
            assert q.choices[q.key] == _masked_text(term)
            assert f'"{term.term.lower()}"' not in q.choices[q.key].lower()
            same = [
                t
                for t in kb.lexicon
                if t.category == term.category
                and t != term
                and not _related(term, t)  # a synonym is no wrong answer
            ]
            module = CATALOGUE.get(quiz.course_id).module(quiz.module_id)
            in_module = [t for t in same if t.id in module.entries]
            wanted = min(len(in_module), 3)
            wrong = [c for i, c in enumerate(q.choices) if i != q.key]
            from_same = sum(any(w == _masked_text(t) for t in in_module) for w in wrong)
            assert from_same == wanted


def _masked_text(term: LexiconTerm) -> str:
    from nowrongdoor.training._quiz import _masked

    return _masked(term)


def test_every_describe_key_is_the_cited_entry() -> None:
    kb = load_knowledge()
    for quiz in _quizzes():
        for q in quiz.questions:
            if q.kind != "describe":
                continue
            assert q.choices[q.key] == kb.get(q.cites).title
            assert len(set(q.choices)) == len(q.choices)


def test_every_question_cites_an_existing_entry_and_explains() -> None:
    kb = load_knowledge()
    for quiz in _quizzes():
        assert quiz.questions
        for q in quiz.questions:
            assert q.cites in kb.entries
            assert q.explanation.strip()
            assert 0 <= q.key < len(q.choices)


def test_same_seed_same_quiz_other_seed_other_quiz() -> None:
    course, module = MODULES[0]
    a = generate_quiz(course.id, module, 1)
    assert a == generate_quiz(course.id, module, 1)
    stems = {
        tuple(q.stem for q in generate_quiz(course.id, module, s).questions)
        for s in range(1, 8)
    }
    assert len(stems) >= 5


def test_public_view_has_no_key() -> None:
    course, module = MODULES[-1]
    for q in generate_quiz(course.id, module, 3).questions:
        assert set(q.public()) == {"id", "stem", "choices"}


@pytest.mark.parametrize(
    ("right", "percent", "passed"), [(5, 100, True), (4, 80, True), (3, 60, False)]
)
def test_grade_uses_the_pass_mark(right: int, percent: int, passed: bool) -> None:
    course = CATALOGUE.get("awareness")
    quiz = generate_quiz(course.id, course.module("the-law"), 11)
    assert len(quiz.questions) == 5
    answers = {
        q.id: q.key if i < right else (q.key + 1) % len(q.choices)
        for i, q in enumerate(quiz.questions)
    }
    result = grade(quiz, answers, pass_mark=80)
    assert (result.correct, result.percent, result.passed) == (right, percent, passed)


def test_grade_counts_junk_answers_as_wrong() -> None:
    course = CATALOGUE.get("awareness")
    quiz = generate_quiz(course.id, course.module("the-law"), 11)
    junk = {"q1": "x", "q2": "99", "q3": None, "q4": -1}
    result = grade(quiz, junk, pass_mark=80)
    assert result.correct == 0
    assert result.answers["q1"] is None


#: Terms the deck gives as one another's meaning: each is a right answer to
#: the other's question, so neither may be the other's wrong choice.
SYNONYMS = [
    ("lexicon.the_game", "lexicon.the_life"),
    ("lexicon.pimp", "lexicon.mack"),
    ("lexicon.pimp", "lexicon.p"),
    ("lexicon.p", "lexicon.16"),
    ("lexicon.stable", "lexicon.family"),
    ("lexicon.boyfriend", "lexicon.romeo"),
]


def test_a_lexicon_question_has_one_right_meaning() -> None:
    """A term's question never offers, as a wrong choice, the meaning of a
    term the deck defines by it ("the life": "same as the game")."""
    from nowrongdoor.training._quiz import _masked

    kb = load_knowledge()
    related = {(a, b) for a, b in SYNONYMS} | {(b, a) for a, b in SYNONYMS}
    asked = 0
    for quiz in _quizzes():
        for q in quiz.questions:
            if q.kind != "lexicon":
                continue
            asked += 1
            for other, partner in related:
                if q.cites == other:
                    wrong = _masked(kb.entries[partner])
                    assert wrong not in q.choices, (q.stem, wrong)
    assert asked > 100


def _short(title: str) -> str:
    return re.sub(r"\s*\(.*?\)", "", title).strip().lower()


def test_a_describe_question_offers_no_title_that_names_the_key() -> None:
    """ "Visible and invisible chains (coercion)" is never asked with
    "Coercion" as a wrong choice: a title inside the key's own title (or the
    reverse) is a right answer too."""
    offered = 0
    for quiz in _quizzes():
        for q in quiz.questions:
            if q.kind != "describe":
                continue
            key = q.choices[q.key]
            for i, choice in enumerate(q.choices):
                if i == q.key:
                    continue
                offered += 1
                assert _short(choice) not in key.lower(), (key, choice)
                assert _short(key) not in choice.lower(), (key, choice)
    assert offered > 1000


def test_scenario_explanations_are_in_words_not_identifiers() -> None:
    """A learner reads "Possible answers: Labor trafficking, Not trafficking
    under federal law", never "labor_trafficking, not_trafficking"."""
    identifier = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
    seen = 0
    for quiz in _quizzes():
        for q in quiz.questions:
            if q.kind in ("legal_scenario", "screening_scenario"):
                seen += 1
                assert not identifier.search(q.explanation), q.explanation
    assert seen > 500
