"""Quizzes generated from the course data and the engines (private).

Same module, same seed, same quiz: an attempt stores its seed and its keys on the
server, the page shows only :meth:`Question.public` (stem and choices).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from nowrongdoor.knowledge import Entry, KnowledgeBase, LexiconTerm, load_knowledge
from nowrongdoor.training._courses import Module, QuizPart, pool_entries
from nowrongdoor.training._scenarios import (
    LEGAL_CHOICES,
    SCREENING_CHOICES,
    legal_citation,
    legal_scenario,
    screening_choice,
    screening_scenario,
)

__all__ = ["Grade", "Question", "Quiz", "generate_quiz", "grade"]

Kind = Literal["lexicon", "describe", "legal_scenario", "screening_scenario"]
MASK = "____"
CHOICES = 4


class Question(BaseModel):
    """One generated question with its key, explanation and citation.

    Attributes:
        id: ``q1``, ``q2``... in quiz order.
        kind: The quiz part that made it.
        stem: What is asked.
        choices: Answer texts, in display order.
        key: Index of the right choice (never sent to a page before grading).
        explanation: Why the key is right (shown after submission).
        cites: The knowledge-base entry the question teaches.
        facts: For a legal scenario, the facts given to the decision aid; for a
            screening scenario, ``instrument``, ``age`` and ``answers``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: Kind
    stem: str
    choices: tuple[str, ...]
    key: int
    explanation: str
    cites: str
    facts: dict[str, Any] | None = None

    def public(self) -> dict[str, Any]:
        """What a page may show before the answer is in: no key, no explanation."""
        return {"id": self.id, "stem": self.stem, "choices": list(self.choices)}


class Quiz(BaseModel):
    """A module's quiz for one attempt.

    Attributes:
        course_id: The course.
        module_id: The module.
        seed: The seed it was generated from.
        questions: The questions, in order.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    course_id: str
    module_id: str
    seed: int
    questions: tuple[Question, ...]


class Grade(BaseModel):
    """A graded attempt.

    Attributes:
        correct: Right answers.
        total: Questions.
        percent: ``correct / total`` as a whole percentage (rounded down).
        passed: ``percent`` reaches the pass mark.
        answers: The chosen index per question id (None = not answered).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    correct: int
    total: int
    percent: int
    passed: bool
    answers: dict[str, int | None]


def _first_sentences(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = cut.rfind(". ")
    return cut[: end + 1] if end > 60 else cut.rsplit(" ", 1)[0] + "…"


def _mask_words(entry: Entry) -> list[str]:
    title = re.sub(r"\s*\(.*?\)", "", entry.title).strip()
    words = [entry.title, title]
    if isinstance(entry, LexiconTerm):
        words.append(entry.term)
    return sorted({w for w in words if len(w) > 2}, key=len, reverse=True)


def _masked(entry: Entry) -> str:
    """The entry's text with its own name (and, for a term, its patterns) hidden."""
    text = entry.text
    if isinstance(entry, LexiconTerm):
        for pattern in entry.compiled():
            text = pattern.sub(MASK, text)
    for word in _mask_words(entry):
        text = re.sub(re.escape(word), MASK, text, flags=re.IGNORECASE)
    return _first_sentences(text)


def _shuffled(
    rng: random.Random, right: str, wrong: list[str]
) -> tuple[tuple[str, ...], int]:
    choices = [right, *wrong]
    rng.shuffle(choices)
    return tuple(choices), choices.index(right)


def _defines(term: LexiconTerm, other: LexiconTerm) -> bool:
    """Whether ``other``'s text names ``term`` ("the life": "same as the game")."""
    return any(pattern.search(other.text) for pattern in term.compiled())


def _related(a: LexiconTerm, b: LexiconTerm) -> bool:
    """Whether either term's text names the other: then each meaning is a right
    answer to the other's question, so neither may be the other's distractor."""
    return _defines(a, b) or _defines(b, a)


def _lexicon_question(
    rng: random.Random, module: Module, kb: KnowledgeBase, used: set[str]
) -> tuple[str, tuple[str, ...], int, str, str]:
    terms = [e for i in module.entries if isinstance(e := kb.entries[i], LexiconTerm)]
    fresh = [t for t in terms if t.id not in used] or terms
    term = rng.choice(fresh)
    unrelated = [t for t in terms if t.id != term.id and not _related(term, t)]
    same = [t for t in unrelated if t.category == term.category]
    other = [t for t in unrelated if t.category != term.category]
    rng.shuffle(same)
    rng.shuffle(other)
    wrong = [*same, *other][: CHOICES - 1]
    choices, key = _shuffled(rng, _masked(term), [_masked(t) for t in wrong])
    stem = f'What does "{term.term}" mean in the life?'
    explanation = f"{term.term}: {term.text}"
    if term.ambiguous and term.context_note:
        explanation += f" {term.context_note}"
    return stem, choices, key, explanation, term.id


def _short_title(title: str) -> str:
    return re.sub(r"\s*\(.*?\)", "", title).strip().lower()


def _names(a: str, b: str) -> bool:
    """Whether one title names the other ("Coercion" and "Visible and invisible
    chains (coercion)"): then both are right answers to the same text."""
    return _short_title(a) in b.lower() or _short_title(b) in a.lower()


def _describe_question(
    rng: random.Random,
    part: QuizPart,
    module: Module,
    kb: KnowledgeBase,
    used: set[str],
) -> tuple[str, tuple[str, ...], int, str, str]:
    pool = [kb.entries[i] for i in pool_entries(part, module, kb)]
    cited = [e for e in pool if e.id in module.entries] or pool
    fresh = [e for e in cited if e.id not in used] or cited
    entry = rng.choice(fresh)
    others = list(
        {
            e.title: e
            for e in pool
            if e.title != entry.title and not _names(e.title, entry.title)
        }.values()
    )
    population = getattr(entry, "population", None)
    similar = [
        e.title
        for e in others
        if population is not None and getattr(e, "population", None) == population
    ]
    rest = [e.title for e in others if e.title not in similar]
    rng.shuffle(similar)
    rng.shuffle(rest)
    wrong = [*similar, *rest][: CHOICES - 1]
    choices, key = _shuffled(rng, entry.title, wrong)
    stem = f'Which one is this? "{_masked(entry)}"'
    return stem, choices, key, f"{entry.title}: {entry.text}", entry.id


_IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def _in_words(text: str) -> str:
    """The decision aid's rationale for a learner: an answer's label as its
    choice text ("not_trafficking" -> "Not trafficking under federal law"), a
    fact's name in words ("debt_bondage" -> "debt bondage")."""
    labels = dict(LEGAL_CHOICES)
    return _IDENTIFIER.sub(
        lambda m: labels.get(m.group(0), m.group(0).replace("_", " ")), text
    )


def _legal_question(
    rng: random.Random, part: QuizPart
) -> tuple[str, tuple[str, ...], int, str, str, dict[str, Any]]:
    scenario = legal_scenario(rng, minors=part.minors)
    labels = [label for label, _ in LEGAL_CHOICES]
    key = labels.index(scenario.result.classification)
    stem = f"{scenario.story} Under 22 U.S.C. 7102, what is this?"
    explanation = _in_words(" ".join(scenario.result.rationale))
    if scenario.result.citations:
        explanation += f" ({'; '.join(scenario.result.citations)})"
    cites = legal_citation(scenario.result, scenario.facts)
    choices = tuple(text for _, text in LEGAL_CHOICES)
    return stem, choices, key, explanation, cites, scenario.facts


def _screening_question(
    rng: random.Random,
) -> tuple[str, tuple[str, ...], int, str, str, dict[str, Any]]:
    scenario = screening_scenario(rng)
    keys = [k for k, _ in SCREENING_CHOICES]
    answer = screening_choice(scenario.result)
    result = scenario.result
    explanation = f"{result.interpretation} (score {result.score}, cut-off "
    explanation += f"{result.cutoff})."
    if result.positive and result.recommended_pathway == "survive_thrive":
        explanation += (
            " An answer that discloses exploitation sends the person to Survive/Thrive."
        )
    elif result.positive:
        explanation += " A positive screen without disclosure is Prevent."
    if result.minor:
        explanation += " The person is a minor: mandatory reporting applies."
    cites = {
        "positive:prevent": "pathways.prevent",
        "positive:survive_thrive": "pathways.survive",
    }.get(answer, "response.screening_imperative")
    facts = {
        "instrument": scenario.instrument_id,
        "age": scenario.age,
        "answers": scenario.answers,
    }
    stem = f"{scenario.story} What is the result, and which pathway follows?"
    choices = tuple(text for _, text in SCREENING_CHOICES)
    return stem, choices, keys.index(answer), explanation, cites, facts


def generate_quiz(
    course_id: str,
    module: Module,
    seed: int,
    kb: KnowledgeBase | None = None,
) -> Quiz:
    """Generate a module's quiz for one attempt.

    Args:
        course_id: The course the module belongs to.
        module: The module (its ``quiz`` parts say what to ask).
        seed: The attempt's seed; the same seed gives the same quiz.
        kb: The knowledge base (the shipped one by default).

    Returns:
        The quiz; every question carries its key, explanation and a cited
        knowledge-base entry id.
    """
    kb = kb or load_knowledge()
    rng = random.Random(f"{course_id}/{module.id}/{seed}")
    questions: list[Question] = []
    used: set[str] = set()
    for part in module.quiz:
        for _ in range(part.count):
            facts: dict[str, Any] | None = None
            if part.kind == "lexicon":
                stem, choices, key, why, cites = _lexicon_question(
                    rng, module, kb, used
                )
            elif part.kind == "describe":
                stem, choices, key, why, cites = _describe_question(
                    rng, part, module, kb, used
                )
            elif part.kind == "legal_scenario":
                stem, choices, key, why, cites, facts = _legal_question(rng, part)
            else:
                stem, choices, key, why, cites, facts = _screening_question(rng)
            used.add(cites)
            questions.append(
                Question(
                    id=f"q{len(questions) + 1}",
                    kind=part.kind,
                    stem=stem,
                    choices=choices,
                    key=key,
                    explanation=why,
                    cites=cites,
                    facts=facts,
                )
            )
    return Quiz(
        course_id=course_id, module_id=module.id, seed=seed, questions=tuple(questions)
    )


def grade(quiz: Quiz, answers: Mapping[str, Any], pass_mark: int) -> Grade:
    """Grade answers against a quiz's keys.

    Args:
        quiz: The attempt's quiz.
        answers: Chosen choice index per question id (str or int); a missing or
            unreadable answer counts as wrong.
        pass_mark: Percentage needed to pass (0-100).

    Returns:
        The grade.
    """
    chosen: dict[str, int | None] = {}
    correct = 0
    for question in quiz.questions:
        raw = answers.get(question.id)
        try:
            value: int | None = int(raw) if raw is not None else None
        except (TypeError, ValueError):
            value = None
        if value is not None and not 0 <= value < len(question.choices):
            value = None
        chosen[question.id] = value
        correct += value == question.key
    total = len(quiz.questions)
    percent = (100 * correct) // total if total else 0
    return Grade(
        correct=correct,
        total=total,
        percent=percent,
        passed=percent >= pass_mark,
        answers=chosen,
    )
