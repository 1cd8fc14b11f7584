"""The `ads scan` and `ads evaluate` commands, through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nowrongdoor.cli import app


def test_scan_command(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "ads.jsonl"
    src.write_text(
        json.dumps({"id": "a1", "text": "NO cops, I'm 16, call 903 312 1887"})
        + "\n{broken\n"
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["ads", "scan", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "scanned 1 ads" in result.stdout
    assert "skipped 1 bad records" in result.stdout
    assert "youth (0.95)" in result.stdout  # the top ads with their evidence
    assert json.loads(out.read_text())["ages"] == [16]


def test_scan_missing_input_is_one_sentence(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ads", "scan", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert "Traceback" not in result.output


def test_scan_bad_format(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "ads.jsonl"
    src.write_text(json.dumps({"text": "hi"}) + "\n")
    result = runner.invoke(
        app, ["ads", "scan", str(src), "--out", str(tmp_path / "o"), "--format", "xml"]
    )
    assert result.exit_code == 2
    assert "unknown output format" in result.output


def test_evaluate_command(runner: CliRunner, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "g1",
                "text": "I'm 17, call 903 312 1887, 80hh",
                "gold": {
                    "phones": ["+19033121887"],
                    "ages": [16],
                    "rates": [{"amount": 80, "minutes": 30}],
                    "indicators": [{"code": "youth"}],
                },
            }
        )
        + "\n"
    )
    result = runner.invoke(app, ["ads", "evaluate", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["fields"]["phones"]["f1"] == 1.0
    assert report["fields"]["ages"] == {
        "tp": 0,
        "fp": 1,
        "fn": 1,
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
    }
    assert report["fields"]["rates"]["f1"] == 1.0
    assert report["indicators"]["youth"]["f1"] == 1.0
    table = runner.invoke(app, ["ads", "evaluate", str(gold)])
    assert "phones" in table.stdout and "indicator:youth" in table.stdout


def test_evaluate_needs_gold(runner: CliRunner, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "text": "hello"}) + "\n")
    result = runner.invoke(app, ["ads", "evaluate", str(gold)])
    assert result.exit_code == 2
    assert "no 'gold' object" in result.output


def test_evaluate_gold_of_the_wrong_shape_names_record_and_field(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Gold fields of the wrong type are one sentence, exit 2, no TypeError."""
    gold = tmp_path / "gold.jsonl"
    cases = [
        ({"phones": 5}, "gold 'phones' must be a list of values, not 5."),
        ({"ages": ["x"]}, "gold 'ages' must be a list of whole numbers, not ['x']."),
        (
            {"indicators": [{"x": 1}]},
            "gold 'indicators' must be a list of objects with a 'code', not "
            "[{'x': 1}].",
        ),
    ]
    for labels, said in cases:
        gold.write_text(json.dumps({"id": "g1", "text": "hi", "gold": labels}) + "\n")
        result = runner.invoke(app, ["ads", "evaluate", str(gold)])
        assert result.exit_code == 2, result.output
        assert " ".join(result.output.split()) == f"error: {gold}:1: {said}"


def test_scan_html_folder_with_profile_to_parquet(
    runner: CliRunner, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "p1.html").write_text(
        "<html><body><h1>New in town - 19</h1>"
        "<div id='body'>call nine0three 3l2 one8eight7, 80hh</div></body></html>"
    )
    (pages / "p2.html").write_text("<html><body><h1>no body</h1></body></html>")
    profile = tmp_path / "profile.toml"
    profile.write_text('[fields]\ntext = "#body"\ntitle = "h1"\n')
    out = tmp_path / "out.parquet"
    result = runner.invoke(
        app,
        [
            "ads",
            "scan",
            str(pages),
            "--out",
            str(out),
            "--profile",
            str(profile),
            "--format",
            "parquet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "skipped 1 bad records" in result.stdout
    [row] = pq.read_table(out).to_pylist()
    assert row["id"] == "p1"
    assert row["phones"] == ["+19033121887"]
    assert row["ages"] == [19]
    assert {i["code"] for i in row["indicators"]} >= {"movement", "age_18_19"}
