"""``nowrongdoor screen`` and ``nowrongdoor classify`` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

from nowrongdoor.cli import app

QYIT_YES = {
    "unsafe-work": True,
    "afraid-to-leave": False,
    "exchanged-sex": False,
    "tricked-into-work": False,
}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"NOWRONGDOOR_DATA_DIR": str(tmp_path / "data")}


def _file(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(
        data if isinstance(data, str) else json.dumps(data), encoding="utf-8"
    )
    return path


def test_list_json(runner: CliRunner, env: dict[str, str]) -> None:
    result = runner.invoke(app, ["screen", "list", "--json"], env=env)
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["cst6"]["cutoff"] == 2
    assert rows["qyit"]["sensitivity"] == 86.7


def test_list_table(runner: CliRunner, env: dict[str, str]) -> None:
    result = runner.invoke(app, ["screen", "list"], env=env)
    assert result.exit_code == 0
    assert "qyit" in result.stdout and "not validated" in result.stdout


def test_show(runner: CliRunner, env: dict[str, str]) -> None:
    result = runner.invoke(app, ["screen", "show", "raft"], env=env)
    assert result.exit_code == 0
    assert "[afraid-to-leave]" in result.stdout
    assert "not verified here" in result.stdout
    as_json = runner.invoke(app, ["screen", "show", "raft", "--json"], env=env)
    data = json.loads(as_json.stdout)
    assert data["questionnaire"]["resourceType"] == "Questionnaire"
    assert data["metadata"]["cutoff"] == 1
    assert [i["linkId"] for i in data["items"]][0] == "unsafe-work"


def test_run_from_file_with_fhir(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    answers = _file(tmp_path, "answers.json", QYIT_YES)
    out = tmp_path / "bundle.json"
    result = runner.invoke(
        app,
        ["screen", "run", "qyit", "--answers", str(answers), "--json",
         "--fhir", str(out), "--subject", "Patient/p1"],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["positive"] and data["fired_items"] == ["unsafe-work"]
    assert data["recommended_pathway"] == "prevent"
    bundle = json.loads(out.read_text(encoding="utf-8"))
    Bundle.model_validate(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]][-1] == "Flag"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_run_from_questionnaire_response_file(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    from nowrongdoor.screening import score

    response = score("qyit", QYIT_YES).questionnaire_response()
    path = _file(tmp_path, "qr.json", response)
    result = runner.invoke(
        app, ["screen", "run", "qyit", "--answers", str(path), "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["fired_items"] == ["unsafe-work"]


def test_run_human_output_shows_safety_for_minor(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    answers = _file(
        tmp_path,
        "a.json",
        {"substance-use": True, "ran-away": True, "police-contact": False,
         "sti-history": False, "many-partners": False, "violence-history": False},
    )  # fmt: skip
    result = runner.invoke(
        app, ["screen", "run", "cst6", "--answers", str(answers)], env=env
    )
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "positive" in out
    assert "1-800-800-5556" in out and "1-888-373-7888" in out
    assert "REQUIRED" in out


def test_run_interactive(runner: CliRunner, env: dict[str, str]) -> None:
    # yes, an invalid answer (asked again) then no, skip, no
    result = runner.invoke(
        app, ["screen", "run", "qyit", "--json"], input="y\nmaybe\nn\nskip\nno\n",
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Please answer y, n or skip." in result.stdout
    payload = result.stdout[result.stdout.index("{") :]
    data = json.loads(payload)
    assert data["answers"] == {
        "unsafe-work": True,
        "afraid-to-leave": False,
        "exchanged-sex": None,
        "tricked-into-work": False,
    }
    assert data["category"] == "positive"


def test_run_interactive_human(runner: CliRunner, env: dict[str, str]) -> None:
    result = runner.invoke(
        app, ["screen", "run", "raft"], input="n\nn\nn\nn\n", env=env
    )
    assert result.exit_code == 0, result.output
    assert "negative" in result.stdout


def test_run_state_option(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    answers = _file(tmp_path, "a.json", QYIT_YES)
    result = runner.invoke(
        app,
        ["screen", "run", "qyit", "--answers", str(answers), "--age", "16",
         "--override-population", "--state", "ZZ", "--json"],
        env=env,
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert data["safety"]["state"] == "ZZ"
    assert data["safety"]["mandatory_report"]


@pytest.mark.parametrize(
    ("instrument", "content", "message"),
    [
        ("phq9", QYIT_YES, "unknown instrument 'phq9'"),
        ("qyit", {**QYIT_YES, "extra": True}, "unknown item 'extra'"),
        ("qyit", {**QYIT_YES, "unsafe-work": "y"}, "must be true, false or null"),
        ("qyit", {"unsafe-work": True}, "required item 'afraid-to-leave'"),
        ("qyit", "{not json", "is not valid JSON"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    runner: CliRunner,
    env: dict[str, str],
    tmp_path: Path,
    instrument: str,
    content: object,
    message: str,
) -> None:
    answers = _file(tmp_path, "answers.json", content)
    out = tmp_path / "bundle.json"
    before = sorted(p.name for p in tmp_path.iterdir())
    result = runner.invoke(
        app,
        ["screen", "run", instrument, "--answers", str(answers), "--fhir", str(out)],
        env=env,
    )
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    joined = " ".join(result.stderr.split())
    assert joined.startswith("error:") and joined.count("error:") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_missing_answers_file(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["screen", "run", "qyit", "--answers", str(tmp_path / "no.json")],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "does not exist" in " ".join(result.stderr.split())


def test_fhir_output_folder_must_exist(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    answers = _file(tmp_path, "a.json", QYIT_YES)
    result = runner.invoke(
        app,
        ["screen", "run", "qyit", "--answers", str(answers), "--fhir",
         str(tmp_path / "nowhere" / "b.json")],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "does not exist" in " ".join(result.stderr.split())


def test_classify_file_json(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    path = _file(tmp_path, "facts.json", {"age": 16, "commercial_sex_act": True,
                                           "force": False})  # fmt: skip
    result = runner.invoke(app, ["classify", "--facts", str(path), "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"classification", "victim_is_minor", "mandatory_report",
                         "rationale", "citations"}  # fmt: skip
    assert data["classification"] == "sex_trafficking"
    assert data["mandatory_report"] is True


def test_classify_human(runner: CliRunner, env: dict[str, str], tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "facts.json",
        {"age": 40, "transported_across_border": True, "consented_to_transport": True,
         "exploited_after_arrival": False, "commercial_sex_act": False,
         "labor_or_services": False},
    )  # fmt: skip
    result = runner.invoke(app, ["classify", "--facts", str(path)], env=env)
    assert result.exit_code == 0
    assert "smuggling not trafficking" in result.stdout
    assert "not legal advice" in result.stdout


def test_classify_interactive(runner: CliRunner, env: dict[str, str]) -> None:
    # age 16; commercial sex yes; then 11 facts unknown (blank); role buyer
    lines = ["16", "y"] + [""] * 11 + ["buyer"]
    result = runner.invoke(
        app, ["classify", "--json"], input="\n".join(lines) + "\n", env=env
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout[result.stdout.index('{\n  "classification"') :])
    assert data["classification"] == "sex_trafficking"
    assert any("buyer" in r for r in data["rationale"])


def test_classify_interactive_reasks_bad_answers(
    runner: CliRunner, env: dict[str, str]
) -> None:
    lines = ["old", "30", "perhaps", "n"] + ["n"] * 11 + ["boss", "person"]
    result = runner.invoke(app, ["classify"], input="\n".join(lines) + "\n", env=env)
    assert result.exit_code == 0, result.output
    assert "whole number" in result.stdout
    assert "Please answer y, n or ?" in result.stdout
    assert "Please answer one of" in result.stdout
    assert "not trafficking" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[[", "is not valid JSON"),
        ({"forse": True}, "unknown fact 'forse'"),
        ({"age": "sixteen"}, "fact 'age'"),
    ],
)
def test_classify_bad_input(
    runner: CliRunner,
    env: dict[str, str],
    tmp_path: Path,
    content: object,
    message: str,
) -> None:
    path = _file(tmp_path, "facts.json", content)
    result = runner.invoke(app, ["classify", "--facts", str(path)], env=env)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
