"""Helpers for the training page tests: records made through the real functions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from nowrongdoor.care import training as tr
from nowrongdoor.care.models import TrainingAttempt, User


def user_id(db: Any, username: str) -> int:
    """The id of a seeded user."""
    with db.session() as session:
        return int(session.scalar(select(User.id).where(User.username == username)))


def pass_modules(web_app: Any, username: str, skip: tuple[str, ...] = ()) -> None:
    """Pass every quiz module of the core course but ``skip``, as ``username``
    would: start an attempt, answer with the keys kept on the server."""
    db, settings = web_app.state.db, web_app.state.settings
    course = tr.catalogue_for(settings).get("awareness")
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
                settings=settings,
            )
            answers = {q.id: str(q.key) for q in tr.quiz_of(attempt).questions}
            tr.submit_attempt(
                session,
                user=user,
                attempt_id=attempt.id,
                answers=answers,
                course=course,
                settings=settings,
            )


def keys_of(web_app: Any, attempt_id: int) -> dict[str, str]:
    """The right answers of an attempt, read from the database (the page has none)."""
    with web_app.state.db.session() as session:
        attempt = session.get(TrainingAttempt, attempt_id)
        assert attempt is not None
        return {q.id: str(q.key) for q in tr.quiz_of(attempt).questions}


def attempt_from(response: Any) -> int:
    """The attempt id a start-quiz redirect points to."""
    assert response.status_code == 303, response.text[:300]
    return int(response.headers["location"].rsplit("/", 1)[1])
