"""Reading ads for linking and writing the link outputs (private)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nowrongdoor._jsonl import json_lines
from nowrongdoor._output import atomic_into, atomic_open, atomic_path
from nowrongdoor.ads._ingest import BadRecord, field_text
from nowrongdoor.ads.link._core import LinkResult
from nowrongdoor.ads.link._model import COMPARISONS
from nowrongdoor.errors import UserInputError, user_file

__all__ = [
    "EDGE_COLUMNS",
    "read_records",
    "refuse_no_ads",
    "write_link_outputs",
]

#: Columns of edges.csv: the merge, then its comparison levels and match weight.
EDGE_COLUMNS = (
    "source", "target", "kind", "evidence", "weight", "operation",
    *(c.name for c in COMPARISONS), "match_weight",
)  # fmt: skip


@dataclass
class ReadReport:
    """Records skipped while reading and raw ads scanned on the fly."""

    skipped: list[BadRecord] = field(default_factory=list)
    scanned: int = 0


def refuse_no_ads(path: Path, ads: int, report: ReadReport) -> None:
    """Refuse a file that has records and not one ad among them (a CSV, a
    broken export): one sentence naming the file and its first bad record.

    Raises:
        UserInputError: ``ads`` is 0 and records were skipped.
    """
    if not ads and report.skipped:
        raise UserInputError(
            f"{path}: none of its {len(report.skipped)} records is an ad (first: "
            f"{report.skipped[0]}); ads are read as JSON Lines of scanned or raw "
            "ads; nothing written"
        )


def _extractor() -> Callable[..., dict[str, Any]]:
    try:
        from nowrongdoor import ads
    except ImportError as exc:  # pragma: no cover - the package is ours
        raise UserInputError(f"cannot load the ad extractor: {exc}") from exc
    fn = getattr(ads, "extract", None)
    if fn is None:
        raise UserInputError(
            "raw ads (records with text but no phones) need the ad extractor "
            "nowrongdoor.ads.extract, which is not available in this install"
        )
    return fn  # type: ignore[no-any-return]


def scan_if_raw(
    rec: dict[str, Any], extract: Callable[..., dict[str, Any]] | None
) -> tuple[dict[str, Any], Callable[..., dict[str, Any]] | None, bool]:
    """Run the extractor on a raw ad (text but no ``phones`` key)."""
    if "phones" in rec or not isinstance(rec.get("text"), str):
        return rec, extract, False
    fn = extract or _extractor()
    age = rec.get("poster_age")
    scanned = fn(
        rec["text"],
        title=field_text(rec.get("title")),
        city=field_text(rec.get("city")),
        state=field_text(rec.get("state")),
        poster_age=age if isinstance(age, int | str) else None,
        id=str(rec["id"]),
    )
    return {**rec, **scanned, "id": str(rec["id"])}, fn, True


def read_records(path: Path, report: ReadReport) -> Iterator[dict[str, Any]]:
    """Stream usable records from a JSONL file of scanned or raw ads.

    Broken lines, records without an ``id`` and duplicate ids are reported in
    ``report`` and skipped; raw ads are scanned on the fly.

    Raises:
        UserInputError: The file cannot be read.
    """
    user_file(path, "ads file")
    extract: Callable[..., dict[str, Any]] | None = None
    seen: set[str] = set()
    for n, rec in json_lines(path):
        if isinstance(rec, ValueError):
            report.skipped.append(BadRecord(str(path), n, f"not JSON ({rec})"))
            continue
        if not isinstance(rec, dict) or rec.get("id") in (None, ""):
            report.skipped.append(BadRecord(str(path), n, "record has no id"))
            continue
        rid = str(rec["id"])
        if rid in seen:
            report.skipped.append(BadRecord(str(path), n, f"duplicate id {rid}"))
            continue
        seen.add(rid)
        rec, extract, was_raw = scan_if_raw(rec, extract)
        report.scanned += was_raw
        yield rec


def write_link_outputs(
    result: LinkResult,
    profiles: list[dict[str, Any]],
    out_dir: Path,
    *,
    summary: dict[str, Any],
    graph: bool = True,
) -> list[Path]:
    """Write operations.csv, operations.json, edges.csv and graph.graphml.

    The files are written into a work folder inside ``out_dir`` and moved in
    together at the end, so an interrupted run never leaves a half-written
    output, nor new files beside old ones.

    Returns:
        The paths written.
    """
    with atomic_into(out_dir) as work:
        written = _write_files(result, profiles, work, summary=summary, graph=graph)
    return [out_dir / path.name for path in written]


def _write_files(
    result: LinkResult,
    profiles: list[dict[str, Any]],
    out_dir: Path,
    *,
    summary: dict[str, Any],
    graph: bool,
) -> list[Path]:
    facts, ops = result.facts, result.operation
    written: list[Path] = []
    path = out_dir / "operations.csv"
    with atomic_open(path, newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "operation"])
        w.writerows((f.id, op) for f, op in zip(facts, ops, strict=True))
    written.append(path)
    path = out_dir / "edges.csv"
    with atomic_open(path, newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(EDGE_COLUMNS)
        for m in result.merges:
            levels = [
                c.levels[lv] for c, lv in zip(COMPARISONS, m.levels, strict=True)
            ] or [""] * len(COMPARISONS)
            w.writerow(
                [facts[m.a].id, facts[m.b].id, m.kind, m.evidence, m.weight, ops[m.a]]
                + levels
                + ["" if m.match_weight is None else round(m.match_weight, 2)]
            )
    written.append(path)
    path = out_dir / "operations.json"
    doc = {
        "summary": summary,
        "hubs": [
            {"key": h.key, "ads": h.ads, "groups": h.groups, "reason": h.reason}
            for h in result.hubs
        ],
        "unreadable_images": [
            {"image": ref, "reason": why} for ref, why in result.unreadable_images
        ],
        "operations": profiles,
    }
    with atomic_open(path) as fh:
        json.dump(doc, fh, indent=1, ensure_ascii=False)
    written.append(path)
    if graph:
        path = out_dir / "graph.graphml"
        _write_graph(result, path)
        written.append(path)
    return written


def _write_graph(result: LinkResult, path: Path) -> None:
    import networkx as nx

    facts, ops = result.facts, result.operation
    in_op = {i for m in result.merges for i in (m.a, m.b)}
    g = nx.Graph()
    for i in sorted(in_op):
        f = facts[i]
        g.add_node(
            f.id, operation=ops[i], city=f.city, state=f.state, posted_at=f.posted_at
        )
    for m in result.merges:
        g.add_edge(
            facts[m.a].id,
            facts[m.b].id,
            kind=m.kind,
            evidence=m.evidence,
            weight=float(m.weight),
            match_weight=float(m.match_weight or 0.0),
        )
    with atomic_path(path) as tmp:
        nx.write_graphml(g, tmp)
