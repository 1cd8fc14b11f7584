"""``nowrongdoor population``: score claims or FHIR data into a risk worklist."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nowrongdoor._cli_support import JsonFlag, OutDir, console, settings_from
from nowrongdoor.errors import UserInputError, read_user_text

if TYPE_CHECKING:
    from nowrongdoor.population._maps import ColumnMap

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
    out: OutDir,
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
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="A column-map TOML: your column names, date patterns and code "
            "format (default: [population.map] in the settings, else our layout).",
        ),
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            help="A built-in layout: taf (CMS T-MSIS Analytic Files) or synpuf "
            "(CMS DE-SynPUF).",
        ),
    ] = None,
    output: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            help="Write only this output file (repeatable): worklist.parquet, "
            "worklist.csv, risk_assessments.ndjson, rejects.csv. summary.json is "
            "always written. Default: every file.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Score every member and write worklist, RiskAssessments, summary and rejects."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    from nowrongdoor.population._backends import connect
    from nowrongdoor.population._model import load_scoring_model
    from nowrongdoor.population._outputs import OUTPUT_FILES
    from nowrongdoor.population._pipeline import STEPS, score_population

    settings = settings_from(ctx)
    name = engine or settings.engine
    if name not in ("duckdb", "spark"):
        raise UserInputError(f"--engine {name!r} is not duckdb or spark")
    reference = _parse_date(as_of)
    model = load_scoring_model(model_file)
    column_map = _column_map(map_file, preset, settings.population.map)
    options = settings.population
    backend = connect(
        name,  # type: ignore[arg-type]
        spark_master=settings.spark_master,
        spark_driver_host=settings.spark_driver_host,
        memory_limit=options.memory_limit,
        threads=options.threads,
        temp_dir=options.temp_dir,
    )
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
                column_map=column_map,
                outputs=tuple(output) if output else OUTPUT_FILES,
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
    alarm = result.summary["rejects_with_trafficking_code"]
    if alarm["total"]:
        checks = ", ".join(f"{c} {n}" for c, n in alarm["by_check"].items())
        one = alarm["total"] == 1
        rows = "row carries" if one else "rows carry"
        console.print(
            f"{alarm['total']} rejected claim {rows} a trafficking code "
            f"({checks}); "
            + (
                f"see {result.out_dir / 'rejects.csv'} and follow "
                + ("it" if one else "them")
                + " up"
                if not output or "rejects.csv" in output
                else "run again with --output rejects.csv to see which"
            ),
            highlight=False,
        )
    forms = result.summary["rejects_with_date_in_another_form"]
    if forms:
        console.print(
            f"{forms} rejected {'row holds' if forms == 1 else 'rows hold'} a date "
            "written in a form the run was not told about (day first, month first, "
            "two-digit year, Excel serial number ...); "
            + ("its reason in " if forms == 1 else "their reasons in ")
            + f"{result.out_dir / 'rejects.csv'} "
            + ("says" if forms == 1 else "say")
            + " which and what to do "
            "(`nowrongdoor population inspect FILE` proposes a map)",
            highlight=False,
        )
    for entry in result.summary["inputs"]:
        if "delimiter" in entry:
            console.print(
                f"{entry['file']}: fields separated by {entry['delimiter']}s "
                "(not commas), read as such",
                highlight=False,
            )


def _column_map(
    map_file: Path | None, preset: str | None, from_settings: dict[str, Any] | None
) -> ColumnMap | None:
    from nowrongdoor.population._maps import load_map, load_preset, map_from_settings

    if map_file is not None and preset is not None:
        raise UserInputError("give --map or --preset, not both")
    if map_file is not None:
        return load_map(map_file)
    if preset is not None:
        return load_preset(preset)
    return map_from_settings(from_settings)


@app.command("inspect")
def inspect(
    path: Annotated[Path, typer.Argument(help="A claims or members CSV/Parquet file.")],
    rows: Annotated[
        int, typer.Option("--rows", min=1, help="Data rows to sample.")
    ] = 1000,
    toml_only: Annotated[
        bool, typer.Option("--toml", help="Print only the proposed map (TOML).")
    ] = False,
) -> None:
    """Print a file's columns and propose a column map for `population score --map`."""
    from rich.table import Table

    from nowrongdoor.population._inspect import inspect_file

    found = inspect_file(path, rows)
    if toml_only:
        typer.echo(found.map_toml(), nl=False)
        return
    role_of = {col: role for role, col in found.roles.items()}
    role_of.update({c: "dx" for c in found.dx})
    table = Table("column", "role", "sample values")
    for col in found.columns:
        sample = ", ".join(found.samples.get(col, [])[:3])
        table.add_row(col, role_of.get(col, "-"), sample or "-")
    console.print(table)
    if found.preset:
        console.print(
            f"the built-in preset [bold]{found.preset}[/] reads this file: "
            f"`population score --preset {found.preset}`",
            highlight=False,
        )
    for note in found.notes:
        console.print(f"check: {note}", highlight=False, markup=False)
    console.print("proposed map (save as map.toml, review, then --map map.toml):")
    typer.echo(found.map_toml(), nl=False)


@app.command("diff")
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier run's output directory.")],
    new: Annotated[Path, typer.Argument(help="The later run's output directory.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write every change to this CSV (importable with `care "
            "import-worklist`).",
        ),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list members whose tier is the same.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Compare two runs: new, moved up or down a tier, dropped - with reasons."""
    from rich.table import Table

    from nowrongdoor.population._diff import (
        CHANGES,
        DIFF_COLUMNS,
        diff_runs,
        write_changes,
    )

    changes = diff_runs(old, new)
    counts = {c: sum(1 for x in changes if x.change == c) for c in CHANGES}
    if out is not None:
        write_changes(out, changes)
    # A "same" row whose open tier moved is a change to whom sees the open view.
    shown = [
        c
        for c in changes
        if show_all or c.change != "same" or c.open_change not in ("", "same")
    ]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "counts": counts,
                    "changes": [
                        dict(zip(DIFF_COLUMNS, c.row(), strict=True)) for c in shown
                    ],
                },
                indent=2,
            )
        )
        return
    console.print(
        ", ".join(f"{n} {c}" for c, n in counts.items())
        + (f"; written to {out}" if out else ""),
        highlight=False,
    )
    # The open tier (without the 42 CFR Part 2 reasons), only when some shown
    # member's differs from the whole one: both are on the two worklists.
    with_open = any(
        c.open_tier and (c.open_tier, c.old_open_tier) != (c.tier, c.old_tier)
        for c in shown
    )
    heads = ["member", "change", "tier", "score"]
    table = Table(*heads, *(["open tier"] if with_open else []), "why")
    for c in shown:
        cells = [
            c.member_id,
            c.change,
            c.tier if c.old_tier == c.tier else f"{c.old_tier} -> {c.tier}",
            str(c.score) if c.old_score == c.score else f"{c.old_score} -> {c.score}",
        ]
        if with_open:
            cells.append(
                c.open_tier
                if c.old_open_tier in ("", c.open_tier)
                else f"{c.old_open_tier} -> {c.open_tier}"
            )
        table.add_row(*cells, c.why)
    console.print(table)


@app.command("explain")
def explain(
    member_id: Annotated[str, typer.Argument(help="The member id.")],
    out: Annotated[
        Path, typer.Option("--out", help="A directory written by `population score`.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Print one member's tier, score and the reasons behind them."""
    import csv
    import io

    from rich.table import Table

    path = out / "worklist.csv"
    if not path.is_file():
        raise UserInputError(
            f"{out} holds no worklist.csv; run `population score` first"
        )
    text = read_user_text(path, newline="")
    row = next(
        (
            r
            for r in csv.DictReader(io.StringIO(text, newline=""))
            if r["member_id"] == member_id
        ),
        None,
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
        f"age {row['age'] or 'unknown'}, pathway {row['pathway']}",
        highlight=False,
    )
    # The open view (the worklist's open_tier, open_score): what a viewer whom
    # no 42 CFR Part 2 consent covers is shown; said only when it differs.
    open_tier, open_score = row.get("open_tier") or "", row.get("open_score") or ""
    if open_tier and (open_tier, open_score) != (row["tier"], row["score"]):
        console.print(
            "open view (without the 42 CFR Part 2 reasons): tier "
            f"[bold]{open_tier}[/], score {open_score}",
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
    for note in dict.fromkeys(str(r["note"]) for r in reasons if r.get("note")):
        console.print(f"note: {note}", highlight=False)


@app.command("valuesets")
def valuesets(
    out: OutDir,
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
