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

from nowrongdoor.training import _courses, _quiz, _scenarios
from nowrongdoor.training._courses import *  # noqa: F403
from nowrongdoor.training._quiz import *  # noqa: F403
from nowrongdoor.training._scenarios import *  # noqa: F403

__all__ = [*_courses.__all__, *_quiz.__all__, *_scenarios.__all__]
