"""``nowrongdoor care import-ads`` (registered in :mod:`nowrongdoor.care.cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nowrongdoor._cli_support import OrgOption, console, settings_from

__all__ = ["care_import_ads"]


def care_import_ads(
    ctx: typer.Context,
    scanned: Annotated[
        Path, typer.Option("--scanned", help="Scanned ads, JSONL (`ads scan` output).")
    ],
    link: Annotated[
        Path | None, typer.Option("--link", help="`ads link --out` folder.")
    ] = None,
    match: Annotated[
        Path | None, typer.Option("--match", help="`ads match --out` folder.")
    ] = None,
    ads: Annotated[
        Path | None,
        typer.Option("--ads", help="Raw ads, JSONL: text, title, dates joined by id."),
    ] = None,
    posters: Annotated[
        Path | None,
        typer.Option("--posters", help="The posters file given to `ads match`."),
    ] = None,
    images: Annotated[
        Path | None,
        typer.Option(
            "--images",
            help="Folder the ads' picture paths are relative to (default: the "
            "folder of --ads, else of --scanned).",
        ),
    ] = None,
    org: OrgOption = None,
) -> None:
    """Load scanned ads, operations, link evidence and leads for investigators."""
    from nowrongdoor.care.cli import _audit_cli, _org_id, care_session
    from nowrongdoor.care.investigate.images import ImageStore
    from nowrongdoor.care.investigate.importer import (
        AdsImport,
        import_ads,
        refresh_statistics,
    )

    job = AdsImport(
        scanned=scanned,
        link_dir=link,
        match_dir=match,
        raw_ads=ads,
        posters=posters,
        images_root=images,
    )
    settings = settings_from(ctx)
    with care_session(settings) as (db, session):
        counts = import_ads(
            session,
            cipher=db.cipher,
            organization_id=_org_id(session, org),
            job=job,
            images=ImageStore(settings.resolved_image_dir),
            keep_images=settings.investigate_store_images,
            text_days=settings.retention_ad_text_days,
        )
        _audit_cli(
            session,
            "import.ads",
            f"{counts.ads} ads, {counts.operations} operations, {counts.leads} leads",
        )
        session.commit()  # the statistics are refreshed after the import's commit
        refresh_statistics(db.engine)
    console.print(
        f"{counts.ads} ads ({counts.new_ads} new), {counts.operations} operations, "
        f"{counts.edges} link edges, {counts.leads} leads ({counts.new_leads} new, "
        f"{counts.decisions_kept} decisions kept)"
    )
    console.print(
        f"{counts.images} pictures: {counts.images_kept} kept"
        + (
            ""
            if settings.investigate_store_images
            else " (investigate_store_images is off: only perceptual hashes)"
        )
        + f", {counts.images_removed} removed, {counts.images_unreadable} not read"
        + f"; {counts.texts_past_retention} ad texts past retention not kept"
    )
