"""Course definitions: YAML data checked against the knowledge base (private)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nowrongdoor.errors import UserInputError, first_error
from nowrongdoor.knowledge import KnowledgeBase, load_knowledge

__all__ = [
    "Catalogue",
    "Course",
    "Module",
    "QuizPart",
    "load_catalogue",
    "shipped_course_files",
]

SLUG = r"^[a-z][a-z0-9-]*$"
QuizKind = Literal["lexicon", "describe", "legal_scenario", "screening_scenario"]


class QuizPart(BaseModel):
    """One part of a module's quiz: a kind of generated question and how many.

    Attributes:
        kind: ``lexicon`` (term -> meaning), ``describe`` (text -> which entry),
            ``legal_scenario`` (facts -> 22 U.S.C. 7102 classification) or
            ``screening_scenario`` (screening answers -> result and pathway).
        count: Questions of this kind per attempt.
        pool: For ``describe``: entry ids or section names the answer and the
            distractors come from (default: the module's entries). For
            ``lexicon``: ignored (the module's lexicon entries are used).
        minors: For ``legal_scenario``: every generated person is under 18.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: QuizKind
    count: Annotated[int, Field(ge=1, le=20)]
    pool: tuple[str, ...] = ()
    minors: bool = False


class Module(BaseModel):
    """One module of a course.

    Attributes:
        id: Slug, unique within the course.
        title: Heading.
        minutes: Study time, counted towards the course hours.
        summary: What the module teaches, in a few sentences.
        entries: Knowledge-base entry ids the module cites, in reading order.
        quiz: The quiz parts; a module without a quiz is reading only.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=SLUG)]
    title: Annotated[str, Field(min_length=1)]
    minutes: Annotated[int, Field(ge=1, le=600)]
    summary: Annotated[str, Field(min_length=1)]
    entries: Annotated[tuple[str, ...], Field(min_length=1)]
    quiz: tuple[QuizPart, ...] = ()

    @property
    def question_count(self) -> int:
        """Questions per attempt."""
        return sum(part.count for part in self.quiz)


class Course(BaseModel):
    """A course: modules in teaching order.

    Attributes:
        id: Slug, unique in the catalogue.
        title: Title shown on pages and certificates.
        description: What the course is for.
        modules: The modules, in teaching order.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=SLUG)]
    title: Annotated[str, Field(min_length=1)]
    description: str = ""
    modules: Annotated[tuple[Module, ...], Field(min_length=1)]

    @property
    def hours(self) -> float:
        """Study hours (the modules' minutes, to the quarter hour)."""
        minutes = sum(m.minutes for m in self.modules)
        return round(minutes / 15) / 4

    @property
    def quiz_modules(self) -> tuple[Module, ...]:
        """Modules with a quiz (all must be passed to complete the course)."""
        return tuple(m for m in self.modules if m.quiz)

    def module(self, module_id: str) -> Module:
        """The module with ``module_id``.

        Raises:
            UserInputError: no such module.
        """
        for module in self.modules:
            if module.id == module_id:
                return module
        raise UserInputError(f"course {self.id} has no module {module_id!r}")


@dataclass(frozen=True)
class Catalogue:
    """Every course, in file order (shipped first, then the plan's own).

    Attributes:
        courses: Courses by id.
    """

    courses: dict[str, Course]

    def __iter__(self) -> Any:
        return iter(self.courses.values())

    def get(self, course_id: str) -> Course:
        """The course with ``course_id``.

        Raises:
            UserInputError: no such course.
        """
        try:
            return self.courses[course_id]
        except KeyError:
            raise UserInputError(
                f"no course {course_id!r}; courses: {', '.join(self.courses)}"
            ) from None


def shipped_course_files() -> list[Path]:
    """The course YAML files shipped in ``nowrongdoor/training/data/courses``."""
    root = resources.files("nowrongdoor.training") / "data" / "courses"
    return sorted(
        Path(str(item)) for item in root.iterdir() if item.name.endswith(".yaml")
    )


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserInputError(f"course file {path} does not exist") from None
    except UnicodeDecodeError as exc:
        raise UserInputError(
            f"course file {path}: not UTF-8 text (byte {exc.start})"
        ) from None
    except OSError as exc:
        raise UserInputError(
            f"course file {path} cannot be read ({exc.strerror})"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise UserInputError(f"{path}{where}: not valid YAML") from None


def _pool_ids(part: QuizPart, module: Module, kb: KnowledgeBase) -> list[str]:
    if not part.pool:
        return list(module.entries)
    ids: list[str] = []
    for name in part.pool:
        if name in kb.sections:
            ids += [e.id for e in kb.sections[name].entries]
        else:
            ids.append(name)
    return ids


def _check(course: Course, kb: KnowledgeBase, label: str) -> None:
    seen: set[str] = set()
    for module in course.modules:
        where = f"{label}: course {course.id} module {module.id}"
        if module.id in seen:
            raise UserInputError(f"{where}: module id is used twice")
        seen.add(module.id)
        for entry_id in module.entries:
            if entry_id not in kb.entries:
                raise UserInputError(
                    f"{where}: entries names unknown knowledge-base id {entry_id!r}"
                )
        for part in module.quiz:
            pool = _pool_ids(part, module, kb)
            unknown = [i for i in pool if i not in kb.entries]
            if unknown:
                raise UserInputError(
                    f"{where}: quiz pool names unknown knowledge-base id or "
                    f"section {unknown[0]!r}"
                )
            if part.kind == "describe" and len(pool) < 3:
                raise UserInputError(
                    f"{where}: a describe quiz needs a pool of 3 or more entries"
                )
            lexicon = [i for i in module.entries if kb.entries[i].kind == "lexicon"]
            if part.kind == "lexicon" and len(lexicon) < 4:
                raise UserInputError(
                    f"{where}: a lexicon quiz needs 4 or more lexicon entries"
                )


def load_catalogue(
    extra: Iterable[Path] = (), kb: KnowledgeBase | None = None
) -> Catalogue:
    """Load the shipped courses and a plan's own course files.

    A plan adds a local module (state law, local partners) by writing a course
    file and naming it in the ``training_course_files`` setting; no code.

    Args:
        extra: More course YAML files, read after the shipped ones.
        kb: The knowledge base to check entry ids against (the shipped one by
            default).

    Returns:
        The catalogue.

    Raises:
        UserInputError: a file is missing or malformed, a field is invalid, an id
            repeats, or an entry id is not in the knowledge base; the message
            names the file and the field.
    """
    kb = kb or load_knowledge()
    courses: dict[str, Course] = {}
    for path in [*shipped_course_files(), *extra]:
        path = Path(path)
        raw = _read(path)
        try:
            course = Course.model_validate(raw)
        except ValidationError as exc:
            field, message = first_error(exc, "file")
            raise UserInputError(f"{path}: field {field}: {message}") from None
        if course.id in courses:
            raise UserInputError(f"{path}: course id {course.id!r} is used twice")
        _check(course, kb, str(path))
        courses[course.id] = course
    return Catalogue(courses=courses)


def pool_entries(part: QuizPart, module: Module, kb: KnowledgeBase) -> list[str]:
    """The entry ids a ``describe`` part draws from (see :class:`QuizPart`)."""
    return _pool_ids(part, module, kb)
