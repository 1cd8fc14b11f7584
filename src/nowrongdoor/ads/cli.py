"""``nowrongdoor ads``: scan, evaluate, link and match online ads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nowrongdoor._cli_support import JsonFlag, OutDir, say

__all__ = ["app"]

app = typer.Typer(help="Online ads: extraction, indicators, operations, matching.")

#: ``--images``: where the ads' relative picture paths point (link, explain-link).
InputImages = Annotated[
    Path | None,
    typer.Option(help="Directory image paths resolve against (default: input's)."),
]


# --- scan / evaluate (extraction) -------------------------------------------


@app.command("scan")
def scan_command(
    ctx: typer.Context,
    input_path: Annotated[
        Path, typer.Argument(help="JSONL or CSV of ads, or a folder of HTML pages.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Output file.")],
    workers: Annotated[
        str, typer.Option(help="Worker processes, or 'auto' (one per CPU core).")
    ] = "auto",
    fmt: Annotated[
        str, typer.Option("--format", help="Output format: jsonl or parquet.")
    ] = "jsonl",
    profile: Annotated[
        Path | None, typer.Option(help="Site-profile TOML for an HTML folder.")
    ] = None,
    top: Annotated[int, typer.Option(help="Show this many highest-scoring ads.")] = 5,
) -> None:
    """Extract contacts, ages, rates, places and indicators from every ad."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from nowrongdoor._cli_support import err_console, settings_from
    from nowrongdoor.ads._extract import explain
    from nowrongdoor.ads._scan import resolve_workers, scan

    settings = settings_from(ctx)
    processes = resolve_workers(workers)
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("scanning ads", total=None)
        summary = scan(
            input_path,
            out,
            workers=processes,
            fmt=fmt,  # type: ignore[arg-type]
            on_progress=lambda done: progress.update(task, completed=done),
            profile=profile,
            max_chars=settings.ads_max_chars,
            top=top,
        )
    for bad in summary.bad:
        say(f"[yellow]skipped[/] {bad}", err=True)
    say(
        f"scanned {summary.read} ads, wrote {summary.written} records to {out}; "
        f"skipped {len(summary.bad)} bad records"
    )
    for record in summary.top:
        if record["score"] <= 0:
            continue
        say(f"\n[bold]{record['id']}[/]")
        say(explain(record), markup=False)


@app.command("evaluate")
def evaluate_command(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL: {id, text, gold: {...}}.")],
    as_json: JsonFlag = False,
    errors: Annotated[int, typer.Option(help="Also print this many misses.")] = 0,
) -> None:
    """Precision, recall and F1 per field and per indicator on a gold file."""
    from rich.table import Table

    from nowrongdoor._cli_support import console, print_json
    from nowrongdoor.ads._evaluate import CLASSES, evaluate

    report = evaluate(gold, keep_errors=errors)
    if as_json:
        data = report.as_dict()
        if errors:
            data["errors"] = report.errors
        print_json(data)
        return
    table = Table(title=f"{report.ads} ads in {gold}")
    for column in ("field", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(column, justify="left" if column == "field" else "right")
    rows = list(report.fields.items()) + [
        (f"indicator:{k}", v) for k, v in sorted(report.indicators.items())
    ]
    for name, c in rows:
        table.add_row(
            name,
            f"{c.precision:.3f}",
            f"{c.recall:.3f}",
            f"{c.f1:.3f}",
            str(c.tp),
            str(c.fp),
            str(c.fn),
        )
    console.print(table)
    if report.phone_ads:
        say(
            f"phones exactly right on {report.phone_exact} of {report.phone_ads} ads "
            f"with a phone ({report.phone_exact_share:.1%}); invented numbers: "
            f"{report.fields['phones'].fp}"
        )
    if report.confusion:
        classes = Table(title="class confusion (rows: gold, columns: predicted)")
        classes.add_column("gold")
        for name in CLASSES:
            classes.add_column(name, justify="right")
        for gold_class in CLASSES:
            row = report.confusion.get(gold_class)
            if row:
                classes.add_row(gold_class, *(str(row[c]) for c in CLASSES))
        console.print(classes)
        rank = report.rank_order
        if rank is not None:
            say(
                f"rank order: {rank:.3f} of (risky, benign) pairs have the risky ad "
                "scoring higher"
            )
    for gold_kind, row in sorted(report.kind_confusion.items()):
        spread = ", ".join(
            f"{k} {n}" for k, n in sorted(row.items(), key=lambda x: -x[1])
        )
        say(f"gold kind {gold_kind} ({sum(row.values())} ads) read as: {spread}")
    say(
        f"benign ads scoring >= 0.5: {report.benign_high} of {report.benign}; "
        f"bad records: {len(report.bad)}"
    )
    for err in report.errors:
        say(err, markup=False)


# --- link / match (operations, missing-person posters) ----------------------


@app.command("link")
def link_command(
    ctx: typer.Context,
    input_path: Annotated[
        Path, typer.Argument(help="JSONL of scanned or raw ads (raw: scanned now).")
    ],
    out: OutDir,
    images: InputImages = None,
    graph: Annotated[
        bool, typer.Option("--graph/--no-graph", help="Write graph.graphml.")
    ] = True,
    top: Annotated[int, typer.Option(help="Show this many largest operations.")] = 5,
    engine: Annotated[
        str | None,
        typer.Option(help="duckdb (in process) or spark; default: engine setting."),
    ] = None,
) -> None:
    """Link ads into operations: operations.csv/json, edges.csv, graph.graphml."""
    from nowrongdoor._cli_support import (
        console,
        err_console,
        settings_from,
        stage_spinner,
    )
    from nowrongdoor.ads import link_file
    from nowrongdoor.ads.link._report import print_operations
    from nowrongdoor.errors import UserInputError

    settings = settings_from(ctx)
    chosen = engine or settings.engine
    if chosen not in ("duckdb", "spark"):
        raise UserInputError(f"--engine {chosen!r}: use duckdb or spark")

    with stage_spinner("linking") as progress:
        summary = link_file(
            input_path,
            out,
            image_root=images,
            graph=graph,
            progress=progress,
            engine=chosen,
            spark_master=settings.spark_master,
            spark_driver_host=settings.spark_driver_host,
        )
    print_operations(console, err_console, out, summary, top)


@app.command("explain-link")
def explain_link_command(
    input_path: Annotated[
        Path, typer.Argument(help="JSONL of scanned or raw ads, as for `ads link`.")
    ],
    ad_a: Annotated[str, typer.Argument(help="One ad id.")],
    ad_b: Annotated[str, typer.Argument(help="The other ad id.")],
    images: InputImages = None,
) -> None:
    """Say why two ads are, or are not, in one operation (evidence and weights)."""
    from nowrongdoor.ads import explain_file

    for line in explain_file(input_path, ad_a, ad_b, image_root=images):
        say(line, markup=False)


@app.command("match")
def match_command(
    posters: Annotated[
        Path, typer.Option("--posters", help="Missing-person posters, JSONL or CSV.")
    ],
    ads: Annotated[Path, typer.Option("--ads", help="Scanned or raw ads, JSONL.")],
    out: OutDir,
    top: Annotated[int, typer.Option("--top", help="Ads kept per poster.")] = 10,
    operations: Annotated[
        Path | None,
        typer.Option(help="operations.csv from `ads link` (default: link now)."),
    ] = None,
    images: Annotated[
        Path | None,
        typer.Option(help="Directory image paths resolve against (default: ads')."),
    ] = None,
    show: Annotated[int, typer.Option(help="Print the best match of N posters.")] = 5,
) -> None:
    """Rank ads for each missing-person poster: matches.csv with evidence."""
    from nowrongdoor._cli_support import console, err_console, stage_spinner
    from nowrongdoor.ads import match_files
    from nowrongdoor.ads.link._report import print_matches

    with stage_spinner("matching") as progress:
        summary = match_files(
            posters,
            ads,
            out,
            top=top,
            operations=operations,
            image_root=images,
            progress=progress,
        )
    print_matches(console, err_console, out, summary, show)
