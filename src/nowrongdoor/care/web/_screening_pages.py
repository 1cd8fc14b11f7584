"""Screening pages and the 22 U.S.C. 7102 decision aid (private).

Items, scoring, safety guidance and the legal rules all come from
:mod:`nowrongdoor.screening`; these pages only ask and show.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from nowrongdoor.care.web._session import PageCtx, ViewerDep, needs
from nowrongdoor.care.web._templating import Viewer, render
from nowrongdoor.care.web._work_pages import store_screening_result
from nowrongdoor.errors import UserInputError
from nowrongdoor.knowledge import load_knowledge
from nowrongdoor.screening import (
    FACT_KEYS,
    Classification,
    ScreeningResult,
    classify,
    get_instrument,
    list_instruments,
    score,
)

router = APIRouter()

ScreenDep = Annotated[PageCtx, Depends(needs("screening:write"))]

#: Plain-language questions for the decision aid, grouped into short steps.
DECISION_STEPS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "What happened",
        (
            (
                "commercial_sex_act",
                "Was there a commercial sex act?",
                "Any sex act for which anything of value was given or received: "
                "money, food, a place to stay, drugs, a phone.",
            ),
            (
                "labor_or_services",
                "Did someone obtain the person's labour or services?",
                "Work of any kind: farm, factory, restaurant, domestic work, "
                "selling, begging.",
            ),
        ),
    ),
    (
        "How",
        (
            ("force", "Was force used?", "Physical harm, confinement, assault."),
            (
                "fraud",
                "Was there fraud?",
                "False promises of a job, pay, love, papers or a better life.",
            ),
            (
                "coercion",
                "Was there coercion?",
                "Threats to the person or their family, a debt used as a hold, "
                "papers taken away, fear of being harmed if they stop.",
            ),
        ),
    ),
    (
        "For what (labour)",
        (
            (
                "involuntary_servitude",
                "Was the person made to believe they would be harmed if they "
                "stopped working?",
                "Involuntary servitude.",
            ),
            (
                "peonage",
                "Was the person made to work off a debt to the employer?",
                "Peonage.",
            ),
            (
                "debt_bondage",
                "Was the person held by a debt that never goes down?",
                "Debt bondage: the value of the work is not applied to the debt.",
            ),
            ("slavery", "Was the person held as property?", "Slavery."),
        ),
    ),
    (
        "Movement",
        (
            (
                "transported_across_border",
                "Was the person moved across a national border?",
                "",
            ),
            (
                "consented_to_transport",
                "Did the person agree to that move?",
                "",
            ),
            (
                "exploited_after_arrival",
                "Was the person exploited after arriving?",
                "Smuggling is about transport; trafficking is about exploitation.",
            ),
        ),
    ),
)

ROLE_CHOICES: tuple[tuple[str, str], ...] = (
    ("person", "the person who may be exploited"),
    ("buyer", "someone who paid for a sex act"),
    ("recruiter", "someone who recruited, moved or housed the person"),
    ("other", "someone else"),
)

CLASSIFICATION_TEXT: dict[str, str] = {
    "sex_trafficking": "Sex trafficking",
    "labor_trafficking": "Labour trafficking",
    "sex_and_labor_trafficking": "Sex and labour trafficking",
    "smuggling_not_trafficking": "Smuggling, not trafficking",
    "needs_more_information": "More information needed",
    "not_trafficking": "Not trafficking under federal law",
}

#: The decision aid's facts in words, as its questions ask them (the
#: rationale names the facts that could change the answer by their keys).
FACT_WORDS: dict[str, str] = {
    "commercial_sex_act": "a commercial sex act",
    "labor_or_services": "labour or services obtained",
    "involuntary_servitude": "involuntary servitude",
    "debt_bondage": "debt bondage",
    "transported_across_border": "moved across a national border",
    "consented_to_transport": "agreed to the move across the border",
    "exploited_after_arrival": "exploited after arriving",
}

_IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def in_words(sentence: str) -> str:
    """A sentence of the decision aid's rationale with no key left in it: an
    answer's key as the answer the page shows ("smuggling_not_trafficking" ->
    "“Smuggling, not trafficking”"), a fact's key as words (:data:`FACT_WORDS`).
    """

    def word(match: re.Match[str]) -> str:
        key = match.group(0)
        if key in CLASSIFICATION_TEXT:
            return f"“{CLASSIFICATION_TEXT[key]}”"
        return FACT_WORDS.get(key, key.replace("_", " "))

    return _IDENTIFIER.sub(word, sentence)


#: Knowledge-base entries the decision aid links to (read, never copied).
LEGAL_IDS: tuple[str, ...] = (
    "legal.sex_trafficking",
    "legal.labor_trafficking",
    "legal.severe_forms",
    "legal.minor_key_factor",
    "legal.buyer_of_minor",
    "legal.smuggling_vs_trafficking",
)


def tri_state(value: Any) -> bool | None:
    """A form's ``yes`` / ``no`` / anything else as True / False / None."""
    if value == "yes":
        return True
    if value == "no":
        return False
    return None


def parse_age(raw: Any, field: str = "age") -> int | None:
    """An optional whole-number age from a form field.

    Raises:
        UserInputError: the value is not a whole number from 0 to 130.
    """
    text = str(raw or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 130:
        raise UserInputError(
            f"field {field}: enter the age as a whole number from 0 to 130, "
            "or leave it empty if you do not know it"
        )
    return int(text)


def screening_answers(form: FormData, instrument_id: str) -> dict[str, bool | None]:
    """Answers posted by the screening form, ``{linkId: bool | None}``.

    Raises:
        UserInputError: a required item was left without an answer.
    """
    instrument = get_instrument(instrument_id)
    answers: dict[str, bool | None] = {}
    for item in instrument.items:
        raw = form.get(f"item-{item.linkId}")
        if raw is None and item.required:
            raise UserInputError(
                f"item {item.linkId}: answer “{item.text}” with yes, no or "
                "“skip this question”"
            )
        answers[item.linkId] = tri_state(raw)
    return answers


def decision_facts(form: FormData) -> dict[str, Any]:
    """The decision aid's facts from its form (unknown facts are ``None``)."""
    facts: dict[str, Any] = {"age": parse_age(form.get("age"))}
    for key in FACT_KEYS:
        if key in {"age", "role"}:
            continue
        facts[key] = tri_state(form.get(key))
    role = form.get("role")
    facts["role"] = role if role in {r for r, _ in ROLE_CHOICES} else "person"
    return facts


@router.get("/screening", name="screening_list")
def screening_list(ctx: ScreenDep) -> HTMLResponse:
    """Every screening instrument and checklist, screens first."""
    context = screening_context(ctx.request)
    return ctx.render(
        "screening_list.html",
        instruments=list_instruments(),
        context_query=context_query(context),
        **context,
    )


@router.get("/screening/{instrument_id}")
def screening_form(ctx: ScreenDep, instrument_id: str) -> HTMLResponse:
    """The screening form: the instrument's items, asked one by one."""
    return _form_page(ctx.request, ctx.viewer, instrument_id, {}, None, status_code=200)


@router.post("/screening/{instrument_id}")
async def screening_submit(ctx: ScreenDep, instrument_id: str) -> Response:
    """Score the answers, keep them on the person, show pathway and safety.

    A repeat of a form whose screening was kept (its one-time key already
    used) goes to the page that shows the screening kept the first time.
    """
    request, viewer = ctx.request, ctx.viewer
    form = await request.form()
    again = ctx.repeated(form)
    if again is not None:
        return again
    try:
        answers = screening_answers(form, instrument_id)
        age = parse_age(form.get("age"))
        result = score(
            instrument_id,
            answers,
            age=age,
            state=ctx.settings.state,
            override_population=form.get("override_population") == "yes",
        )
    except UserInputError as exc:
        given = {k: str(v) for k, v in form.items()}
        return _form_page(
            request, viewer, instrument_id, given, str(exc), status_code=422
        )
    saved = store_screening_result(ctx, form, result)
    return render(
        request,
        "screening_result.html",
        viewer,
        result=result,
        pathway_entry=_pathway_entry(result),
        **saved,
    )


def _form_page(
    request: Request,
    viewer: Viewer,
    instrument_id: str,
    given: dict[str, str],
    error: str | None,
    status_code: int,
) -> HTMLResponse:
    try:
        instrument = get_instrument(instrument_id)
    except UserInputError as exc:
        return render(
            request,
            "error.html",
            viewer,
            status_code=404,
            heading="No such screening",
            message=str(exc),
        )
    context = screening_context(request, given)
    return render(
        request,
        "screening_form.html",
        viewer,
        status_code=status_code,
        instrument=instrument,
        given=given,
        error=error,
        context_query=context_query(context),
        **context,
    )


def screening_context(
    request: Request, given: dict[str, str] | None = None
) -> dict[str, Any]:
    """The intake/person a screening is for, from the query or the form."""
    source = {**dict(request.query_params), **(given or {})}
    out: dict[str, Any] = {}
    for key in ("intake_id", "person", "case_id"):
        value = str(source.get(key) or "").strip()
        if value:
            out[key] = value
    return out


def context_query(context: dict[str, Any]) -> str:
    """The screening context as a query string (``?intake_id=..``) or ``""``."""
    if not context:
        return ""
    return "?" + urlencode(sorted(context.items()))


def _pathway_entry(result: ScreeningResult) -> Any:
    if result.recommended_pathway is None:
        return None
    kb = load_knowledge()
    wanted = "survive" if result.recommended_pathway == "survive_thrive" else "prevent"
    return kb.entries.get(f"pathways.{wanted}")


@router.get("/decision-aid", name="decision_aid")
def decision_aid(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """Is it trafficking under 22 U.S.C. 7102? A short guided form."""
    return _decision_page(request, viewer, {}, None, None, 200)


@router.post("/decision-aid")
async def decision_aid_submit(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """Classify the facts given and explain the answer with citations."""
    form = await request.form()
    given = {k: str(v) for k, v in form.items()}
    try:
        facts = decision_facts(form)
        outcome = classify(facts, label="the form")
    except UserInputError as exc:
        return _decision_page(request, viewer, given, None, str(exc), 422)
    return _decision_page(request, viewer, given, outcome, None, 200)


def _decision_page(
    request: Request,
    viewer: Viewer,
    given: dict[str, str],
    outcome: Classification | None,
    error: str | None,
    status_code: int,
) -> HTMLResponse:
    kb = load_knowledge()
    legal = [kb.entries[i] for i in LEGAL_IDS if i in kb.entries]
    return render(
        request,
        "decision_aid.html",
        viewer,
        status_code=status_code,
        steps=DECISION_STEPS,
        roles=ROLE_CHOICES,
        given=given,
        outcome=outcome,
        outcome_text=CLASSIFICATION_TEXT,
        rationale=[in_words(r) for r in outcome.rationale] if outcome else [],
        error=error,
        legal=legal,
    )
