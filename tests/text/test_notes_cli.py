"""``nowrongdoor notes scan`` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nowrongdoor.cli import app


def test_scan_plain_lines_as_json(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(
        "Her boyfriend keeps her passport.\n\nDenies anyone takes her money.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["notes", "scan", str(notes), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["id"] for d in data] == ["1", "3"]
    assert data[0]["indicators"] == ["documents"]
    assert data[0]["hits"][0]["evidence"] == "keeps her passport"
    assert "roles.control" in data[0]["hits"][0]["citations"]
    assert data[1]["hits"] == []


def test_scan_jsonl_table(tmp_path: Path) -> None:
    notes = tmp_path / "notes.jsonl"
    notes.write_text(
        json.dumps({"id": "case-7", "text": "She has to make $900 a night."}) + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["notes", "scan", str(notes)])
    assert result.exit_code == 0, result.output
    assert "1 notes, 1 with at least one indicator" in result.stdout
    assert "case-7" in result.stdout and "quota" in result.stdout


def test_bad_jsonl_line_is_one_sentence(tmp_path: Path) -> None:
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"text": "fine"}\n{"note": "no text"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["notes", "scan", str(notes)])
    assert result.exit_code != 0
    assert "line 2" in result.stderr and "'text'" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["notes", "scan", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0
    assert "does not exist" in result.stderr
