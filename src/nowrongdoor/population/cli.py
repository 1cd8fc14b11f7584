"""``nowrongdoor population``: score claims or FHIR data into a risk worklist."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from nowrongdoor._cli_support import console, settings_from
from nowrongdoor.errors import UserInputError

__all__ = ["app"]

app = typer.Typer(
    help="Explainable trafficking-risk worklist from claims and FHIR bulk data.",
    no_args_is_help=True,
)


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserInputError(
            f"--as-of {value!r} is not a date in the form YYYY-MM-DD"
        ) from None


@app.command("score")
def score(
    ctx: typer.Context,
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Claims CSV/Parquet (wide or long + members file), FHIR NDJSON, "
            "or directories of them."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Output directory.")],
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            help="duckdb (default, from settings) or spark.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Reference date YYYY-MM-DD (default: latest valid service date).",
        ),
    ] = None,
    withhold: Annotated[
        list[str] | None,
        typer.Option(
            "--withhold",
            help="Sensitivity label to withhold from person-level outputs "
            "(repeatable), e.g. 42-cfr-part-2.",
        ),
    ] = None,
    model_file: Annotated[
        Path | None,
        typer.Option(
            "--model", help="A scoring-model YAML instead of the shipped one."
        ),
    ] = None,
) -> None:
    """Score every member and write worklist, RiskAssessments, summary and rejects."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    from nowrongdoor.population._backends import connect
    from nowrongdoor.population._model import load_scoring_model
    from nowrongdoor.population._pipeline import STEPS, score_population

    settings = settings_from(ctx)
    name = engine or settings.engine
    if name not in ("duckdb", "spark"):
        raise UserInputError(f"--engine {name!r} is not duckdb or spark")
    reference = _parse_date(as_of)
    model = load_scoring_model(model_file)
    backend = connect(name)  # type: ignore[arg-type]
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("scoring", total=len(STEPS))
            seen: list[str] = []

            def advance(step: str) -> None:
                if seen:
                    bar.advance(task)
                seen.append(step)
                bar.update(task, description=step)

            result = score_population(
                inputs,
                out,
                engine=backend,
                as_of=reference,
                model=model,
                withhold=tuple(withhold or ()),
                suppression_threshold=settings.suppression_threshold,
                progress=advance,
            )
            bar.advance(task)
    finally:
        backend.close()
    tiers = result.summary["tiers"]
    console.print(
        f"as of {result.as_of}: {result.flagged} members on the worklist "
        f"(identified {tiers['identified']}, high {tiers['high']}, "
        f"elevated {tiers['elevated']}); {result.rejects} rejected rows; "
        f"written to {result.out_dir}",
        highlight=False,
    )


@app.command("explain")
def explain(
    member_id: Annotated[str, typer.Argument(help="The member id.")],
    out: Annotated[
        Path, typer.Option("--out", help="A directory written by `population score`.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print one member's tier, score and the reasons behind them."""
    import csv

    from rich.table import Table

    path = out / "worklist.csv"
    if not path.is_file():
        raise UserInputError(
            f"{out} holds no worklist.csv; run `population score` first"
        )
    with open(path, newline="", encoding="utf-8") as handle:
        row = next(
            (r for r in csv.DictReader(handle) if r["member_id"] == member_id), None
        )
    if row is None:
        raise UserInputError(
            f"member {member_id} is not on the worklist in {out} (tier none, or not "
            "in the input)"
        )
    reasons = json.loads(row["reasons"])
    if as_json:
        typer.echo(json.dumps({**row, "reasons": reasons}, indent=2))
        return
    console.print(
        f"member {member_id}: tier [bold]{row['tier']}[/], score {row['score']}, "
        f"age {row['age']}, pathway {row['pathway']}",
        highlight=False,
    )
    table = Table("indicator", "code", "date", "points", "sensitivity")
    for r in reasons:
        table.add_row(
            r["indicator"],
            r["code"] or "-",
            r["date"] or "-",
            str(r["points"]),
            r["sensitivity"],
        )
    console.print(table)


@app.command("valuesets")
def valuesets(
    out: Annotated[Path, typer.Option("--out", help="Output directory.")],
) -> None:
    """Export the value sets as FHIR R4B ValueSets plus one CSV/HTML review table."""
    from nowrongdoor.population import load_scoring_model, load_value_sets
    from nowrongdoor.population._valueset_export import export_value_sets

    files = export_value_sets(out, load_value_sets(), load_scoring_model())
    console.print(
        f"{len(files) - 2} FHIR ValueSets, valuesets.csv and valuesets.html "
        f"written to {out}",
        highlight=False,
    )
