"""``nowrongdoor screen`` (instruments) and ``nowrongdoor classify`` (decision aid)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from nowrongdoor._cli_support import JsonFlag, console, print_json, say, settings_from
from nowrongdoor._output import write_atomic
from nowrongdoor.errors import UserInputError, read_user_text

if TYPE_CHECKING:
    from nowrongdoor.screening import Classification, Instrument, ScreeningResult

__all__ = ["app", "classify"]

app = typer.Typer(
    help="Screening instruments (FHIR Questionnaires): list, show, run.",
    no_args_is_help=True,
)

_YES = {"y", "yes"}
_NO = {"n", "no"}
_SKIP = {"s", "skip"}
_UNKNOWN = {"", "?", "u", "unknown"}
#: What an ``_ask`` parser returns for an answer it cannot take.
_AGAIN = object()

#: The instrument a command works on (``show``, ``run``).
InstrumentId = Annotated[str, typer.Argument(help="Instrument id, e.g. qyit.")]

#: Interactive classify: the question asked for each yes/no fact.
FACT_QUESTIONS: dict[str, str] = {
    "commercial_sex_act": (
        "Was a commercial sex act involved (sex for anything of value)?"
    ),
    "labor_or_services": "Was the person made to provide labor or services?",
    "force": "Was force used (physical harm, restraint, confinement)?",
    "fraud": "Was there fraud (false promises about work, pay or conditions)?",
    "coercion": (
        "Was there coercion (threats of serious harm, a scheme to make them "
        "believe they would be harmed, abuse of legal process)?"
    ),
    "involuntary_servitude": "Was the person held in involuntary servitude?",
    "peonage": "Was the person forced to work off a debt (peonage)?",
    "debt_bondage": (
        "Was there debt bondage (work pledged for a debt that never shrinks)?"
    ),
    "slavery": "Was the person held as property (slavery)?",
    "transported_across_border": "Was the person moved across a border?",
    "consented_to_transport": "Did the person agree to be moved?",
    "exploited_after_arrival": "Was the person exploited after arrival?",
}


def _read_json(path: Path, what: str) -> Any:
    text = read_user_text(path, f"{what} file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserInputError(
            f"{what} file {path} is not valid JSON (line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise UserInputError(f"{what} file {path} is JSON nested too deeply") from None


def _check_output(path: Path) -> None:
    if path.is_dir():
        raise UserInputError(f"--fhir output {path} is a directory, not a file")
    if not path.parent.exists():
        raise UserInputError(f"--fhir output folder {path.parent} does not exist")


@app.command("list")
def list_cmd(as_json: JsonFlag = False) -> None:
    """List the instruments, with cut-offs and published accuracy."""
    from rich.table import Table

    from nowrongdoor.screening import list_instruments

    infos = list_instruments()
    if as_json:
        print_json([info.model_dump(mode="json") for info in infos])
        return
    table = Table(title="Screening instruments (nowrongdoor screen show ID)")
    table.add_column("id", no_wrap=True)
    for name in ("population", "items", "positive at", "sens / spec %"):
        table.add_column(name, no_wrap=True)
    for info in infos:
        accuracy = (
            f"{_pct(info.sensitivity)} / {_pct(info.specificity)}"
            if info.validated
            else "not validated"
        )
        table.add_row(
            info.id,
            info.population,
            str(info.item_count),
            f">= {info.cutoff} yes",
            accuracy,
        )
    console.print(table)


def _pct(value: float | None) -> str:
    return "not verified" if value is None else f"{value:g}"


@app.command("show")
def show(
    instrument_id: InstrumentId,
    as_json: JsonFlag = False,
) -> None:
    """Show an instrument: items, cut-off, publication, verification, licence."""
    from nowrongdoor.screening import get_instrument

    instrument = get_instrument(instrument_id)
    if as_json:
        print_json(
            {
                "id": instrument.id,
                "title": instrument.title,
                "metadata": instrument.metadata,
                "items": [item.model_dump() for item in instrument.items],
                "questionnaire": instrument.questionnaire,
            }
        )
        return
    _render_instrument(instrument)


def _render_instrument(instrument: Instrument) -> None:
    meta = instrument.metadata
    published = instrument.rules.published
    say(f"[bold]{instrument.title}[/] ({instrument.id})")
    if not instrument.validated:
        console.print("[yellow]Not a validated instrument.[/]")
    say(
        f"Population: {meta['population']}, ages {_ages(instrument)}; "
        f"setting: {meta['setting']}"
    )
    say(f"Positive at {instrument.cutoff} or more 'yes' of {len(instrument.items)}.")
    for number, item in enumerate(instrument.items, 1):
        required = "" if item.required else " (optional)"
        say(escape(f"  {number}. [{item.linkId}] {item.text}{required}"))
    say(f"Citation: {published.citation}")
    if instrument.validated:
        say(
            f"Published sensitivity {_pct(published.sensitivity)}%, "
            f"specificity {_pct(published.specificity)}% "
            f"(n={published.n}; {published.study_population})"
        )
        derived = published.predictive_values()
        if derived is not None:
            say(
                f"Derived here (Bayes' rule) at the study prevalence "
                f"{published.prevalence:g}%: positive predictive value {derived[0]}%, "
                f"negative predictive value {derived[1]}%"
            )
    for replication in published.replications:
        say(f"Replication: {replication}")
    for check in published.verification:
        say(f"  - {check.figure}: {check.status}. {check.how}")
    say(f"Licence: {instrument.rules.licence}")


def _ages(instrument: Instrument) -> str:
    low, high = instrument.rules.ages
    if high is None:
        return f"{low}+"
    return f"{low}-{high}"


def _ask(question: str, parse: Callable[[str], Any], again: str, **prompt: Any) -> Any:
    """Ask ``question`` until ``parse`` takes the (stripped) answer; else say ``again``.

    ``parse`` returns the value, or ``_AGAIN`` for an answer it cannot take.
    """
    while True:
        value = parse(typer.prompt(question, **prompt).strip())
        if value is not _AGAIN:
            return value
        typer.echo(again)


def _yes_no(no_answer: set[str]) -> Callable[[str], Any]:
    """A parser of y/n answers: True, False, or None for the words in ``no_answer``."""
    words: dict[str, bool | None] = {
        **dict.fromkeys(_YES, True),
        **dict.fromkeys(_NO, False),
        **dict.fromkeys(no_answer, None),
    }
    return lambda answer: words.get(answer.lower(), _AGAIN)


@app.command("run")
def run(
    ctx: typer.Context,
    instrument_id: InstrumentId,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help=(
                "JSON file: {linkId: true/false/null} or a FHIR "
                "QuestionnaireResponse. Without it, asks item by item."
            ),
        ),
    ] = None,
    as_json: JsonFlag = False,
    fhir: Annotated[
        Path | None,
        typer.Option(
            "--fhir",
            help="Write a FHIR R4B Bundle (QuestionnaireResponse, RiskAssessment, "
            "Flag when positive) to this file.",
        ),
    ] = None,
    age: Annotated[
        int | None,
        typer.Option("--age", min=0, max=130, help="The person's age, if known."),
    ] = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state", help="US state for reporting contacts (default: settings)."
        ),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option("--subject", help="FHIR subject reference, e.g. Patient/123."),
    ] = None,
    override_population: Annotated[
        bool,
        typer.Option(
            "--override-population",
            help="Run the instrument although --age lies outside the ages it was "
            "validated (or written) for; the result is marked 'outside the "
            "validated population'.",
        ),
    ] = False,
) -> None:
    """Score an instrument from an answers file, or ask item by item."""
    from nowrongdoor.screening import get_instrument
    from nowrongdoor.screening._engine import check_population, score_instrument

    settings = settings_from(ctx)
    instrument = get_instrument(instrument_id)
    if fhir is not None:
        _check_output(fhir)
    # refuse an age outside the population before asking anything
    check_population(instrument, age, override_population=override_population)
    if answers is not None:
        given = _read_json(answers, "answers")
        label = f"answers file {answers}"
    else:
        if not instrument.validated:
            console.print("[yellow]Not a validated instrument.[/]")
        typer.echo(f"{instrument.title}: answer y, n or skip.")
        total = len(instrument.items)
        given = {
            item.linkId: _ask(
                f"[{number}/{total}] {item.text} (y/n/skip)",
                _yes_no(_SKIP),
                "Please answer y, n or skip.",
            )
            for number, item in enumerate(instrument.items, 1)
        }
        label = "answers"
    result = score_instrument(
        instrument,
        given,
        age=age,
        state=state or settings.state,
        label=label,
        override_population=override_population,
    )
    bundle = result.to_fhir(subject) if fhir is not None else None
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        _render_result(result)
    if fhir is not None and bundle is not None:
        # a person's screening: readable by its owner only
        write_atomic(
            fhir,
            json.dumps(bundle, indent=2, ensure_ascii=False) + "\n",
            private=True,
        )
        if not as_json:
            say(f"FHIR bundle written to {fhir}")


def _render_result(result: ScreeningResult) -> None:
    colour = {"positive": "red", "negative": "green", "incomplete": "yellow"}[
        result.category
    ]
    say(
        f"[bold]{result.instrument_title}[/]: [bold {colour}]{result.category}[/] "
        f"({result.score} of {result.max_score} yes; positive at {result.cutoff})"
    )
    say(result.interpretation)
    if result.outside_validated_population:
        say(
            f"[bold yellow]Outside the validated population:[/] "
            f"{escape(result.population_note or '')}"
        )
    if not result.validated:
        console.print("[yellow]Not a validated instrument.[/]")
    if result.fired_items:
        say(f"Yes: {', '.join(result.fired_items)}")
    if result.skipped_items:
        say(f"Skipped: {', '.join(result.skipped_items)}")
    if result.recommended_pathway:
        pathway = result.recommended_pathway.replace("_", "/").title()
        say(f"Recommended pathway: {pathway}")
    for action in result.actions:
        say(f"  - {action}")
    if result.safety is not None:
        _render_safety(result)


def _render_safety(result: ScreeningResult) -> None:
    safety = result.safety
    assert safety is not None
    console.print("[bold]Safety[/]")
    say(f"  {safety.guidance}")
    hotline = safety.hotline
    reach = ", ".join(
        part
        for part in (
            f"call {hotline.phone}" if hotline.phone else "",
            f"text {hotline.sms}" if hotline.sms else "",
            hotline.url or "",
        )
        if part
    )
    say(f"  {hotline.name}: {reach}")
    flag = "[bold red]REQUIRED[/]" if safety.mandatory_report else "not triggered"
    console.print(f"  Mandatory child-abuse report: {flag}")
    say(f"  {safety.note}")
    for contact in safety.reporting_contacts:
        hours = f" ({contact.hours})" if contact.hours else ""
        say(f"  {contact.name}: {contact.phone}{hours}")
    if safety.reporting_source:
        say(f"  Source: {safety.reporting_source}")


def _age(answer: str) -> int | None | object:
    if answer.lower() in _UNKNOWN:
        return None
    if answer.isdigit() and int(answer) <= 130:
        return int(answer)
    return _AGAIN


_ROLES = ("person", "buyer", "recruiter", "other")


def classify(
    facts: Annotated[
        Path | None,
        typer.Option(
            "--facts",
            help="JSON facts file (see docs/screening.md). Without it, asks "
            "question by question.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Is it trafficking under 22 U.S.C. 7102? A decision aid, not legal advice."""
    from nowrongdoor.screening import classify as classify_facts

    if facts is not None:
        raw = _read_json(facts, "facts")
        result = classify_facts(raw, label=f"facts file {facts}")
    else:
        unknown = {"default": "?", "show_default": False}
        asked: dict[str, Any] = {
            "age": _ask(
                "Age of the person exploited (a number, or ? if unknown)",
                _age,
                "Please give a whole number from 0 to 130, or ?.",
                **unknown,
            )
        }
        for key, question in FACT_QUESTIONS.items():
            asked[key] = _ask(
                f"{question} (y/n/?)",
                _yes_no(_UNKNOWN),
                "Please answer y, n or ? (unknown).",
                **unknown,
            )
        asked["role"] = _ask(
            "Whom is the question about: person (the one exploited), buyer, "
            "recruiter or other?",
            lambda answer: answer.lower() if answer.lower() in _ROLES else _AGAIN,
            f"Please answer one of: {', '.join(_ROLES)}.",
            default="person",
        )
        result = classify_facts(asked)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    _render_classification(result)


def _render_classification(result: Classification) -> None:
    say(f"[bold]{result.classification.replace('_', ' ')}[/]")
    minor = {True: "yes", False: "no", None: "unknown"}[result.victim_is_minor]
    report = {
        True: "[bold red]REQUIRED[/]",
        False: "no",
        None: "[bold yellow]unknown until the age is known[/]",
    }[result.mandatory_report]
    say(f"Victim is a minor: {minor}; mandatory child-abuse report: {report}")
    for reason in result.rationale:
        say(f"  - {reason}")
    say(f"Citations: {'; '.join(result.citations)}")
    console.print("A decision aid, not legal advice.", style="dim")
