"""``nowrongdoor report ...`` through the CLI runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nowrongdoor.cli import app


def test_program_report(runner: CliRunner, care_db: Any, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = runner.invoke(
        app,
        [
            "report",
            "program",
            "--from",
            "2026-01-01",
            "--to",
            "2026-02-28",
            "--out",
            str(out),
            "--database-url",
            care_db.url,
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "program.html").is_file()
    assert (out / "tables" / "referrals_by_month_status.csv").is_file()
    assert (out / "charts" / "program_monthly.png").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--to", "2026-02-01"], "--from '2026-13-01' is not"),
        (["--from", "2026-03-01", "--to", "2026-02-01"], "ends (2026-02-01) before"),
        (
            ["--from", "2026-01-01", "--to", "2026-02-01", "--worklist", __file__],
            f"--worklist {__file__} is a file: give the folder `population score` "
            "wrote",
        ),
        (
            [
                "--from",
                "2026-01-01",
                "--to",
                "2026-02-01",
                "--database-url",
                "sqlite:////nonexistent/care.db",
            ],
            "care database /nonexistent/care.db does not exist",
        ),
        (
            [
                "--from",
                "2026-01-01",
                "--to",
                "2026-02-01",
                "--database-url",
                "nodb+nodriver://clerk:hunter2@host/care",
            ],
            "--database-url nodb+nodriver://clerk:***@host/care: no database "
            "driver 'nodb+nodriver' (NoSuchModuleError)",
        ),
    ],
)
def test_program_bad_input(
    runner: CliRunner, care_db: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    if "--database-url" not in args:
        args = [*args, "--database-url", care_db.url]
    result = runner.invoke(app, ["report", "program", *args, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_survey_report_from_synthetic_responses(
    runner: CliRunner, tmp_path: Path
) -> None:
    responses = tmp_path / "responses.ndjson"
    result = runner.invoke(
        app,
        ["synth", "survey", "--out", str(responses), "--count", "150"],
    )
    assert result.exit_code == 0, result.output
    assert len(responses.read_text().splitlines()) == 150
    out = tmp_path / "survey"
    result = runner.invoke(
        app, ["report", "survey", "--responses", str(responses), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "150 responses" in result.output
    assert (out / "survey.html").is_file()
    assert (out / "tables" / "survey_mental_health.csv").is_file()


def test_survey_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "report",
            "survey",
            "--responses",
            str(tmp_path / "none.ndjson"),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2
    assert "does not exist" in " ".join(result.output.split())


def test_survey_from_a_file_and_a_database_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Both sources (conflicting options): one sentence, not the file silently
    winning over the database."""
    responses = tmp_path / "r.ndjson"
    responses.write_text("")
    args = ["--responses", str(responses), "--database-url", "sqlite:///x.db"]
    result = runner.invoke(
        app, ["report", "survey", *args, "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2, result.output
    assert " ".join(result.output.split()) == (
        "error: give --responses FILE or --database-url URL, not both: the survey "
        "is read from one of them"
    )
    assert not (tmp_path / "o").exists()


def test_survey_from_care_database(
    runner: CliRunner, care_db: Any, tmp_path: Path
) -> None:
    """Responses stored like screenings (instrument "survivor-survey")."""
    from nowrongdoor.care import models as m
    from nowrongdoor.care.db import open_database
    from nowrongdoor.reports import SURVEY_INSTRUMENT_ID
    from nowrongdoor.synth.survey import generate_survey_responses

    db = open_database(care_db.settings)
    with db.session() as session:
        person = session.query(m.Person).first()
        for resource in generate_survey_responses(30, seed=4):
            session.add(
                m.Screening(
                    person_id=person.id,
                    instrument_id=SURVEY_INSTRUMENT_ID,
                    positive=False,
                    questionnaire_response=resource,
                    result={},
                )
            )
    db.dispose()
    out = tmp_path / "survey"
    result = runner.invoke(
        app,
        ["report", "survey", "--database-url", care_db.url, "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "from 30 responses" in result.output
    assert (out / "survey.html").is_file()
