"""Console report of a link run (private)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["print_operations"]


def _print_skipped(
    err: Console, records: list[str], images: list[dict[str, str]]
) -> None:
    """One warning line per record and per image a run passed over."""
    for line in records:
        err.print(Text.assemble(("skipped", "yellow"), f" {line}"), highlight=False)
    for img in images:
        err.print(
            Text.assemble(
                ("unreadable image skipped", "yellow"),
                f" {img['image']}: {img['reason']}",
            ),
            highlight=False,
        )


def print_operations(
    console: Console, err: Console, out: Path, summary: dict[str, Any], top: int
) -> None:
    """Print the summary, skipped records, hubs and the largest operations."""
    doc = json.loads((out / "operations.json").read_text(encoding="utf-8"))
    _print_skipped(err, summary["skipped_records"], doc["unreadable_images"])
    if summary["ads"] == 0:
        console.print(
            f"no ads in {summary['input']}; wrote empty outputs to {out}",
            highlight=False,
            markup=False,
        )
        return
    console.print(
        f"linked {summary['ads']} ads into {summary['operations']} operations "
        f"(+{summary['singletons']} single ads) with {summary['merges']} merges "
        f"{summary['merges_by_kind']}; {summary['hubs_ignored']} hub keys ignored; "
        f"{summary.get('refused_by_conflict', 0)} edges refused by conflicting "
        f"activity; outputs in {out}",
        highlight=False,
        markup=False,
    )
    for hub in doc["hubs"][:5]:
        console.print(
            f"  hub {hub['key']}: {hub['reason']}", highlight=False, markup=False
        )
    if not doc["operations"] or top <= 0:
        return
    table = Table(title="largest operations")
    for col in ("operation", "ads", "phones", "names", "route", "est. $/yr"):
        table.add_column(col)
    for p in doc["operations"][:top]:
        route = " > ".join(leg["city"] for leg in p["route"][:3])
        if len(p["route"]) > 3:
            route += f" > ... ({len(p['cities'])} cities)"
        yearly = p["revenue"].get("annualised")
        table.add_row(
            p["operation"],
            str(p["ads"]),
            str(len(p["phones"])),
            ", ".join(p["names"][:4]),
            route,
            f"{yearly:,.0f}" if yearly else "-",
        )
    console.print(table)
    for p in doc["operations"][:top]:
        for signal in p["controller_signals"][:3]:
            console.print(
                f"  {p['operation']}: {signal}", highlight=False, markup=False
            )


def print_matches(
    console: Console, err: Console, out: Path, summary: dict[str, Any], show: int
) -> None:
    """Print the match summary, problems and the best match of some posters."""
    _print_skipped(
        err,
        summary["skipped_records"],
        summary["unreadable_photos"] + summary["unreadable_ad_images"],
    )
    if summary["posters"] == 0 or summary["ads"] == 0:
        console.print(
            f"{summary['posters']} posters and {summary['ads']} ads: nothing to "
            f"match; wrote empty outputs to {out}",
            highlight=False,
            markup=False,
        )
        return
    console.print(
        f"matched {summary['posters']} posters against {summary['ads']} ads; "
        f"{summary['posters_with_candidates']} have candidates; top "
        f"{summary['top']} per poster in {out / 'matches.csv'}",
        highlight=False,
    )
    doc = json.loads((out / "matches.json").read_text(encoding="utf-8"))
    best = [m for m in doc["matches"] if m["rank"] == 1]
    best.sort(key=lambda m: -m["score"])
    for m in best[:show]:
        console.print(
            Text.assemble(
                (m["case_id"], "bold"),
                f" -> {m['ad_id']} ({m['operation']}), score "
                f"{m['score']:.1f}, p={m['probability']:.2f}; fields used: "
                f"{', '.join(m['fields_used'])}",
            ),
            highlight=False,
        )
        for f, e in m["evidence"].items():
            console.print(
                f"    {f}: {e['level']} ({e['detail']}) {e['log2_bayes_factor']:+.1f}",
                highlight=False,
                markup=False,
            )
