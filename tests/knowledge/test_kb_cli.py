import json

import pytest
from typer.testing import CliRunner

from nowrongdoor.cli import app
from nowrongdoor.knowledge import load_knowledge


def test_search_bottom_shows_lexicon_entry_first(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "search", "bottom", "--json"])
    assert result.exit_code == 0
    hits = json.loads(result.output)
    assert hits[0]["id"] == "lexicon.bottom"
    assert hits[0]["category"] and hits[0]["source"] and hits[0]["text"]


def test_show_unknown_id_exits_1_with_closest(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "show", "lexicon.botom"])
    assert result.exit_code == 1
    assert "lexicon.bottom" in result.output
    assert "Traceback" not in result.output


def test_list_sections(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "list", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    names = {r["section"] for r in rows}
    assert {"lexicon", "legal", "indicators", "pathways", "resources"} <= names
    assert all(r["entries"] > 0 for r in rows)


def test_list_one_section(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "list", "doors", "--json"])
    assert result.exit_code == 0
    ids = [e["id"] for e in json.loads(result.output)]
    assert "doors.returned_runaway" in ids and "doors.no_wrong_door" in ids
    table = runner.invoke(app, ["kb", "list", "doors"])
    assert table.exit_code == 0 and "doors.hospital" in table.output


def test_list_unknown_section_exits_1_with_one_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "list", "lexicn"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "lexicn" in lines[0] and "lexicon" in lines[0]


def test_show_renders_kind_specific_fields(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "show", "resources.national_hotline"])
    assert result.exit_code == 0
    assert "1-888-373-7888" in result.output and "233733" in result.output
    legal = runner.invoke(app, ["kb", "show", "legal.severe_forms", "--json"])
    data = json.loads(legal.output)
    assert data["citation"] == "22 U.S.C. 7102(11)" and data["section"] == "legal"


def test_show_unknown_id_is_one_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "show", "doors.hospitl"])
    assert result.exit_code == 1
    assert len([x for x in result.output.splitlines() if x.strip()]) == 1
    assert "doors.hospital" in result.output


def test_search_human_view_shows_lexicon_entry_first(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "search", "bottom"])
    assert result.exit_code == 0
    first = result.output.splitlines()[0]
    assert "lexicon.bottom" in first
    assert "category: role" in result.output
    assert "source: deck: Pimp Culture Language" in result.output


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("daddie", "lexicon.daddy"),
        ("gorilla", "lexicon.guerilla"),
        ("bottom girl", "lexicon.bottom"),
        ("out-of-pocket", "lexicon.out_of_pocket"),
        ("she chose up last week", "lexicon.choosing_up"),
        ("the life", "lexicon.the_life"),
        ("hotline", "resources.national_hotline"),
        ("legal.buyer_of_minor", "legal.buyer_of_minor"),
        ("CSEM", "definitions.csem"),
    ],
)
def test_search_ranks_terms_and_variants_first(
    runner: CliRunner, query: str, expected: str
) -> None:
    result = runner.invoke(app, ["kb", "search", query, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["id"] == expected


def test_search_without_hits_exits_1(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "search", "zzzz-no-such-thing"])
    assert result.exit_code == 1


def test_export_json_is_the_whole_kb(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "export", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    total = sum(len(s["entries"]) for s in data.values())
    assert total == len(load_knowledge())
    assert data["lexicon"]["entries"][0]["section"] == "lexicon"


def test_export_markdown(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "export", "--format", "markdown"])
    assert result.exit_code == 0
    assert result.output.startswith("# Knowledge base")
    assert "`lexicon.bottom`" in result.output
    assert "| Medicaid | 40.87 | 38.26 |" in result.output


def test_export_rejects_unknown_format(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "export", "--format", "pdf"])
    assert result.exit_code == 2
