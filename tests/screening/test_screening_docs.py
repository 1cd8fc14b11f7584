"""The screening docs stay honest: every instrument, command and figure appears."""

from __future__ import annotations

from pathlib import Path

from nowrongdoor.screening import FACT_KEYS, list_instruments

ROOT = Path(__file__).parents[2]


def test_screening_doc_names_every_instrument_command_and_fact() -> None:
    doc = (ROOT / "docs" / "screening.md").read_text(encoding="utf-8")
    for info in list_instruments():
        assert f"`{info.id}`" in doc, info.id
    for command in ("screen list", "screen show", "screen run", "classify --facts"):
        assert f"nowrongdoor {command}" in doc, command
    for key in FACT_KEYS:
        assert f"`{key}`" in doc, key


def test_evaluation_table_matches_instrument_metadata() -> None:
    text = (ROOT / "docs" / "evaluation.md").read_text(encoding="utf-8")
    section = text.split("## Screening instruments", 1)[1].split("\n## ", 1)[0]
    for info in list_instruments():
        if not info.validated:
            continue
        row = next(
            line for line in section.splitlines() if line.startswith(f"| `{info.id}` |")
        )
        if info.sensitivity is not None:
            assert f"{info.sensitivity:g}%" in row, (info.id, row)
        if info.specificity is not None:
            assert f"{info.specificity:g}%" in row, (info.id, row)
        else:
            assert "not verified here" in row
