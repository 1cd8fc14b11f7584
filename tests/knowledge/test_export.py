"""docs/knowledge.md is the generated Markdown export, kept in sync."""

from __future__ import annotations

import json
from pathlib import Path

from nowrongdoor.knowledge import load_knowledge
from nowrongdoor.knowledge._export import export_json, export_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "knowledge.md"


def test_docs_knowledge_md_is_up_to_date() -> None:
    expected = export_markdown(load_knowledge())
    actual = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert actual == expected, (
        "docs/knowledge.md is out of date with src/nowrongdoor/knowledge/data; "
        "regenerate it with: .venv/bin/nowrongdoor kb export --format markdown "
        "> docs/knowledge.md"
    )


def test_markdown_has_every_entry_and_source() -> None:
    kb = load_knowledge()
    text = export_markdown(kb)
    for entry in kb:
        assert f"`{entry.id}`" in text
    assert text.count("\nSource: ") == len(kb)


def test_json_round_trips_every_field() -> None:
    kb = load_knowledge()
    data = json.loads(export_json(kb))
    bottom = next(e for e in data["lexicon"]["entries"] if e["id"] == "lexicon.bottom")
    assert bottom == {
        "section": "lexicon",
        **kb.get("lexicon.bottom").model_dump(mode="json"),
    }
