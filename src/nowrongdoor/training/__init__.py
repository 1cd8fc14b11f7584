"""Staff training: courses from the knowledge base and generated quizzes.

Courses are YAML data (shipped, plus a plan's own files); quizzes are generated
from the same data and from the engines that define the answers (the 22 U.S.C.
7102 decision aid and the screening engine)::

    from nowrongdoor.training import generate_quiz, load_catalogue
    course = load_catalogue().get("awareness")
    quiz = generate_quiz(course.id, course.module("the-law"), seed=7)
    [q.public() for q in quiz.questions]   # what a page may show

Records (attempts, completions, certificates) live in the care database.
"""

from nowrongdoor.training._courses import (
    Catalogue,
    Course,
    Module,
    QuizPart,
    load_catalogue,
    shipped_course_files,
)
from nowrongdoor.training._quiz import Grade, Question, Quiz, generate_quiz, grade
from nowrongdoor.training._scenarios import (
    LEGAL_CHOICES,
    SCREENING_CHOICES,
    LegalScenario,
    ScreeningScenario,
    legal_citation,
    legal_scenario,
    screening_choice,
    screening_scenario,
)

__all__ = [
    "LEGAL_CHOICES",
    "SCREENING_CHOICES",
    "Catalogue",
    "Course",
    "Grade",
    "LegalScenario",
    "Module",
    "Question",
    "Quiz",
    "QuizPart",
    "ScreeningScenario",
    "generate_quiz",
    "grade",
    "legal_citation",
    "legal_scenario",
    "load_catalogue",
    "screening_choice",
    "screening_scenario",
    "shipped_course_files",
]
