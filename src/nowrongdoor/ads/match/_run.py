"""Missing-person matching entry points (private; exported by :mod:`nowrongdoor.ads`).

:func:`match_linked` ranks candidate ads for posters against a linked result;
:func:`match_files` reads posters and ads and writes ``matches.csv`` and
``matches.json``. The method is described in :mod:`nowrongdoor.ads.match`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nowrongdoor._output import atomic_open, out_folder
from nowrongdoor.ads.link._core import LinkOptions, LinkResult, facts_of
from nowrongdoor.ads.link._io import ReadReport, read_records, refuse_no_ads
from nowrongdoor.ads.link._run import link_ads
from nowrongdoor.ads.match._core import (
    Match,
    ad_views,
    as_row,
    image_hashes_for,
    poster_hashes,
    rank_matches,
)
from nowrongdoor.ads.match._model import M_PROBABILITIES
from nowrongdoor.ads.match._posters import Poster, load_posters
from nowrongdoor.errors import UserInputError, read_user_text

__all__ = [
    "MATCH_COLUMNS",
    "Match",
    "Poster",
    "load_posters",
    "match_files",
    "match_linked",
]

MATCH_COLUMNS = (
    "case_id", "rank", "ad_id", "operation", "score", "evidence", "probability",
    "fields_used", "fields_missing",
)  # fmt: skip


def match_linked(
    posters: list[Poster],
    result: LinkResult,
    *,
    top: int = 10,
    image_root: Path | None = None,
) -> tuple[list[Match], list[tuple[str, str]]]:
    """Rank the linked ads for every poster.

    Args:
        posters: Posters from :func:`load_posters`.
        result: Linked ads (:func:`nowrongdoor.ads.link_ads`).
        top: Ads kept per poster.
        image_root: Where relative ad image paths resolve.

    Returns:
        The matches (by case, then rank) and the unreadable poster photos.
    """
    ad_hashes = image_hashes_for(result, image_root)
    photo_hashes, unreadable = poster_hashes(posters)
    views = ad_views(result, ad_hashes)

    def poster_hash(p: Poster) -> int | None:
        return photo_hashes.get(str(p.photo)) if p.photo is not None else None

    return rank_matches(posters, views, top=top, poster_hash=poster_hash), unreadable


def _operations_csv(path: Path) -> dict[str, str]:
    if path.is_dir():
        path = path / "operations.csv"
    text = read_user_text(path, "operations file", newline="")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or not {"id", "operation"} <= set(reader.fieldnames):
        raise UserInputError(f"{path}: needs the columns id and operation")
    return {row["id"]: row["operation"] for row in reader}


def match_files(
    posters_path: Path,
    ads_path: Path,
    out_dir: Path,
    *,
    top: int = 10,
    operations: Path | None = None,
    image_root: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, Any]:
    """Match a posters file against an ads file; write matches.csv and .json.

    Args:
        posters_path: Posters, JSONL or CSV.
        ads_path: Scanned or raw ads, JSONL (raw ads are scanned on the fly).
        out_dir: Output directory.
        top: Ads kept per poster.
        operations: ``operations.csv`` (or its directory) from ``ads link``;
            without it the ads are linked now.
        image_root: Where relative ad image paths resolve (default: the ads
            file's directory).
        progress: Called with ``(stage, count)``.

    Returns:
        A summary: counts, skipped records, unreadable photos, fields used.
    """
    if top < 1:
        raise UserInputError("--top must be at least 1")
    posters = load_posters(posters_path)
    root = image_root if image_root is not None else ads_path.parent
    report = ReadReport()
    if operations is not None:
        op_of = _operations_csv(operations)
        facts = [facts_of(r) for r in read_records(ads_path, report)]
        missing = [f.id for f in facts if f.id not in op_of]
        if missing:
            raise UserInputError(
                f"{operations}: no operation for {len(missing)} ads "
                f"(first: {missing[0]}); link the same ads file first"
            )
        result = LinkResult(
            facts=facts, operation=[op_of[f.id] for f in facts], merges=[], hubs=[]
        )
    else:
        result = link_ads(
            read_records(ads_path, report),
            options=LinkOptions(),
            image_root=root,
            progress=progress,
        )
    refuse_no_ads(ads_path, len(result.facts), report)
    matches, unreadable = match_linked(posters, result, top=top, image_root=root)
    out_folder(out_dir)
    with atomic_open(out_dir / "matches.csv", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=MATCH_COLUMNS, lineterminator="\n")
        w.writeheader()
        for m in matches:
            w.writerow(as_row(m))
    matched = {m.case_id for m in matches}
    summary: dict[str, Any] = {
        "posters": len(posters),
        "ads": len(result.facts),
        "posters_with_candidates": len(matched),
        "posters_without_candidates": [
            p.case_id for p in posters if p.case_id not in matched
        ],
        "skipped_records": [str(s) for s in report.skipped],
        "unreadable_photos": [{"image": r, "reason": why} for r, why in unreadable],
        "unreadable_ad_images": [
            {"image": r, "reason": why} for r, why in result.unreadable_images
        ],
        "top": top,
    }
    doc = {
        "summary": summary,
        "model": {"m": M_PROBABILITIES},
        "matches": [
            {
                **{k: v for k, v in as_row(m).items() if k != "evidence"},
                "fields_used": list(m.fields_used),
                "fields_missing": list(m.fields_missing),
                "evidence": {
                    f: {"level": lvl, "detail": d, "log2_bayes_factor": round(b, 3)}
                    for f, (lvl, d, b) in m.evidence.items()
                },
            }
            for m in matches
        ],
    }
    with atomic_open(out_dir / "matches.json") as fh:
        json.dump(doc, fh, indent=1, ensure_ascii=False)
    return summary
