"""``nowrongdoor notes``: scan case notes for the deck's trafficking indicators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from nowrongdoor._cli_support import print_json, say
from nowrongdoor.errors import UserInputError, read_user_text

__all__ = ["app", "read_notes"]

app = typer.Typer(
    help="Scan case notes for trafficking indicators (evidence, indicator, citation).",
    no_args_is_help=True,
)


def read_notes(path: Path) -> list[tuple[str, str]]:
    """Read notes: JSONL objects with ``text`` (and ``id``), or one note per line.

    A file whose first non-blank line starts with ``{`` (or named ``.jsonl`` /
    ``.ndjson``) is JSONL; otherwise every non-blank line is a note whose id is
    its line number.

    Returns:
        (id, text) pairs in file order.

    Raises:
        UserInputError: the file is missing or unreadable, or a JSONL line is not
            an object with a ``text`` string; the message names file and line.
    """
    lines = read_user_text(path, "notes file").splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    jsonl = path.suffix.lower() in {".jsonl", ".ndjson"} or first.startswith("{")
    notes: list[tuple[str, str]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if not jsonl:
            notes.append((str(number), line))
            continue
        try:
            record: Any = json.loads(line)
        except json.JSONDecodeError:
            raise UserInputError(f"{path} line {number}: not valid JSON") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise UserInputError(
                f"{path} line {number}: needs an object with a 'text' string"
            )
        notes.append((str(record.get("id", number)), record["text"]))
    return notes


@app.command("scan")
def scan(
    file: Annotated[
        Path,
        typer.Argument(help="Notes: one per line, or JSONL with 'text' (and 'id')."),
    ],
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print one JSON object per note instead."),
    ] = False,
) -> None:
    """Find the deck's indicators in each note, with evidence and citations."""
    from nowrongdoor.text import scan_note

    notes = read_notes(file)
    results: list[dict[str, Any]] = []
    for note_id, text in notes:
        hits = scan_note(text)
        results.append(
            {
                "id": note_id,
                "indicators": sorted({h.indicator for h in hits}),
                "hits": [
                    {
                        "indicator": h.indicator,
                        "title": h.title,
                        "start": h.start,
                        "end": h.end,
                        "evidence": h.evidence,
                        "citations": list(h.citations),
                    }
                    for h in hits
                ],
            }
        )
    if as_json:
        print_json(results)
        return
    flagged = sum(1 for r in results if r["hits"])
    say(f"{len(results)} notes, {flagged} with at least one indicator.")
    for result in results:
        if not result["hits"]:
            continue
        say(f"[bold]{escape(result['id'])}[/]")
        for hit in result["hits"]:
            say(
                f"  {hit['indicator']}: {escape(repr(hit['evidence']))} "
                f"[{hit['start']}:{hit['end']}] ({', '.join(hit['citations'])})"
            )
