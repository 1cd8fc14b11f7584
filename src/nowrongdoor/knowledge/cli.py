"""``nowrongdoor kb``: browse, search and export the knowledge base."""

from __future__ import annotations

import difflib
from typing import Annotated, Literal

import typer
from rich.table import Table as RichTable
from rich.text import Text

from nowrongdoor._cli_support import console, fail, print_json, say
from nowrongdoor.knowledge._export import (
    entry_details,
    entry_to_dict,
    export_json,
    export_markdown,
)
from nowrongdoor.knowledge._loader import UnknownEntryError, load_knowledge
from nowrongdoor.knowledge._models import Entry, LexiconTerm

__all__ = ["app"]

app = typer.Typer(
    help="The deck's knowledge: definitions, laws, lexicon, indicators..."
)

JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print JSON instead of a table.")
]


@app.command("list")
def list_entries(
    section: Annotated[
        str | None, typer.Argument(help="Only this section (e.g. lexicon).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """List sections, or the entries of one section."""
    kb = load_knowledge()
    if section is None:
        rows = [
            {"section": name, "title": s.title, "entries": len(s.entries)}
            for name, s in kb.sections.items()
        ]
        if as_json:
            print_json(rows)
            return
        table = RichTable("section", "title", "entries", title="Knowledge base")
        for row in rows:
            table.add_row(str(row["section"]), str(row["title"]), str(row["entries"]))
        console.print(table)
        return
    if section not in kb.sections:
        close = difflib.get_close_matches(section, list(kb.sections), n=3, cutoff=0.4)
        hint = f"closest: {', '.join(close)}" if close else "run `nowrongdoor kb list`"
        fail(f"no knowledge-base section {section!r}; {hint}", 1)
    entries = kb.section(section)
    if as_json:
        print_json([entry_to_dict(e) for e in entries])
        return
    table = RichTable("id", "title", "source", title=kb.sections[section].title)
    for entry in entries:
        table.add_row(entry.id, entry.title, entry.source)
    console.print(table)


@app.command("show")
def show(
    entry_id: Annotated[str, typer.Argument(help="Entry id, e.g. lexicon.bottom.")],
    as_json: JsonFlag = False,
) -> None:
    """Show one entry in full."""
    try:
        entry = load_knowledge().get(entry_id)
    except UnknownEntryError as exc:
        fail(str(exc), 1)
    if as_json:
        print_json(entry_to_dict(entry))
        return
    _render(entry)


@app.command("search")
def search(
    text: Annotated[str, typer.Argument(help="Words to look for.")],
    limit: Annotated[int, typer.Option(min=1, help="Most results.")] = 10,
    as_json: JsonFlag = False,
) -> None:
    """Search terms, spelling variants, titles and definitions, best first."""
    hits = load_knowledge().search(text, limit=limit)
    if as_json:
        print_json(
            [
                {"score": h.score, "matched": h.matched, **entry_to_dict(h.entry)}
                for h in hits
            ]
        )
        return
    if not hits:
        console.print(f"No entries match {text!r}.")
        raise typer.Exit(1)
    for index, hit in enumerate(hits):
        if index == 0:
            _render(hit.entry)
            if len(hits) > 1:
                console.print("\n[bold]Also:[/]")
        else:
            console.print(f"  {hit.entry.id}  [dim]{hit.entry.title}[/]")


@app.command("export")
def export(
    fmt: Annotated[
        Literal["json", "markdown"], typer.Option("--format", help="Output format.")
    ] = "json",
) -> None:
    """Print the whole knowledge base as JSON or Markdown."""
    kb = load_knowledge()
    typer.echo(export_json(kb) if fmt == "json" else export_markdown(kb), nl=False)


def _render(entry: Entry) -> None:
    say(f"[bold]{entry.title}[/]  [dim]{entry.id}[/]")
    if isinstance(entry, LexiconTerm):
        say(f"[cyan]category:[/] {entry.category}")
    say(entry.text)
    if isinstance(entry, LexiconTerm) and entry.context_note:
        say(f"[yellow]context:[/] {entry.context_note}")
    for label, value in entry_details(entry):
        if isinstance(entry, LexiconTerm) and label in {"category", "everyday word"}:
            continue
        console.print(Text.assemble((f"{label}: ", "cyan"), value))
    say(f"[dim]source: {entry.source}[/]")
