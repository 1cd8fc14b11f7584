"""The 22 U.S.C. 7102 decision aid: is what we heard trafficking? (private)

The rules, from the statute and the deck:

- Sex trafficking: a commercial sex act induced by force, fraud or coercion, or
  performed by a person under 18 (then no force, fraud or coercion is needed).
  "Patronizing" and "soliciting" are acts in the definition, so the buyer of a
  commercial sex act from a minor is a trafficker.
- Labor trafficking: labor or services obtained through force, fraud or coercion
  for involuntary servitude, peonage, debt bondage or slavery.
- Smuggling: consensual transport across a border without exploitation after
  arrival is smuggling, not trafficking.

Unknown facts (``null``) are handled exactly: every way the unknowns could turn
out is tried. A form of trafficking that holds whatever the unknowns are is
established; when none is established but one is possible, the answer is
``needs_more_information`` and names the facts that could change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import product
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict

from nowrongdoor.errors import UserInputError

__all__ = [
    "BOOL_FACTS",
    "FACT_KEYS",
    "Classification",
    "ClassificationLabel",
    "classify",
]

ClassificationLabel = Literal[
    "sex_trafficking",
    "labor_trafficking",
    "sex_and_labor_trafficking",
    "smuggling_not_trafficking",
    "needs_more_information",
    "not_trafficking",
]
Role = Literal["person", "buyer", "recruiter", "other"]

#: Yes/no facts, in the order the interactive mode asks them.
BOOL_FACTS: tuple[str, ...] = (
    "commercial_sex_act",
    "labor_or_services",
    "force",
    "fraud",
    "coercion",
    "involuntary_servitude",
    "peonage",
    "debt_bondage",
    "slavery",
    "transported_across_border",
    "consented_to_transport",
    "exploited_after_arrival",
)
#: Every key a facts file may have.
FACT_KEYS: tuple[str, ...] = ("age", *BOOL_FACTS, "role")
ROLES: tuple[str, ...] = ("person", "buyer", "recruiter", "other")
_PURPOSES = ("involuntary_servitude", "peonage", "debt_bondage", "slavery")
_MEANS = ("force", "fraud", "coercion")
_TRAFFICKING = frozenset(
    {"sex_trafficking", "labor_trafficking", "sex_and_labor_trafficking"}
)

CITE_SEVERE_SEX = "22 U.S.C. 7102(11)(A) (severe forms: sex trafficking)"
CITE_SEVERE_LABOR = "22 U.S.C. 7102(11)(B) (severe forms: labor trafficking)"
CITE_SEX_TRAFFICKING = (
    "22 U.S.C. 7102(12) (sex trafficking, including patronizing or soliciting)"
)
CITE_COMMERCIAL_SEX = "22 U.S.C. 7102(4) (commercial sex act)"
CITE_COERCION = "22 U.S.C. 7102(3) (coercion)"
CITE_DEBT_BONDAGE = "22 U.S.C. 7102(7) (debt bondage)"
CITE_SERVITUDE = "22 U.S.C. 7102(8) (involuntary servitude)"
CITE_SMUGGLING = "8 U.S.C. 1324 (bringing in and harboring certain aliens: smuggling)"
CITE_DEFINITIONS = "22 U.S.C. 7102 (definitions)"


class Classification(BaseModel):
    """The decision aid's answer.

    Attributes:
        classification: One of ``sex_trafficking``, ``labor_trafficking``,
            ``sex_and_labor_trafficking``, ``smuggling_not_trafficking``,
            ``needs_more_information``, ``not_trafficking``.
        victim_is_minor: True when the person exploited is known to be under 18,
            False when known to be 18 or over, None when the age is unknown
            (never guessed).
        mandatory_report: True when a child-abuse report is required (a known
            minor, and trafficking or a suspicion of it); None when it would be
            required but the age is unknown (find out the age); False otherwise.
        rationale: Sentences explaining the answer, the role, and what is unknown.
        citations: Statutes the answer rests on.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    classification: ClassificationLabel
    victim_is_minor: bool | None
    mandatory_report: bool | None
    rationale: list[str]
    citations: list[str]


def _check_facts(
    facts: Any, label: str
) -> tuple[dict[str, bool | None], int | None, Role]:
    if not isinstance(facts, Mapping):
        raise UserInputError(
            f"{label} must be a JSON object with keys {', '.join(FACT_KEYS)}"
        )
    for key in facts:
        if key not in FACT_KEYS:
            raise UserInputError(
                f"{label}: unknown fact {key!r}; facts are {', '.join(FACT_KEYS)}"
            )
    age = facts.get("age")
    if age is not None and (
        isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130
    ):
        raise UserInputError(
            f"{label}: fact 'age' must be a whole number from 0 to 130 or null, "
            f"not {age!r}"
        )
    values: dict[str, bool | None] = {}
    for key in BOOL_FACTS:
        value = facts.get(key)
        if value is not None and not isinstance(value, bool):
            raise UserInputError(
                f"{label}: fact {key!r} must be true, false or null (unknown), "
                f"not {value!r}"
            )
        values[key] = value
    role = facts.get("role") or "person"
    if role not in ROLES:
        raise UserInputError(
            f"{label}: fact 'role' must be one of {', '.join(ROLES)} or null, "
            f"not {role!r}"
        )
    return values, age, cast(Role, role)


def _forms(f: Mapping[str, bool], minor: bool) -> tuple[bool, bool, bool]:
    """(sex trafficking, labor trafficking, smuggling) for complete facts."""
    means = any(f[k] for k in _MEANS)
    sex = f["commercial_sex_act"] and (minor or means)
    labor = f["labor_or_services"] and means and any(f[k] for k in _PURPOSES)
    smuggling = (
        not sex
        and not labor
        and f["transported_across_border"]
        and f["consented_to_transport"]
        and not f["exploited_after_arrival"]
    )
    return sex, labor, smuggling


def _label(sex: bool, labor: bool, smuggling: bool) -> ClassificationLabel:
    if sex and labor:
        return "sex_and_labor_trafficking"
    if sex:
        return "sex_trafficking"
    if labor:
        return "labor_trafficking"
    if smuggling:
        return "smuggling_not_trafficking"
    return "not_trafficking"


def _outcomes(
    values: Mapping[str, bool | None], age: int | None
) -> tuple[list[str], dict[tuple[bool, ...], tuple[bool, bool, bool]]]:
    """Try every completion of the unknown facts; ``"minor"`` stands for age."""
    unknown = [k for k in BOOL_FACTS if values[k] is None]
    if age is None:
        unknown.append("minor")
    table: dict[tuple[bool, ...], tuple[bool, bool, bool]] = {}
    for combo in product((False, True), repeat=len(unknown)):
        filled = dict(zip(unknown, combo, strict=True))
        complete = {k: filled.get(k, values[k]) for k in BOOL_FACTS}
        minor = filled["minor"] if age is None else age < 18
        table[combo] = _forms(complete, bool(minor))  # type: ignore[arg-type]
    return unknown, table


def _pivotal(
    unknown: list[str],
    table: Mapping[tuple[bool, ...], tuple[bool, bool, bool]],
    project: Any,
) -> list[str]:
    """Unknown facts whose value alone can change ``project(outcome)``."""
    names = []
    for index, name in enumerate(unknown):
        for combo, outcome in table.items():
            if combo[index]:
                continue
            flipped = (*combo[:index], True, *combo[index + 1 :])
            if project(outcome) != project(table[flipped]):
                names.append(name)
                break
    return ["age" if n == "minor" else n for n in names]


def classify(facts: Mapping[str, Any], *, label: str = "facts") -> Classification:
    """Classify a situation under 22 U.S.C. 7102.

    Args:
        facts: ``age`` (int or null), the yes/no facts in :data:`BOOL_FACTS`
            (true, false or null = unknown; a missing key is unknown) and
            ``role`` (``person``, ``buyer``, ``recruiter`` or ``other``: whom
            the question is about). ``age`` is the age of the person exploited.
        label: How to name the input in errors (a file name, say).

    Returns:
        The classification with rationale and citations; ``model_dump()`` gives
        exactly the keys ``classification``, ``victim_is_minor``,
        ``mandatory_report``, ``rationale`` and ``citations``.

    Raises:
        UserInputError: an unknown key or a value of the wrong type.
    """
    values, age, role = _check_facts(facts, label)
    minor_known = age is not None and age < 18
    unknown, table = _outcomes(values, age)
    outcomes = list(table.values())
    sex_certain = all(o[0] for o in outcomes)
    labor_certain = all(o[1] for o in outcomes)
    sex_possible = any(o[0] for o in outcomes)
    labor_possible = any(o[1] for o in outcomes)
    rationale: list[str] = []
    citations: list[str] = []

    if sex_certain or labor_certain:
        result = _label(sex_certain, labor_certain, False)
        if sex_certain:
            rationale.extend(_sex_reasons(values, age))
            citations += [CITE_SEVERE_SEX, CITE_SEX_TRAFFICKING, CITE_COMMERCIAL_SEX]
            if values["coercion"]:
                citations.append(CITE_COERCION)
        if labor_certain:
            rationale.append(
                "Labor or services were obtained through force, fraud or coercion "
                "for involuntary servitude, peonage, debt bondage or slavery: this "
                "is labor trafficking."
            )
            citations.append(CITE_SEVERE_LABOR)
            if values["debt_bondage"]:
                citations.append(CITE_DEBT_BONDAGE)
            if values["involuntary_servitude"]:
                citations.append(CITE_SERVITUDE)
        if sex_possible and not sex_certain:
            names = _pivotal(unknown, table, lambda o: o[0])
            rationale.append(
                f"Sex trafficking may also apply; it depends on: {', '.join(names)}."
            )
        if labor_possible and not labor_certain:
            names = _pivotal(unknown, table, lambda o: o[1])
            rationale.append(
                f"Labor trafficking may also apply; it depends on: {', '.join(names)}."
            )
    elif (
        sex_possible
        or labor_possible
        or (
            len({_label(*o) for o in outcomes}) > 1
            and values["transported_across_border"] is True
        )
    ):
        result = "needs_more_information"
        names = _pivotal(unknown, table, lambda o: _label(*o))
        possible = sorted({_label(*o) for o in outcomes})
        # what to ask first: the facts that decide trafficking, before those
        # that only tell smuggling from no offence
        deciding = _pivotal(unknown, table, lambda o: o[0] or o[1])
        if deciding and deciding != names:
            rationale.append(
                f"Whether it is trafficking depends on: {', '.join(deciding)}."
            )
        rationale.append(
            "The known facts do not settle it. Facts that could change the answer: "
            f"{', '.join(names)}."
        )
        rationale.append(f"Possible answers: {', '.join(possible)}.")
        citations.append(CITE_DEFINITIONS)
    else:
        smuggling = all(o[2] for o in outcomes)
        result = "smuggling_not_trafficking" if smuggling else "not_trafficking"
        if smuggling:
            rationale.append(
                "The person agreed to be transported across a border and was not "
                "exploited after arrival: smuggling centres on transportation, "
                "trafficking on exploitation. This is smuggling, not trafficking."
            )
            citations += [CITE_SMUGGLING, CITE_DEFINITIONS]
        else:
            rationale.extend(_not_trafficking_reasons(values, age))
            citations.append(CITE_DEFINITIONS)
            if values["transported_across_border"] is None:
                rationale.append(
                    "Whether the person was moved across a border is unknown; "
                    "consensual transport without exploitation would be smuggling."
                )

    rationale.extend(_role_reasons(role, result, minor_known))
    if age is None:
        rationale.append(
            "The person's age is unknown; if they are under 18, a commercial sex "
            "act is sex trafficking without force, fraud or coercion."
        )
    suspicion = any(
        values[k]
        for k in ("commercial_sex_act", *_MEANS, *_PURPOSES, "exploited_after_arrival")
    )
    reportable = result in _TRAFFICKING or (
        result == "needs_more_information"
        and (sex_possible or labor_possible)
        and suspicion
    )
    minor: bool | None = None if age is None else age < 18
    mandatory: bool | None = (None if minor is None else minor) if reportable else False
    if mandatory:
        rationale.append(
            "The person is a minor: make the child-abuse report your state requires."
        )
    elif mandatory is None:
        rationale.append(
            "Whether a child-abuse report is required is unknown until the age is "
            "known: if the person is under 18, make the report your state requires."
        )
    return Classification(
        classification=result,
        victim_is_minor=minor,
        mandatory_report=mandatory,
        rationale=rationale,
        citations=list(dict.fromkeys(citations)),
    )


def _sex_reasons(values: Mapping[str, bool | None], age: int | None) -> list[str]:
    means = [k for k in _MEANS if values[k]]
    if age is not None and age < 18:
        reasons = [
            f"The person is {age}, under 18, and a commercial sex act took place: "
            "this is sex trafficking. Force, fraud or coercion do not need to be "
            "shown; minors are automatically victims."
        ]
        if means:
            reasons.append(f"There was also {', '.join(means)}.")
        return reasons
    return [
        f"A commercial sex act was induced by {' and '.join(means)}: this is sex "
        "trafficking, whatever the person's age."
    ]


def _not_trafficking_reasons(
    values: Mapping[str, bool | None], age: int | None
) -> list[str]:
    reasons = []
    if values["commercial_sex_act"] and age is not None and age >= 18:
        reasons.append(
            "A commercial sex act by an adult without force, fraud or coercion is "
            "not trafficking under federal law."
        )
    elif values["commercial_sex_act"] is False:
        reasons.append("No commercial sex act took place.")
    if values["labor_or_services"]:
        missing = []
        if not any(values[k] for k in _MEANS):
            missing.append("force, fraud or coercion")
        if not any(values[k] for k in _PURPOSES):
            missing.append(
                "a purpose of involuntary servitude, peonage, debt bondage or slavery"
            )
        reasons.append(
            "Labor or services were provided, but without "
            f"{' and '.join(missing)}: not labor trafficking."
        )
    elif values["labor_or_services"] is False:
        reasons.append("No labor or services were obtained.")
    if values["transported_across_border"] and values["exploited_after_arrival"]:
        reasons.append(
            "Exploitation after arrival was reported, but the facts given do not "
            "meet the elements of sex or labor trafficking; check them again."
        )
    elif (
        values["transported_across_border"]
        and values["consented_to_transport"] is False
    ):
        reasons.append(
            "The person did not agree to the transport; that is not smuggling, and "
            "the facts given do not meet the elements of trafficking."
        )
    return reasons or [
        "The facts do not meet the elements of sex or labor trafficking."
    ]


def _role_reasons(role: str, result: str, minor: bool) -> list[str]:
    if role == "buyer":
        if result in {"sex_trafficking", "sex_and_labor_trafficking"} and minor:
            return [
                "The buyer of a commercial sex act from a minor is a sex trafficker: "
                "patronizing and soliciting are acts in the definition, and there is "
                "no such thing as a buyer of sex from a minor who is not a trafficker."
            ]
        if result in {"sex_trafficking", "sex_and_labor_trafficking"}:
            return [
                "Patronizing or soliciting is an act in the definition of sex "
                "trafficking; whether this buyer is liable depends on what they knew "
                "- ask counsel."
            ]
        if result == "needs_more_information":
            return [
                "Whether the buyer is a trafficker depends on the same unknown facts; "
                "if the person sold is under 18, the buyer is a sex trafficker."
            ]
        return [
            "On these facts the buyer is not a trafficker under federal law "
            "(state law may still make buying sex a crime)."
        ]
    if role == "recruiter" and result in _TRAFFICKING:
        return [
            "Recruitment is an act in the definition: the recruiter is a trafficker."
        ]
    return []
