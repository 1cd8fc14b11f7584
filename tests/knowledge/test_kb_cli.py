import json

from typer.testing import CliRunner

from nowrongdoor.cli import app


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
