"""Generated scenarios whose answers the engines compute (private).

A legal scenario is a set of facts (age, commercial sex act, labor, force,
fraud, coercion, the purpose of labor, movement across a border and consent to
it) told as a short story; its right answer is whatever the 22 U.S.C. 7102
decision aid (:func:`nowrongdoor.screening.classify`) says. A screening
scenario is a set of answers to a shipped instrument; its right answer is the
screening engine's result and pathway (:func:`nowrongdoor.screening.score`).
Nothing here decides an answer itself.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from nowrongdoor.screening import (
    Classification,
    ScreeningResult,
    classify,
    get_instrument,
    score,
)

__all__ = [
    "LEGAL_CHOICES",
    "SCREENING_CHOICES",
    "LegalScenario",
    "ScreeningScenario",
    "legal_citation",
    "legal_scenario",
    "screening_choice",
    "screening_scenario",
]

#: Answer choices of a legal scenario, in display order: (label, text).
LEGAL_CHOICES: tuple[tuple[str, str], ...] = (
    ("sex_trafficking", "Sex trafficking"),
    ("labor_trafficking", "Labor trafficking"),
    ("sex_and_labor_trafficking", "Both sex and labor trafficking"),
    ("smuggling_not_trafficking", "Smuggling, not trafficking"),
    ("not_trafficking", "Not trafficking under federal law"),
    ("needs_more_information", "Cannot tell yet: more facts are needed"),
)

#: Answer choices of a screening scenario: (key, text).
SCREENING_CHOICES: tuple[tuple[str, str], ...] = (
    ("negative", "Negative: no pathway now; keep the door open"),
    ("incomplete", "Incomplete: ask the skipped topics later, in private"),
    ("positive:prevent", "Positive: Prevent pathway (high risk)"),
    (
        "positive:survive_thrive",
        "Positive: Survive/Thrive pathway (disclosed exploitation)",
    ),
)

_PURPOSES = ("involuntary_servitude", "peonage", "debt_bondage", "slavery")
_MEANS = ("force", "fraud", "coercion")

#: Instruments a screening scenario may use (validated screens with an age band).
SCREEN_INSTRUMENTS = ("cst6", "qyit", "raft")

_FORCE = (
    "Someone hits them and locks them in at night.",
    "Someone has beaten them and keeps them from leaving.",
)
_FRAUD = (
    "Someone lied to them about a job and what they would earn.",
    "They were promised a restaurant job that turned out to be something else.",
)
_COERCION = (
    "Someone threatens to hurt their family if they do not do as told.",
    "Someone threatens to post their photos or call immigration.",
)
#: How the story names each means when it is denied or unknown.
_MEANS_VERBS = {"force": "uses force on", "fraud": "deceived", "coercion": "threatens"}
_SEX_ACT = (
    "Men pay someone for sex acts with them.",
    "They trade sex for a place to stay, food or drugs.",
)
_LABOR = (
    "They clean houses for a man who takes their wages.",
    "They work long shifts in a nail salon.",
    "They work on a farm for a crew boss.",
)


@dataclass(frozen=True)
class LegalScenario:
    """A legal scenario and the decision aid's answer.

    Attributes:
        facts: The facts handed to the decision aid.
        story: The facts as sentences (what the learner reads).
        result: The decision aid's classification of ``facts``.
    """

    facts: dict[str, Any]
    story: str
    result: Classification


@dataclass(frozen=True)
class ScreeningScenario:
    """A screening scenario and the screening engine's answer.

    Attributes:
        instrument_id: The instrument answered.
        age: The person's age.
        answers: ``{linkId: true | false | null}`` (null = skipped).
        story: The screen as sentences.
        result: The engine's result for these answers.
    """

    instrument_id: str
    age: int
    answers: dict[str, bool | None]
    story: str
    result: ScreeningResult


def _maybe(rng: random.Random, p_true: float, p_unknown: float) -> bool | None:
    roll = rng.random()
    if roll < p_unknown:
        return None
    return roll < p_unknown + p_true


def _sample_facts(rng: random.Random, minors: bool) -> dict[str, Any]:
    shape = rng.choice(("sex", "sex", "labor", "labor", "moved", "both"))
    if minors:
        age: int | None = rng.randint(11, 17)
    elif rng.random() < 0.08:
        age = None
    else:
        age = rng.choice((rng.randint(12, 17), rng.randint(18, 55)))
    facts: dict[str, Any] = {"age": age}
    facts["commercial_sex_act"] = shape in ("sex", "both") or (
        shape == "moved" and rng.random() < 0.25
    )
    facts["labor_or_services"] = shape in ("labor", "both") or (
        shape == "moved" and rng.random() < 0.4
    )
    means_p = 0.35 if shape != "moved" else 0.25
    for key in ("force", "fraud", "coercion"):
        facts[key] = _maybe(rng, means_p, 0.05)
    for key in _PURPOSES:
        facts[key] = _maybe(rng, 0.3, 0.05) if facts["labor_or_services"] else False
    # Keep the story coherent: work the person is held in comes with some
    # means; work they could leave freely comes with no force or threats.
    if facts["labor_or_services"] and any(facts[k] for k in _PURPOSES):
        if not any(facts[k] for k in _MEANS):
            facts[rng.choice(_MEANS)] = True
    elif (
        facts["labor_or_services"]
        and not facts["commercial_sex_act"]
        and all(facts[k] is False for k in _PURPOSES)
    ):
        facts["force"] = facts["coercion"] = False
    moved = shape == "moved" or rng.random() < 0.15
    facts["transported_across_border"] = moved
    facts["consented_to_transport"] = rng.random() < 0.75 if moved else False
    activity = facts["commercial_sex_act"] or facts["labor_or_services"]
    means = any(facts[k] for k in ("force", "fraud", "coercion"))
    minor_sex = facts["commercial_sex_act"] and age is not None and age < 18
    facts["exploited_after_arrival"] = bool(moved and activity and (means or minor_sex))
    return facts


def _story(rng: random.Random, facts: dict[str, Any]) -> str:
    age = facts["age"]
    lines = [
        f"A person aged {age} comes to your door."
        if age is not None
        else "A young-looking person whose age nobody knows comes to your door."
    ]
    if facts["transported_across_border"]:
        lines.append(
            "They were brought across the border and agreed to the journey."
            if facts["consented_to_transport"]
            else "They were taken across the border against their will."
        )
        if not facts["exploited_after_arrival"]:
            lines.append("Since arriving they have been free to go their own way.")
    lines.append(
        rng.choice(_SEX_ACT)
        if facts["commercial_sex_act"]
        else "No sex act has been exchanged for anything of value."
    )
    if facts["labor_or_services"]:
        lines.append(rng.choice(_LABOR))
        purposes = [k for k in _PURPOSES if facts[k]]
        unknown = [k for k in _PURPOSES if facts[k] is None]
        if "debt_bondage" in purposes or "peonage" in purposes:
            lines.append("They must work off a debt that never gets smaller.")
        if "involuntary_servitude" in purposes or "slavery" in purposes:
            lines.append("They are made to believe they cannot leave the work.")
        if not purposes and not unknown:
            lines.append("They owe nothing and could quit whenever they wanted.")
        elif not purposes:
            lines.append("Whether they could quit, or owe a debt, is not known.")
    else:
        lines.append("They do not work for anyone.")
    if facts["force"]:
        lines.append(rng.choice(_FORCE))
    if facts["fraud"]:
        lines.append(rng.choice(_FRAUD))
    if facts["coercion"]:
        lines.append(rng.choice(_COERCION))
    denied = [_MEANS_VERBS[k] for k in _MEANS_VERBS if facts[k] is False]
    unknown_means = [_MEANS_VERBS[k] for k in _MEANS_VERBS if facts[k] is None]
    if len(denied) == 3:
        lines.append("Nobody forces, deceives or threatens them.")
        if facts["commercial_sex_act"]:
            lines.append("They say it was their own choice.")
    elif denied:
        lines.append(f"Nobody {' or '.join(denied)} them.")
    if unknown_means:
        lines.append(
            f"Whether anyone {' or '.join(unknown_means)} them is not known yet."
        )
    return " ".join(lines)


def legal_scenario(rng: random.Random, *, minors: bool = False) -> LegalScenario:
    """A random set of facts, its story and the decision aid's answer.

    Args:
        rng: The attempt's random generator (seeded: same seed, same scenario).
        minors: Every person is under 18.

    Returns:
        The scenario; ``result`` is :func:`nowrongdoor.screening.classify` of
        ``facts``.
    """
    facts = _sample_facts(rng, minors)
    story = _story(rng, facts)
    return LegalScenario(facts=facts, story=story, result=classify(facts))


def legal_citation(result: Classification, facts: dict[str, Any]) -> str:
    """The knowledge-base entry that teaches a legal answer."""
    label = result.classification
    if label in ("sex_trafficking", "sex_and_labor_trafficking"):
        if result.victim_is_minor and not any(
            facts.get(k) for k in ("force", "fraud", "coercion")
        ):
            return "legal.minor_key_factor"
        return "legal.sex_trafficking"
    if label == "labor_trafficking":
        return "legal.labor_trafficking"
    if label == "smuggling_not_trafficking":
        return "legal.smuggling_vs_trafficking"
    if label == "not_trafficking" and facts.get("commercial_sex_act"):
        return "legal.adult_needs_force_fraud_coercion"
    return "legal.severe_forms"


def screening_choice(result: ScreeningResult) -> str:
    """The answer key of a screening result (one of :data:`SCREENING_CHOICES`)."""
    if result.positive:
        return f"positive:{result.recommended_pathway}"
    return result.category


def screening_scenario(rng: random.Random) -> ScreeningScenario:
    """A random screen, told as sentences, with the engine's result.

    Args:
        rng: The attempt's random generator.

    Returns:
        The scenario; ``result`` is :func:`nowrongdoor.screening.score` of the
        answers at the person's age.
    """
    instrument = get_instrument(rng.choice(SCREEN_INSTRUMENTS))
    low, high = instrument.rules.ages
    # only ages the instrument was validated for: outside them the screening
    # engine refuses to run without an override
    age = rng.randint(low or 0, high if high is not None else 64)
    p_yes = rng.choice((0.0, 0.2, 0.35, 0.5))
    answers: dict[str, bool | None] = {}
    for item in instrument.items:
        roll = rng.random()
        answers[item.linkId] = None if roll < 0.07 else rng.random() < p_yes
    result = score(instrument.id, answers, age=age)
    said = {True: "yes", False: "no", None: "skipped"}
    parts = [
        f'"{item.text}" - {said[answers[item.linkId]]}' for item in instrument.items
    ]
    story = (
        f"You screen a person aged {age} with the {instrument.title}. "
        f"Answers: {'; '.join(parts)}."
    )
    return ScreeningScenario(
        instrument_id=instrument.id,
        age=age,
        answers=answers,
        story=story,
        result=result,
    )
