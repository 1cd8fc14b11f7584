"""``nowrongdoor synth``: synthetic data generators (never real people)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from nowrongdoor._cli_support import OutDir, Seed, console

__all__ = ["app"]

app = typer.Typer(help="Generate synthetic data for demos, tests and benchmarks.")


@app.command("ads")
def ads_command(
    out: OutDir,
    operations: Annotated[
        int, typer.Option("--operations", min=0, help="Multi-ad operations.")
    ] = 50,
    seed: Seed = 0,
    singletons: Annotated[
        int | None,
        typer.Option("--singletons", min=0, help="One-off ads (default: operations)."),
    ] = None,
    missing: Annotated[
        int | None,
        typer.Option(
            "--missing", min=0, help="Planted missing persons (default: ops // 10)."
        ),
    ] = None,
    mean_ads: Annotated[
        float, typer.Option("--mean-ads", min=0.5, help="Mean ads per operation.")
    ] = 8.0,
    images: Annotated[
        bool, typer.Option("--images/--no-images", help="Write procedural images.")
    ] = True,
    hard: Annotated[
        bool,
        typer.Option(
            "--hard",
            help="Plant every failure class of ad linking (the options below).",
        ),
    ] = False,
    boilerplate: Annotated[
        int | None,
        typer.Option(min=0, help="Stock paragraphs unrelated operations copy."),
    ] = None,
    footer: Annotated[
        bool | None, typer.Option("--footer/--no-footer", help="Site footer on ads.")
    ] = None,
    free_text: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Share of free-written operations."),
    ] = None,
    stock_photos: Annotated[
        int | None, typer.Option(min=0, help="Stock photos shared by operations.")
    ] = None,
    shared_booking: Annotated[
        int | None, typer.Option(min=0, help="Booking lines shared by operations.")
    ] = None,
    burners: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Share of burner-phone operations."),
    ] = None,
) -> None:
    """Synthetic ads, operations and missing-person posters with ground truth."""
    import dataclasses

    from rich.progress import Progress

    from nowrongdoor.synth.ads import HARD, HardOptions, generate_ads

    given: dict[str, Any] = {
        "boilerplate": boilerplate,
        "footer": footer,
        "free_text": free_text,
        "stock_photos": stock_photos,
        "shared_booking": shared_booking,
        "burners": burners,
    }
    planted = dataclasses.replace(
        HARD if hard else HardOptions(),
        **{k: v for k, v in given.items() if v is not None},
    )

    with Progress(transient=True) as bar:
        task = bar.add_task("operations", total=operations)
        corpus = generate_ads(
            operations,
            seed,
            out,
            singletons=singletons,
            missing=missing,
            mean_ads=mean_ads,
            images=images,
            progress=lambda n: bar.update(task, completed=n),
            hard=planted,
        )
    typer.echo(
        f"wrote {corpus.ads} ads ({corpus.operations} operations, "
        f"{corpus.singletons} singletons), {corpus.posters} posters "
        f"({corpus.planted} planted), {corpus.images} images to {out}"
    )


@app.command("claims")
def claims_command(
    out: OutDir,
    members: Annotated[
        int, typer.Option("--members", min=1, help="Number of members.")
    ] = 2000,
    seed: Seed = 0,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="csv (wide claims.csv), parquet (wide), long (claims_long.csv + "
            "members.csv), fhir (Bulk Data NDJSON), taf (CMS T-MSIS Analytic Files "
            "layout), synpuf (CMS DE-SynPUF layout) or partitioned (wide Parquet "
            "parts in claims/, streamed in bounded memory: for 10^7-10^8 lines).",
        ),
    ] = "csv",
    chunk_members: Annotated[
        int,
        typer.Option(
            "--chunk-members",
            min=1,
            help="partitioned: members drawn and written at a time (bounds memory).",
        ),
    ] = 50_000,
) -> None:
    """Synthetic Medicaid-like claims with planted risk profiles and ground truth."""
    from rich.progress import Progress

    from nowrongdoor.errors import UserInputError
    from nowrongdoor.synth.claims import FORMATS, generate_claims

    with Progress(transient=True) as bar:
        if fmt == "partitioned":
            from nowrongdoor.synth.claims_parts import stream_claims

            task = bar.add_task("members", total=members)
            corpus = stream_claims(
                members,
                seed,
                out,
                chunk_members=chunk_members,
                progress=lambda done, lines: bar.update(
                    task, completed=done, description=f"{lines:,} claim lines"
                ),
            )
        elif fmt not in FORMATS:
            raise UserInputError(
                f"--format {fmt!r} is not one of {', '.join(FORMATS)}, partitioned"
            )
        else:
            task = bar.add_task("claims", total=None)
            corpus = generate_claims(
                members,
                seed,
                out,
                fmt=fmt,  # type: ignore[arg-type]
                progress=lambda text: bar.update(task, description=text),
            )
    planted = ", ".join(f"{k} {v}" for k, v in corpus.planted.items())
    typer.echo(
        f"wrote {corpus.members} members, {corpus.claim_lines} claim lines "
        f"({corpus.diagnoses} diagnoses; planted: {planted}) to {out}"
    )


@app.command("survey")
def survey_command(
    out: Annotated[Path, typer.Option("--out", help="NDJSON file to write.")],
    count: Annotated[
        int, typer.Option("--count", min=1, help="Number of respondents.")
    ] = 300,
    seed: Seed = 0,
) -> None:
    """Synthetic survivor-survey responses (invented; never real people)."""
    from nowrongdoor.synth.survey import write_survey_responses

    path = write_survey_responses(out, count, seed)
    console.print(f"{count} synthetic survey responses: {path}")
