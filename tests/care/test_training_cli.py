"""``nowrongdoor training``: courses, the completion report, training leads."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import select

from nowrongdoor.care import training as tr
from nowrongdoor.care.models import TrainingLead, User
from nowrongdoor.cli import app


def _env(db: Any) -> dict[str, str]:
    return {
        "NOWRONGDOOR_DATABASE_URL": db.settings.resolved_database_url,
        "NOWRONGDOOR_SECRET_KEY": db.settings.secret_key.get_secret_value(),
        "NOWRONGDOOR_ENVIRONMENT": "test",
    }


def _complete(db: Any, username: str, skip: tuple[str, ...] = ()) -> None:
    course = tr.catalogue_for(db.settings).get("awareness")
    with db.session() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        for module in course.quiz_modules:
            if module.id in skip:
                continue
            attempt = tr.start_attempt(
                session,
                user=user,
                course=course,
                module_id=module.id,
                settings=db.settings,
            )
            keys = {q.id: str(q.key) for q in tr.quiz_of(attempt).questions}
            tr.submit_attempt(
                session,
                user=user,
                attempt_id=attempt.id,
                answers=keys,
                course=course,
                settings=db.settings,
            )


def test_courses_lists_modules_in_order(runner: Any) -> None:
    result = runner.invoke(app, ["training", "courses"], env={})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "awareness" in out and "2.75 hours" in out
    assert out.index("what-it-is") < out.index("lexicon") < out.index("the-law")


def test_report_by_team_and_person(runner: Any, db: Any) -> None:
    env = _env(db)
    seeded = runner.invoke(app, ["care", "seed", "--persons", "2"], env=env)
    assert seeded.exit_code == 0, seeded.output
    _complete(db, "cm.north")
    _complete(db, "cm.north2", skip=("the-law",))
    result = runner.invoke(app, ["training", "report", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    teams = {(r["organisation"], r["team"]): r for r in json.loads(result.output)}
    north = next(r for (o, t), r in teams.items() if t == "north")
    assert (north["people"], north["current"], north["in_progress"]) == (2, 1, 1)
    assert sum(r["people"] for r in teams.values()) == 8  # every seeded user
    people = runner.invoke(
        app, ["training", "report", "--people", "--format", "csv"], env=env
    )
    rows = {r["username"]: r for r in csv.DictReader(io.StringIO(people.output))}
    assert rows["cm.north"]["status"] == "current"
    assert rows["cm.north"]["modules_passed"] == "11"
    assert rows["cm.north2"]["status"] == "in progress"
    assert rows["cm.south"]["status"] == "not started"
    table = runner.invoke(app, ["training", "report"], env=env)
    assert table.exit_code == 0 and "north" in table.output


def test_lead_and_bad_input(runner: Any, db: Any) -> None:
    env = _env(db)
    seeded = runner.invoke(app, ["care", "seed", "--persons", "2"], env=env)
    assert seeded.exit_code == 0, seeded.output
    ok = runner.invoke(app, ["training", "lead", "partner.shelter"], env=env)
    assert ok.exit_code == 0, ok.output
    with db.session() as session:
        assert session.scalar(select(TrainingLead.user_id)) is not None
    for args, words in [
        (["training", "lead", "cm.north"], "only partner users"),
        (["training", "lead", "nobody"], "no user named"),
        (["training", "report", "--format", "xml"], "--format"),
        (["training", "report", "--course", "nope"], "no course"),
        (["training", "report", "--org", "Nowhere"], "--org"),
    ]:
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output
        assert "Traceback" not in result.output


def test_a_course_file_that_is_not_utf8_or_a_folder_is_one_sentence(
    runner: Any, tmp_path: Any
) -> None:
    latin = tmp_path / "state-law.yaml"
    latin.write_bytes(
        "id: state-law\ntitle: Ley del estado de M\xe9xico\n".encode("latin-1")
    )
    for path, said in (
        (latin, f"course file {latin}: not UTF-8 text (byte 40)"),
        (tmp_path, f"course file {tmp_path} cannot be read (Is a directory)"),
    ):
        env = {"NOWRONGDOOR_TRAINING_COURSE_FILES": json.dumps([str(path)])}
        result = runner.invoke(app, ["training", "courses"], env=env)
        assert result.exit_code == 2, result.output
        assert said in " ".join(result.output.split())
        assert "Traceback" not in result.output


def test_report_csv_cells_do_not_run_as_formulas(runner: Any, db: Any) -> None:
    """A name or team typed as a formula reaches the CSV report as text."""
    from sqlalchemy import update

    env = _env(db)
    seeded = runner.invoke(app, ["care", "seed", "--persons", "2"], env=env)
    assert seeded.exit_code == 0, seeded.output
    with db.session() as session:
        session.execute(
            update(User)
            .where(User.username == "cm.north")
            .values(display_name="=1+2", team="@north")
        )
    people = runner.invoke(
        app, ["training", "report", "--people", "--format", "csv"], env=env
    )
    assert people.exit_code == 0, people.output
    rows = {r["username"]: r for r in csv.DictReader(io.StringIO(people.output))}
    assert (rows["cm.north"]["name"], rows["cm.north"]["team"]) == ("'=1+2", "'@north")
    teams = runner.invoke(app, ["training", "report", "--format", "csv"], env=env)
    assert "'@north" in teams.output and "\n@north" not in teams.output
    # JSON stays as typed
    raw = runner.invoke(
        app, ["training", "report", "--people", "--format", "json"], env=env
    )
    assert {r["name"] for r in json.loads(raw.output)} >= {"=1+2"}


def _race(db: Any, act: Any) -> list[str]:
    """Run ``act`` in one session and, before that session commits, again in
    a second thread's session; how the second ended ("done" or "refused")."""
    import threading

    from nowrongdoor.care.errors import Conflict

    outcome: list[str] = []

    def second() -> None:
        try:
            with db.session() as session:
                act(session)
            outcome.append("done")
        except Conflict:
            outcome.append("refused")

    with db.session() as first:
        act(first)
        other = threading.Thread(target=second)
        other.start()
        other.join(timeout=1.5)  # blocks on the lock until the first commits
    other.join(timeout=10)
    return outcome


def test_two_starts_at_once_cannot_pass_the_daily_limit(runner: Any, db: Any) -> None:
    """Two tabs starting the same quiz at the same moment: the second waits for
    the first and is refused at the limit, instead of both counting the same
    two earlier attempts and making four."""

    import pytest

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    seeded = runner.invoke(app, ["care", "seed", "--persons", "1"], env=_env(db))
    assert seeded.exit_code == 0, seeded.output
    course = tr.catalogue_for(db.settings).get("awareness")

    def start(session: Any) -> None:
        user = session.scalars(select(User).where(User.username == "cm.north")).one()
        tr.start_attempt(
            session, user=user, course=course, module_id="the-law", settings=db.settings
        )

    for _ in range(db.settings.training_attempts_per_day - 1):
        with db.session() as session:
            start(session)
    # the last one allowed, not yet committed, while a second tab starts
    assert _race(db, start) == ["refused"]


def test_one_quiz_sent_twice_at_once_is_graded_once(runner: Any, db: Any) -> None:
    """The same quiz sent from two tabs at once: the second waits for the first
    and is refused as already submitted (no second grading, no second
    certificate)."""

    import pytest

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    seeded = runner.invoke(app, ["care", "seed", "--persons", "1"], env=_env(db))
    assert seeded.exit_code == 0, seeded.output
    course = tr.catalogue_for(db.settings).get("awareness")
    with db.session() as session:
        user = session.scalars(select(User).where(User.username == "cm.north")).one()
        attempt = tr.start_attempt(
            session, user=user, course=course, module_id="the-law", settings=db.settings
        )
        attempt_id = attempt.id
        keys = {q.id: str(q.key) for q in tr.quiz_of(attempt).questions}

    def submit(session: Any) -> None:
        me = session.scalars(select(User).where(User.username == "cm.north")).one()
        tr.submit_attempt(
            session,
            user=me,
            attempt_id=attempt_id,
            answers=keys,
            course=course,
            settings=db.settings,
        )

    assert _race(db, submit) == ["refused"]
