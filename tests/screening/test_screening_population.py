"""Instruments know the population they were validated (or written) for.

Running one outside it needs an explicit override and marks the result; the
guidance never contradicts the safety block about a child-abuse report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from nowrongdoor.cli import app
from nowrongdoor.errors import UserInputError
from nowrongdoor.screening import get_instrument, list_instruments, score

INSTRUMENTS = [info.id for info in list_instruments()]

#: One age inside and one outside each instrument's declared ages.
AGES = {
    "cst6": (15, 30),
    "qyit": (20, 15),
    "raft": (35, 16),
    "minor-indicators": (12, 40),
    "adult-indicators": (40, 12),
}


def _answers(instrument_id: str, value: bool) -> dict[str, Any]:
    return {i.linkId: value for i in get_instrument(instrument_id).items}


def test_every_instrument_declares_its_ages() -> None:
    assert set(AGES) == set(INSTRUMENTS)
    for instrument_id in INSTRUMENTS:
        low, high = get_instrument(instrument_id).rules.ages
        assert low is not None
        inside, outside = AGES[instrument_id]
        assert low <= inside <= (high if high is not None else 130)
        assert outside < low or (high is not None and outside > high)


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_outside_the_population_needs_the_override(instrument_id: str) -> None:
    _, outside = AGES[instrument_id]
    with pytest.raises(UserInputError, match="outside the validated population"):
        score(instrument_id, _answers(instrument_id, True), age=outside)


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_overridden_results_are_marked(instrument_id: str) -> None:
    _, outside = AGES[instrument_id]
    result = score(
        instrument_id,
        _answers(instrument_id, True),
        age=outside,
        override_population=True,
    )
    assert result.outside_validated_population is True
    assert result.population_note and str(outside) in result.population_note
    assert "outside the validated population" in result.interpretation
    assert result.actions[0].startswith("Outside the validated population")
    bundle = result.to_fhir()
    risk = bundle["entry"][1]["resource"]
    assert "outside the validated population" in risk["method"]["text"]


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_inside_the_population_is_not_marked(instrument_id: str) -> None:
    inside, _ = AGES[instrument_id]
    result = score(instrument_id, _answers(instrument_id, True), age=inside)
    assert result.outside_validated_population is False
    assert result.population_note is None
    unknown = score(instrument_id, _answers(instrument_id, True))
    assert unknown.outside_validated_population is None


_REPORT_NOW = "Make the child-abuse report"


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
@pytest.mark.parametrize("answer", [True, False])
@pytest.mark.parametrize("age", [None, 8, 13, 16, 17, 18, 19, 21, 30, 70])
def test_guidance_never_contradicts_the_safety_block(
    instrument_id: str, answer: bool, age: int | None
) -> None:
    result = score(
        instrument_id,
        _answers(instrument_id, answer),
        age=age,
        override_population=True,
    )
    text = " ".join(result.actions)
    mandatory = result.safety is not None and result.safety.mandatory_report
    assert (_REPORT_NOW in text) is mandatory, (text, result.safety)
    if not result.minor:
        assert "child-abuse report" not in text and "report" not in text.lower()
        assert "minor in a commercial sex act" not in text
        if result.safety is not None:
            assert "No child-abuse report applies" in result.safety.note


def test_shipped_actions_leave_reporting_to_the_safety_block() -> None:
    root = Path(__file__).resolve().parents[2] / "src" / "nowrongdoor" / "screening"
    for path in (root / "data" / "instruments").glob("*.scoring.yaml"):
        actions = yaml.safe_load(path.read_text(encoding="utf-8"))["actions"]
        for line in (a for group in actions.values() for a in group):
            assert "report" not in line.lower(), (path.name, line)


def test_cst6_partner_item_states_its_threshold() -> None:
    cst6 = get_instrument("cst6")
    text = cst6.item("many-partners").text
    assert "published threshold" not in text
    assert "five" in text and "locally defined" in text
    checks = {v.figure: v for v in cst6.rules.published.verification}
    partner = next(v for f, v in checks.items() if "partner-count" in f)
    assert partner.status == "locally defined"


def test_cli_cst6_for_an_adult(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"NOWRONGDOOR_DATA_DIR": str(tmp_path / "data")}
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(_answers("cst6", True)), encoding="utf-8")
    args = ["screen", "run", "cst6", "--answers", str(answers), "--age", "30"]
    refused = runner.invoke(app, args, env=env)
    assert refused.exit_code != 0
    message = " ".join(refused.stderr.split())
    assert "outside the validated population" in message and "raft" in message
    assert "Traceback" not in refused.output
    ran = runner.invoke(app, [*args, "--override-population", "--json"], env=env)
    assert ran.exit_code == 0, ran.output
    data = json.loads(ran.stdout)
    assert data["outside_validated_population"] is True
    assert not data["safety"]["mandatory_report"]
    assert not any("report" in a.lower() for a in data["actions"])
    shown = runner.invoke(app, [*args, "--override-population"], env=env)
    assert "Outside the validated population" in shown.stdout


def test_cli_refuses_before_asking_any_question(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"NOWRONGDOOR_DATA_DIR": str(tmp_path / "data")}
    result = runner.invoke(
        app, ["screen", "run", "qyit", "--age", "15"], input="y\n" * 4, env=env
    )
    assert result.exit_code != 0
    assert "outside the validated population" in " ".join(result.stderr.split())
    assert "[1/" not in result.stdout  # no item was asked
