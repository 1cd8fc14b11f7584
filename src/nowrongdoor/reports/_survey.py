"""The survivor survey: Questionnaire, responses and analysis (private).

The survey is a FHIR R4B Questionnaire shipped in ``reports/data``. Responses are
FHIR QuestionnaireResponse resources (NDJSON, a JSON array, or a Bundle), like
screenings. The analysis produces the deck's table shapes - percent reporting and
number reporting for each answer - with every count suppressed by the CMS rule
(:func:`nowrongdoor.reports.suppress`), and the deck's published figures (read
from the knowledge base, with their citation) beside the local ones.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nowrongdoor._jsonl import json_lines
from nowrongdoor._privacy import SMALL_CELL_THRESHOLD, is_small_cell
from nowrongdoor.errors import UserInputError, first_error, read_user_text
from nowrongdoor.reports._instrument import (
    AGE_FIRST_BINS,
    REPORTING_TABLES,
    SURVEY_INSTRUMENT_ID,
    SURVEY_URL,
    survey_items,
)
from nowrongdoor.reports._reference import ReferenceTable, survey_reference
from nowrongdoor.reports._suppress import CountTable, SuppressedTable, suppress

__all__ = [
    "ReportedValue",
    "ReportingRow",
    "ReportingTable",
    "SurveyAnalysis",
    "SurveyResponse",
    "analyse_survey",
    "load_survey_responses",
    "parse_survey_response",
    "survey_responses_from_care",
]


@dataclass(frozen=True)
class SurveyResponse:
    """One respondent's answers: ``{linkId: (codes...)}`` and the integer items.

    ``entered_in_error`` marks a response whose ``status`` is
    ``entered-in-error``: FHIR R4 QuestionnaireResponse.status is a modifier
    element, "because it is a status element that contains status
    entered-in-error which means that the resource should not be treated as
    valid" (https://hl7.org/fhir/R4/questionnaireresponse-definitions.html
    #QuestionnaireResponse.status). Its answers are not read and
    :func:`analyse_survey` leaves it out.
    """

    choices: dict[str, tuple[str, ...]]
    integers: dict[str, int]
    entered_in_error: bool = False


def parse_survey_response(resource: dict[str, Any], where: str) -> SurveyResponse:
    """Validate one QuestionnaireResponse and read its answers.

    Args:
        resource: The QuestionnaireResponse as JSON.
        where: Where it came from (file and line), for error messages.

    Raises:
        UserInputError: not a valid R4B QuestionnaireResponse of this survey, an
            unknown item, an answer code not in the item's options, or an
            out-of-range age.
    """
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    from pydantic import ValidationError

    if not isinstance(resource, dict) or (
        resource.get("resourceType") != "QuestionnaireResponse"
    ):
        raise UserInputError(f"{where}: not a QuestionnaireResponse resource")
    try:
        QuestionnaireResponse.model_validate(resource)
    except ValidationError as exc:
        field, message = first_error(exc)
        raise UserInputError(
            f"{where}: invalid QuestionnaireResponse field {field}: {message}"
        ) from None
    if resource.get("questionnaire") != SURVEY_URL:
        raise UserInputError(
            f"{where}: questionnaire is {resource.get('questionnaire')!r}, expected "
            f"{SURVEY_URL!r}"
        )
    if resource.get("status") == "entered-in-error":
        return SurveyResponse(choices={}, integers={}, entered_in_error=True)
    items = {item.link_id: item for item in survey_items()}
    choices: dict[str, tuple[str, ...]] = {}
    integers: dict[str, int] = {}
    for answer_item in resource.get("item", []):
        link_id = answer_item.get("linkId")
        item = items.get(link_id)
        if item is None:
            raise UserInputError(f"{where}: unknown survey item {link_id!r}")
        answers = answer_item.get("answer", [])
        if item.type == "integer":
            if not answers:  # a skipped question (item.answer is 0..*)
                continue
            values = [a.get("valueInteger") for a in answers]
            if len(values) != 1 or not isinstance(values[0], int):
                raise UserInputError(f"{where}: item {link_id} needs one valueInteger")
            if not 1 <= values[0] <= 99:
                raise UserInputError(
                    f"{where}: item {link_id} has age {values[0]}, expected 1 to 99"
                )
            integers[link_id] = values[0]
            continue
        allowed = {code for code, _ in item.options}
        codes = []
        for answer in answers:
            code = (answer.get("valueCoding") or {}).get("code")
            if code not in allowed:
                raise UserInputError(
                    f"{where}: item {link_id} has answer {code!r}, not one of "
                    f"{sorted(allowed)}"
                )
            codes.append(code)
        if not item.repeats and len(codes) > 1:
            raise UserInputError(f"{where}: item {link_id} allows one answer")
        if codes:
            choices[link_id] = tuple(dict.fromkeys(codes))
    return SurveyResponse(choices=choices, integers=integers)


def _resources_in(path: Path) -> Iterable[tuple[dict[str, Any], str]]:
    text = read_user_text(path, "survey responses file")
    stripped = text.lstrip()
    if path.suffix == ".ndjson" or (
        stripped.startswith("{") and "\n{" in stripped.rstrip()
    ):
        for number, value in json_lines(path):
            if isinstance(value, json.JSONDecodeError):
                raise UserInputError(f"{path} line {number}: not JSON ({value.msg})")
            yield value, f"{path} line {number}"
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserInputError(
            f"{path}: not JSON or NDJSON ({exc.msg} at line {exc.lineno})"
        ) from None
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        for n, entry in enumerate(data.get("entry", [])):
            yield entry.get("resource"), f"{path} entry {n}"
    elif isinstance(data, list):
        for n, resource in enumerate(data):
            yield resource, f"{path} item {n}"
    else:
        yield data, str(path)


def load_survey_responses(path: Path) -> list[SurveyResponse]:
    """Read survey responses from NDJSON, a JSON array, or a FHIR Bundle.

    Raises:
        UserInputError: the file is missing, not JSON, or a response is invalid
            (the message names the file and line or entry).
    """
    path = Path(path)
    return [parse_survey_response(res, where) for res, where in _resources_in(path)]


#: ``instrument_id`` of survey responses stored in the care database's screenings.


def survey_responses_from_care(
    session: Any,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[SurveyResponse]:
    """Survey responses stored in the care database like screenings.

    Each is a ``screening`` row with ``instrument_id`` ``"survivor-survey"``
    whose ``questionnaire_response`` holds the QuestionnaireResponse.

    Args:
        session: A SQLAlchemy session on the care database.
        start: Only responses performed on or after this day (UTC).
        end: Only responses performed on or before this day (UTC).

    Raises:
        UserInputError: a stored response is not a valid survey response (the
            message names the screening id).
    """
    from sqlalchemy import select

    from nowrongdoor.care.models import Screening

    query = select(Screening.id, Screening.questionnaire_response).where(
        Screening.instrument_id == SURVEY_INSTRUMENT_ID
    )
    if start is not None:
        query = query.where(
            Screening.performed_at
            >= dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
        )
    if end is not None:
        query = query.where(
            Screening.performed_at
            < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        )
    return [
        parse_survey_response(resource, f"screening {screening_id}")
        for screening_id, resource in session.execute(query.order_by(Screening.id))
    ]


@dataclass(frozen=True)
class ReportedValue:
    """A published count and percentage (``None`` where suppressed)."""

    number: int | None
    percent: float | None


@dataclass(frozen=True)
class ReportingRow:
    """One answer of a multiple-answer table.

    Attributes:
        code: The answer code.
        label: The answer text.
        local: One published value per column.
        reference: The deck's percentage per column, when published.
        reference_number: The deck's number reporting (first column), if any.
    """

    code: str
    label: str
    local: tuple[ReportedValue, ...]
    reference: tuple[float | None, ...]
    reference_number: int | None


@dataclass(frozen=True)
class ReportingTable:
    """A "percent reporting / number reporting" table, like the deck's.

    Attributes:
        key: Short name (file names).
        title: Caption.
        columns: Column labels (one per question).
        respondents: Respondents who answered each question (``None`` if 1-10).
        rows: One row per answer, ordered by the first column's local percent.
        reference: The knowledge-base table the deck's figures come from.
    """

    key: str
    title: str
    columns: tuple[str, ...]
    respondents: tuple[int | None, ...]
    rows: tuple[ReportingRow, ...]
    reference: ReferenceTable | None


@dataclass(frozen=True)
class SurveyAnalysis:
    """Everything the survey report shows.

    Attributes:
        respondents: Number of responses (``None`` if 1-10).
        tables: The multiple-answer tables.
        age_first: Age when first trafficked, by age band (suppressed).
        age_now: Age now, by band (suppressed).
        threshold: The suppression threshold used.
        age_now_reference: The deck's published age-band figures, if any.
        left_out: Responses left out as entered in error.
    """

    respondents: int | None
    tables: tuple[ReportingTable, ...]
    age_first: SuppressedTable
    age_now: SuppressedTable
    threshold: int
    age_now_reference: ReferenceTable | None = None
    left_out: int = 0


def _reported(count: int, n: int, threshold: int) -> ReportedValue:
    """A count of ``n`` respondents, suppressed with its complement n - count."""
    table = CountTable.build(
        "reporting", ["reporting", "not reporting"], ["n"], [[count], [n - count]]
    )
    published = suppress(table, threshold=threshold)
    number = published.cells[0][0]
    total = published.grand_total
    percent = None if number is None or not total else 100.0 * number / total
    return ReportedValue(number=number, percent=percent)


def _published_n(n: int, threshold: int) -> int | None:
    return None if is_small_cell(n, threshold) else n


def analyse_survey(
    responses: Sequence[SurveyResponse], threshold: int = SMALL_CELL_THRESHOLD
) -> SurveyAnalysis:
    """Tabulate survey responses in the deck's shapes, suppressed.

    Percent reporting = respondents choosing an answer / respondents who answered
    that question. Each count is published only if it and its complement (the
    respondents who did not choose it) are 0 or at least ``threshold``;
    percentages follow their counts.

    Args:
        responses: Parsed responses.
        threshold: Smallest count that may be shown.

    Returns:
        The analysis, ready to render.
    """
    left_out = sum(1 for r in responses if r.entered_in_error)
    responses = [r for r in responses if not r.entered_in_error]
    items = {item.link_id: item for item in survey_items()}
    reference = survey_reference()
    tables = []
    for key, title, columns in REPORTING_TABLES:
        link_ids = [link for _, link in columns]
        option_codes = items[link_ids[0]].options
        answered = [sum(1 for r in responses if link in r.choices) for link in link_ids]
        ref = reference.get(key)
        rows = []
        for code, label in option_codes:
            values = []
            for link, n in zip(link_ids, answered, strict=True):
                count = sum(1 for r in responses if code in r.choices.get(link, ()))
                values.append(_reported(count, n, threshold))
            ref_values = ref.percents(code) if ref else (None,) * len(columns)
            rows.append(
                ReportingRow(
                    code=code,
                    label=label,
                    local=tuple(values),
                    reference=ref_values,
                    reference_number=ref.number(code) if ref else None,
                )
            )
        rows.sort(key=lambda r: -(r.local[0].percent or -1.0))
        tables.append(
            ReportingTable(
                key=key,
                title=title,
                columns=tuple(label for label, _ in columns),
                respondents=tuple(_published_n(n, threshold) for n in answered),
                rows=tuple(rows),
                reference=ref,
            )
        )
    ages = [r.integers["age-first"] for r in responses if "age-first" in r.integers]
    age_first = suppress(
        CountTable.build(
            "Age when first trafficked",
            [label for label, _, _ in AGE_FIRST_BINS],
            ["Respondents"],
            [[sum(1 for a in ages if lo <= a <= hi)] for _, lo, hi in AGE_FIRST_BINS],
            row_header="Age",
        ),
        threshold=threshold,
    )
    now_item = items["age-now"]
    age_now = suppress(
        CountTable.build(
            "Age now",
            [label for _, label in now_item.options],
            ["Respondents"],
            [
                [sum(1 for r in responses if code in r.choices.get("age-now", ()))]
                for code, _ in now_item.options
            ],
            row_header="Age",
        ),
        threshold=threshold,
    )
    return SurveyAnalysis(
        respondents=_published_n(len(responses), threshold),
        tables=tuple(tables),
        age_first=age_first,
        age_now=age_now,
        threshold=threshold,
        age_now_reference=reference.get("age_now"),
        left_out=left_out,
    )
