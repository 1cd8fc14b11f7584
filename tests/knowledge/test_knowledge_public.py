"""knowledge: its public names, each listed once in the module defining it."""

from __future__ import annotations

import nowrongdoor.knowledge as knowledge
from nowrongdoor.knowledge import _loader, _models

PUBLIC = {
    "Entry",
    "Indicator",
    "KnowledgeBase",
    "KnowledgeError",
    "LegalElement",
    "LexiconTerm",
    "PartnerType",
    "Pathway",
    "Resource",
    "SearchHit",
    "SectionFile",
    "Statistic",
    "Table",
    "UnknownEntryError",
    "data_files",
    "load_knowledge",
    "load_knowledge_from",
}


def test_public_names_are_unchanged_and_listed_once() -> None:
    assert len(knowledge.__all__) == len(set(knowledge.__all__))
    assert set(knowledge.__all__) == PUBLIC


def test_public_names_are_the_defining_modules_own() -> None:
    for name in knowledge.__all__:
        assert name in _loader.__all__ or name in _models.__all__
        owner = _loader if name in _loader.__all__ else _models
        assert getattr(knowledge, name) is getattr(owner, name)
